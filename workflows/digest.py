"""The host's digest at a deadline: the applications forwarded for one placement (R16),
sent by the round's workflow once they are; its key makes a retried send harmless (P4)."""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from mip.core import ids
    from services.applications.contract import PlacementSnapshot, RoundSnapshot
    from services.notifications.contract import EmailRequest, MessageKind
    from services.portal.contract import Page, PageName


def digest_request(
    snapshot: RoundSnapshot,
    placement: PlacementSnapshot,
    phase: str,
    outcomes_at: datetime,
    ranking_closes_at: datetime,
) -> EmailRequest:
    facts = placement.facts
    placement_id = placement.placement_id
    return EmailRequest(
        kind=MessageKind.forwarded_digest,
        to=[facts.host_contact_email],
        data={
            "host_contact_name": facts.host_contact_name,
            "placement_title": facts.title,
            "round_name": snapshot.round_name,
            "applicants": [
                {"name": c.applicant_name, "email": c.applicant_email} for c in placement.candidates
            ],
            # The notifications service words the digest by it when it sends: one that goes
            # out after this instant no longer asks the host to rank.
            "outcomes_at": outcomes_at.isoformat(),
            "ranking_closes_at": ranking_closes_at.isoformat(),
        },
        pages={
            "review_url": Page(name=PageName.host_placement, params={"placement_id": placement_id})
        },
        idempotency_key=f"{ids.round_(snapshot.round_id)}/forward-{phase}/{placement_id}",
        round_id=snapshot.round_id,
        subject_ref=ids.placement_subject(placement_id),
    )
