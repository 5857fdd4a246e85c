"""Template data for every kind of message, as the workflows that send them will give it."""

from __future__ import annotations

from typing import Any

from services.notifications.contract import MessageKind

APPLICANT = {
    "applicant_name": "Dr Ada <Lovelace>",
    "placement_title": "Cataloguing the college silver",
    "host_name": "St John's College",
}
SAMPLES: dict[MessageKind, dict[str, Any]] = {
    MessageKind.confirmation: {
        **APPLICANT,
        "week_label": "3-7 June 2019",
        "application_id": "a1b2",
        "submitted_at_label": "Mon 1 April 2019 11:59",
        "statement_cut": True,
        "word_limit": 300,
        "allowance_warning": "Medical Sciences allows 5 days; agree it with your PI.",
    },
    MessageKind.forwarded_digest: {
        "host_contact_name": "Dr Helen Marsh",
        "placement_title": "Silver",
        "round_name": "2019",
        "review_url": "http://x/review",
        "applicants": [{"name": "Ada", "email": "ada@example.org"}],
    },
    MessageKind.offer: {
        **APPLICANT,
        "days_label": "Mon 3 - Fri 7 June 2019",
        "respond_by_label": "Wed 24 April 2019 10:00",
        "respond_url": "http://x/o/1",
    },
    MessageKind.offer_reminder: {
        **APPLICANT,
        "respond_by_label": "Wed 24 April 2019 10:00",
        "respond_url": "http://x/o/1",
    },
    MessageKind.offer_lapsed: APPLICANT,
    MessageKind.decline_acknowledgement: APPLICANT,
    MessageKind.not_successful: APPLICANT,
    MessageKind.introduction: {
        **APPLICANT,
        "applicant_email": "ada@example.org",
        "host_contact_name": "Dr Helen Marsh",
        "host_contact_email": "collections@sjc.example.org",
        "week_label": "3 June 2019",
        "days_label": "Mon 3 - Wed 5 June",
        "mode_label": "in person",
        "preparation": "Wear closed shoes.",
    },
    MessageKind.preparation: {
        **APPLICANT,
        "days_label": "Mon 3 - Wed 5 June",
        "preparation": "Wear closed shoes.",
    },
    MessageKind.withdrawal_notice: {
        **APPLICANT,
        "recipient_name": "Dr Helen Marsh",
        "reason": "Illness",
        "after_acceptance": True,
    },
    MessageKind.expense_update: {
        "recipient_name": "Ada",
        "placement_title": "Silver",
        "claim_id": "c-1",
        "status_label": "approved",
        "amount_label": "£12.40",
        "note": "",
    },
    MessageKind.support_booking: {
        "applicant_name": "Ada",
        "slot_label": "Tue 19 March 10:15",
        "adviser_name": "Sam",
        "location": "Careers Service",
        "cancelled": False,
    },
    MessageKind.alert_confirm: {"confirm_url": "http://x/confirm?token=t"},
    MessageKind.sign_in: {
        "sign_in_url": "http://x/sign-in/link?token=t",
        "expires_label": "Tue 3 Mar 2026, 12:15 GMT",
    },
    MessageKind.alert_advertised: {
        "round_name": "2019",
        "placements_count": 12,
        "deadline_label": "Mon 1 April 12:00",
        "placements_url": "http://x/p",
        "unsubscribe_url": "http://x/u",
    },
    MessageKind.alert_readvertised: {
        "round_name": "2019",
        "placements_count": 3,
        "deadline_label": "Mon 29 April 12:00",
        "placements_url": "http://x/p",
        "unsubscribe_url": "http://x/u",
    },
    MessageKind.host_welcome: {
        "contact_name": "Dr Ada <Lovelace>",
        "contact_email": "collections@sjc.example.org",
        "host_name": "St John's College",
        "registered_by": "jo.office@admin.ox.ac.uk",
        "sign_in_url": "http://x/sign-in",
    },
    MessageKind.undeliverable_notice: {
        **APPLICANT,
        "applicant_email": "nobody@example.org",
        "message_label": "confirmation of the application",
        "reason": "nobody@example.org: 550 5.1.1 No such user here",
    },
}
