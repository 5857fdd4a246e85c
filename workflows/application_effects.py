"""What ApplicationWorkflow does to the world: activities, e-mail and signals, each step
with an idempotency key of the workflow id and the step, so a replay or retry sends
nothing twice (P4).

An e-mail the applicant can never receive (a refused or malformed address) comes back
failed rather than being retried for ever; the application goes on, and the office is
told the applicant could not be e-mailed, and why (R15, R18).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from mip.core import ids, when
    from services.applications.contract import (
        OPEN_APPLICATIONS_OF,
        RECORD_STATUS,
        ApplicationStatus,
        OpenApplicationsQuery,
        StatusChange,
    )
    from services.notifications.contract import (
        CalendarEvent,
        EmailOutcome,
        EmailRequest,
        MessageKind,
    )
    from services.offers.contract import (
        CLAIM_ACCEPTANCE,
        RECORD_OFFER,
        AcceptanceClaim,
        OfferRecord,
    )
    from services.portal.contract import Page, PageName

# Read only when a signal is sent: the application workflow's module imports this one, and
# the placement workflow's imports the application's, so either may be found half-made.
from workflows import application as application_workflow
from workflows import placement as placement_workflow
from workflows.calls import call
from workflows.messages import OfferRequest, Resolution
from workflows.notifications import send_email
from workflows.queues import APPLICATIONS, OFFERS
from workflows.signals import signal_quietly

if TYPE_CHECKING:
    from workflows.application import ApplicationInput

# Histories recorded before this patch sent nothing to the office for an undelivered e-mail.
UNDELIVERABLE_NOTICE = "undeliverable-notice-to-office"


# Each message the applicant gets about their application: its step in the idempotency key
# (never changed: a replayed step must find its message already sent), what the office is
# told it was if it bounces, and the page it opens.
_APPLICANT_MESSAGES: dict[MessageKind, tuple[str, str, Literal["offer", "application"]]] = {
    MessageKind.confirmation: ("confirmation", "confirmation of the application", "application"),
    MessageKind.offer: ("offer", "offer of the place", "offer"),
    MessageKind.offer_reminder: ("offer-reminder", "reminder of the offer", "offer"),
    MessageKind.offer_lapsed: ("offer-lapsed", "notice that the offer lapsed", "application"),
    MessageKind.decline_acknowledgement: (
        "offer-declined",
        "acknowledgement of the declined offer",
        "application",
    ),
    MessageKind.not_successful: (
        "not-successful",
        "news that the application was not successful",
        "application",
    ),
}


class Effects:
    def __init__(self, app: ApplicationInput, workflow_id: str) -> None:
        self.app = app
        self.wf = workflow_id

    # --- records in the services' own tables --------------------------------------------

    async def record_status(self, status: ApplicationStatus, actor: str, reason: str) -> None:
        change = StatusChange(
            application_id=self.app.application_id, status=status, actor=actor, reason=reason
        )
        await call(APPLICATIONS, RECORD_STATUS, change)
        self.count(status)

    def count(self, status: ApplicationStatus) -> None:
        """On the worker's /metrics; recorded by the SDK only when not replaying."""
        workflow.metric_meter().create_counter(
            "mip_application_transitions", "Applications moved to a status by their workflow"
        ).add(1, {"status": status.value})

    async def offer_record(
        self, status: Any, expires_at: datetime | None, reason: str = ""
    ) -> None:
        record = OfferRecord(
            application_id=self.app.application_id,
            round_id=self.app.round_id,
            placement_id=self.app.placement_id,
            applicant_email=self.app.applicant_email,
            status=status,
            expires_at=expires_at,
            reason=reason,
        )
        await call(OFFERS, RECORD_OFFER, record)

    async def claim_acceptance(self) -> bool:
        claim = AcceptanceClaim(
            round_id=self.app.round_id,
            applicant_email=self.app.applicant_email,
            application_id=self.app.application_id,
        )
        granted: bool = await call(OFFERS, CLAIM_ACCEPTANCE, claim, result_type=bool)
        return granted

    # --- the other workflows ------------------------------------------------------------------

    async def tell_placement(self, offer: OfferRequest | None, outcome: Any) -> None:
        if offer is None:
            return
        resolution = Resolution(application_id=self.app.application_id, outcome=outcome)
        await signal_quietly(
            offer.placement_workflow_id, placement_workflow.PlacementWorkflow.resolved, resolution
        )

    async def withdraw_others(self) -> None:
        """R20: accepting one offer withdraws every other open application of the round."""
        query = OpenApplicationsQuery(
            round_id=self.app.round_id,
            applicant_email=self.app.applicant_email,
            except_application_id=self.app.application_id,
        )
        others: list[str] = await call(
            APPLICATIONS, OPEN_APPLICATIONS_OF, query, result_type=list[str]
        )
        for other in others:
            await signal_quietly(
                ids.application(other), application_workflow.ApplicationWorkflow.accepted_elsewhere
            )

    # --- e-mail ------------------------------------------------------------------------------

    def _data(self, **extra: Any) -> dict[str, Any]:
        facts = self.app.placement
        return {
            "reference": self.app.reference,
            "applicant_name": self.app.applicant_name,
            "applicant_email": self.app.applicant_email,
            "placement_title": facts.title,
            "host_name": facts.host_name,
            "host_contact_name": facts.host_contact_name,
            "host_contact_email": facts.host_contact_email,
            "days_label": when.days(facts.days),
            "week_label": when.day(facts.week_starts_on),
            "mode_label": facts.mode.replace("_", " "),
            "preparation": facts.preparation or "Your host will tell you how to prepare.",
            **extra,
        }

    async def _send(
        self,
        kind: MessageKind,
        step: str,
        to: list[str],
        data: dict[str, Any],
        calendar: CalendarEvent | None = None,
        pages: dict[str, Page] | None = None,
    ) -> EmailOutcome:
        return await send_email(
            EmailRequest(
                kind=kind,
                to=to,
                data=data,
                pages=pages or {},
                idempotency_key=f"{self.wf}/{step}",
                round_id=self.app.round_id,
                subject_ref=self.wf,
                calendar=calendar,
            )
        )

    async def _to_applicant(
        self,
        kind: MessageKind,
        step: str,
        label: str,
        data: dict[str, Any],
        *,
        also: list[str] | None = None,
        calendar: CalendarEvent | None = None,
        pages: dict[str, Page] | None = None,
    ) -> None:
        """Send an applicant-facing e-mail; if it cannot reach them, tell the office."""
        applicant = self.app.applicant_email
        outcome = await self._send(kind, step, [applicant, *(also or [])], data, calendar, pages)
        if outcome.reached(applicant) or not workflow.patched(UNDELIVERABLE_NOTICE):
            return
        await self._send(
            MessageKind.undeliverable_notice,
            f"undeliverable/{step}",
            [self.app.office_email],
            {
                "applicant_name": self.app.applicant_name,
                "applicant_email": applicant,
                "placement_title": self.app.placement.title,
                "application_id": self.app.application_id,
                "message_label": label,
                "message_id": outcome.message_id,
                "reason": outcome.why_not(applicant),
            },
            pages=self._message_page(outcome.message_id),
        )

    async def confirm(self) -> None:
        await self._tell(MessageKind.confirmation, self.app.confirmation)

    async def email_offer(self, expires_at: datetime, window: timedelta) -> None:
        data = self._data(
            respond_by_label=when.when(expires_at), window_label=when.duration(window)
        )
        await self._tell(MessageKind.offer, data)

    async def email_reminder(self, expires_at: datetime) -> None:
        await self._tell(
            MessageKind.offer_reminder, self._data(respond_by_label=when.when(expires_at))
        )

    async def email_lapsed(self, window: timedelta) -> None:
        await self._tell(MessageKind.offer_lapsed, self._data(window_label=when.duration(window)))

    async def email_decline_acknowledgement(self) -> None:
        await self._tell(MessageKind.decline_acknowledgement, self._data())

    async def email_not_successful(self) -> None:
        await self._tell(MessageKind.not_successful, self._data())

    async def _tell(self, kind: MessageKind, data: dict[str, Any]) -> None:
        """One of the applicant's own messages, linking to the page it is about."""
        step, label, page = _APPLICANT_MESSAGES[kind]
        pages = self._offer_page() if page == "offer" else self._application_page()
        await self._to_applicant(kind, step, label, data, pages=pages)

    async def introduce(self) -> None:
        """R21, R22: one e-mail to intern and host, with the days and the preparation."""
        facts = self.app.placement
        event = CalendarEvent(
            uid=f"{self.wf}@mip",
            summary=f"Micro-internship: {facts.title}",
            description=facts.preparation,
            location=facts.location,
            days=sorted(facts.days),
        )
        await self._to_applicant(
            MessageKind.introduction,
            "introduction",
            "introduction to the host",
            self._data(),
            also=[facts.host_contact_email],
            calendar=event,
            pages={"placement_url": Page(name=PageName.placement, params=self._placement())},
        )

    async def withdrawal_notices(self, reason: str, *, after_acceptance: bool) -> None:
        facts = self.app.placement
        host_page = Page(name=PageName.host_placement, params=self._placement())
        office_page = Page(name=PageName.office_withdrawals, params={"round_id": self.app.round_id})
        recipients = [(facts.host_contact_email, facts.host_contact_name, host_page)]
        if after_acceptance:
            recipients.append((self.app.office_email, "Internship Office", office_page))
        for address, name, page in recipients:
            await self._send(
                MessageKind.withdrawal_notice,
                f"withdrawal/{address}",
                [address],
                self._data(recipient_name=name, reason=reason, after_acceptance=after_acceptance),
                pages={"details_url": page},
            )

    def _message_page(self, message_id: str) -> dict[str, Page]:
        """The office's page of the message that bounced, when it is named by an id."""
        if not message_id.replace("-", "").isalnum():
            return {}
        params = {"message_id": message_id}
        return {"message_url": Page(name=PageName.office_message, params=params)}

    def _placement(self) -> dict[str, str]:
        return {"placement_id": self.app.placement_id}

    def _offer_page(self) -> dict[str, Page]:
        """R19: where the applicant accepts or declines."""
        params = {"application_id": self.app.application_id}
        return {"respond_url": Page(name=PageName.applicant_offer, params=params)}

    def _application_page(self) -> dict[str, Page]:
        params = {"application_id": self.app.application_id}
        return {"application_url": Page(name=PageName.applicant_application, params=params)}
