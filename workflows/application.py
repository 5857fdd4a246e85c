"""ApplicationWorkflow: one application's life, durable (P1).

    submitted --forward--> forwarded --offer--> offered --accept--> accepted -> introduced
        |                      |                   |--decline--> declined
        |                      |                   |--48 h-----> lapsed        (reminder at 24 h)
        +--withdraw            +--outcomes due--> not_successful
    introduced --withdraw--> withdrawn_after_acceptance                       (R23)
    any running --erase--> as a withdrawal or decline would end it   (issue 23 item 4)

The applications service starts it as `application-<id>`; its status is written to the
service's table by an activity and to the ApplicationStatus search attribute, so the
Temporal UI and the service's API always agree. Signals come from the round and placement
workflows; accept, decline and withdraw are updates whose validators give the reason.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, time, timedelta
from functools import partial
from typing import Any

from pydantic import BaseModel
from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from mip.core import when
    from services.applications.contract import ApplicationStatus, PlacementFacts
    from workflows.tz import LONDON
from temporalio.common import SearchAttributeUpdate
from temporalio.exceptions import ApplicationError

from workflows import application_effects, search
from workflows import erasure as erasure_workflow
from workflows.messages import Decision, ErasureNotice, OfferRequest
from workflows.signals import signal_quietly

REMINDER_BEFORE = timedelta(hours=24)
# What the host and the office read when an erased intern's place is passed on: the
# person asked for it, and the others in the round need to know no more than that.
ERASED = "withdrawn at the applicant's request"
# Histories recorded before this patch wrote the offers service's row before the status.
OFFER_STATE_FIRST = "offer-state-before-offer-row"
# Histories recorded before this patch wrote the status, then sent the e-mail, one after
# the other (a workflow task each); both now go in one task (issue 24 item 4).
FEWER_ROUND_TRIPS = "status-and-email-together"
# Histories recorded before this patch answered an accept after three activities in turn
# and a decline after four steps; the steps that need not wait on each other now run
# together, so the person's answer comes in fewer round trips (issue 24 item 3).
DECISIONS_SOONER = "decisions-answer-sooner"
# Histories recorded before this patch refused an offer to an application not yet told it
# was forwarded; the round now tells the workflows after the table moves (issue 24).
FORWARDED_BY_NEWS = "offer-or-outcome-means-forwarded"
TERMINAL = {
    ApplicationStatus.withdrawn,
    ApplicationStatus.declined,
    ApplicationStatus.lapsed,
    ApplicationStatus.not_successful,
    ApplicationStatus.withdrawn_after_acceptance,
}


class ApplicationInput(BaseModel):
    application_id: str
    # What people read ("MIP-27A-0042"); applications started before references have none.
    reference: str = ""
    round_id: str
    placement_id: str
    applicant_email: str
    applicant_name: str
    deadline_at: datetime
    placement: PlacementFacts
    confirmation: dict[str, Any]
    office_email: str
    # The ApplicantKey search attribute (workflows/search.py), made by the service, which
    # holds the hashing key; None in applications started before it.
    applicant_key: str | None = None


class WithdrawRequest(Decision):
    pass


class ApplicationView(BaseModel):
    application_id: str
    status: ApplicationStatus
    confirmation_sent: bool
    offer_expires_at: datetime | None = None


def _applicant_attribute(request: ApplicationInput) -> SearchAttributeUpdate[str]:
    """Who applied, as visibility may hold it: the keyed hash, never the address. The
    choice rests on the input alone, fixed in the history, so a replay makes the same one
    and no `workflow.patched` is needed: a workflow started without a key (before it
    existed) replays the address it set then."""
    if request.applicant_key is not None:
        return search.APPLICANT_KEY.value_set(request.applicant_key)
    return search.APPLICANT_EMAIL.value_set(request.applicant_email)


def _starting_attributes(request: ApplicationInput) -> list[SearchAttributeUpdate[str]]:
    return [
        search.ROUND_ID.value_set(request.round_id),
        search.PLACEMENT_ID.value_set(request.placement_id),
        _applicant_attribute(request),
        search.APPLICATION_STATUS.value_set(ApplicationStatus.submitted.value),
    ]


def search_attributes_at_start(request: ApplicationInput) -> dict[str, str]:
    """What the applications service starts an application's workflow with (keyword
    attributes by name), so that its first task need not set them: the same values `run`
    sets for a workflow started without them."""
    return {update.key.name: str(update.value) for update in _starting_attributes(request)}


def _refuse(message: str, kind: str) -> ApplicationError:
    return ApplicationError(message, type=kind, non_retryable=True)


@workflow.defn
class ApplicationWorkflow:
    @workflow.init
    def __init__(self, request: ApplicationInput) -> None:
        # The input is here before any signal or update, even one arriving with the start.
        self._status = ApplicationStatus.submitted
        self._input: ApplicationInput | None = request
        self._confirmation_sent = False
        self._offer: OfferRequest | None = None
        self._expires_at: datetime | None = None
        self._reminded = False
        # What the signals asked for, in arrival order: each signal's own handler, run by
        # the loop below under the lock, so an update never interleaves with one.
        self._inbox: list[Callable[[], Awaitable[None]]] = []
        self._lock = asyncio.Lock()
        # Erasures waiting for this application's answer (issue 23 item 4).
        self._erasures: list[ErasureNotice] = []

    @property
    def _fx(self) -> application_effects.Effects:
        assert self._input is not None
        return application_effects.Effects(self._input, workflow.info().workflow_id)

    @workflow.run
    async def run(self, request: ApplicationInput) -> ApplicationStatus:
        self._input = request
        if workflow.info().typed_search_attributes.get(search.ROUND_ID) is None:
            # Started without them (by a starter from before issue 24, or a test): set here.
            workflow.upsert_search_attributes(_starting_attributes(request))
        await self._fx.confirm()
        self._confirmation_sent = True
        self._show()
        while self._status not in TERMINAL and not self._placement_started():
            seen = self._status  # an update may move the status while we wait
            try:
                await workflow.wait_condition(
                    lambda seen=seen: bool(self._inbox) or self._status is not seen,  # type: ignore[misc]
                    timeout=self._until_timer(),
                )
            except TimeoutError:
                async with self._lock:
                    await self._on_timer()
                continue
            async with self._lock:
                while self._inbox:
                    await self._inbox.pop(0)()
        if self._erasures:
            # Asked as the loop was ending: the erasure still waits for the answer. Only a
            # run that was sent `erase` gets here, so older histories replay unchanged.
            async with self._lock:
                await self._on_erase()
        # An update may still be recording or e-mailing; let it finish first.
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._status

    # --- signals from the round and placement workflows ---------------------------------

    @workflow.signal
    def forward(self) -> None:
        self._inbox.append(self._on_forward)

    @workflow.signal
    def forwarded(self) -> None:
        """The applications service has recorded it forwarded (the round forwards a
        placement's applications in one step): the workflow moves, writing nothing again."""
        self._inbox.append(self._on_forwarded)

    @workflow.signal
    def offer(self, request: OfferRequest) -> None:
        self._inbox.append(partial(self._on_offer, request))

    @workflow.signal
    def outcomes_due(self) -> None:
        self._inbox.append(self._on_outcomes_due)

    @workflow.signal
    def accepted_elsewhere(self) -> None:
        self._inbox.append(self._on_accepted_elsewhere)

    @workflow.signal
    def erase(self, notice: ErasureNotice) -> None:
        self._erasures.append(notice)
        self._inbox.append(self._on_erase)

    # --- updates from the services --------------------------------------------------------

    @workflow.update
    async def accept(self, decision: Decision) -> ApplicationView:
        async with self._lock:
            self._validate_offer_open()  # state may have moved while waiting for the lock
            assert self._input is not None
            if not await self._fx.claim_acceptance():
                raise _refuse(
                    "You have already accepted another offer in this round; only one is allowed.",
                    "AlreadyAccepted",
                )
            if workflow.patched(DECISIONS_SOONER):
                # Both read models at once: the person waits on one round trip, not two.
                await self._set_alongside(
                    ApplicationStatus.accepted,
                    decision.actor,
                    "offer accepted",
                    self._fx.offer_record("accepted", self._expires_at),
                )
            else:
                await self._set(ApplicationStatus.accepted, decision.actor, "offer accepted")
                await self._fx.offer_record("accepted", self._expires_at)
            self._inbox.append(self._after_acceptance)
        return self.view()

    @accept.validator
    def _validate_accept(self, decision: Decision) -> None:
        self._validate_offer_open()

    @workflow.update
    async def decline(self, decision: Decision) -> ApplicationView:
        async with self._lock:
            self._validate_offer_open()
            reason = decision.reason or "offer declined"
            if workflow.patched(DECISIONS_SOONER):
                # The records, the placement (which passes the place on) and the e-mail at
                # once: one round trip while the person waits, not four.
                await self._set_alongside(
                    ApplicationStatus.declined,
                    decision.actor,
                    reason,
                    self._fx.offer_record("declined", self._expires_at, reason),
                    self._fx.tell_placement(self._offer, "declined"),
                    self._fx.email_decline_acknowledgement(),
                )
                return self.view()
            await self._close_offer(ApplicationStatus.declined, decision.actor, reason, "declined")
            await self._fx.email_decline_acknowledgement()
        return self.view()

    @decline.validator
    def _validate_decline(self, decision: Decision) -> None:
        self._validate_offer_open()

    @workflow.update
    async def withdraw(self, request: WithdrawRequest) -> ApplicationView:
        async with self._lock:
            self._validate_withdraw(request)
            if self._status is ApplicationStatus.submitted:
                await self._set(ApplicationStatus.withdrawn, request.actor, request.reason)
            else:
                await self._set(
                    ApplicationStatus.withdrawn_after_acceptance, request.actor, request.reason
                )
                await self._fx.offer_record("withdrawn", None, request.reason)
                await self._fx.withdrawal_notices(request.reason, after_acceptance=True)
                await self._fx.tell_placement(self._offer, "withdrawn_after_acceptance")
        return self.view()

    @withdraw.validator
    def _validate_withdraw(self, request: WithdrawRequest) -> None:
        assert self._input is not None
        if self._status is ApplicationStatus.submitted:
            if workflow.now() >= self._input.deadline_at:
                raise _refuse(
                    "The deadline has passed; withdrawing now is done with the office.",
                    "NotWithdrawable",
                )
            return
        if self._status not in (ApplicationStatus.accepted, ApplicationStatus.introduced):
            raise _refuse(
                f"The application is {self._status.value}; it cannot be withdrawn now.",
                "NotWithdrawable",
            )

    @workflow.query
    def view(self) -> ApplicationView:
        assert self._input is not None
        return ApplicationView(
            application_id=self._input.application_id,
            status=self._status,
            confirmation_sent=self._confirmation_sent,
            offer_expires_at=self._expires_at,
        )

    # --- what happens -----------------------------------------------------------------------

    # One handler per message. Each runs from the inbox in the order the messages came, and
    # issues the same commands as the one string-dispatched handler before it did, so the
    # recorded histories replay on it unchanged (tests/workflows/test_replay.py).

    async def _on_forward(self) -> None:
        if self._status is ApplicationStatus.submitted:
            await self._set(ApplicationStatus.forwarded, "office", "forwarded to the host")

    async def _on_forwarded(self) -> None:
        if self._status is ApplicationStatus.submitted:
            self._move(ApplicationStatus.forwarded)
            self._fx.count(ApplicationStatus.forwarded)

    def _forwarded_unless_told(self) -> None:
        """An offer or an outcome comes only for an application its host has read, and
        the round moves the table before it tells the workflows (round.DIGEST_FIRST), so
        one may overtake the `forwarded` signal: it is that news too."""
        if self._status is ApplicationStatus.submitted and workflow.patched(FORWARDED_BY_NEWS):
            self._move(ApplicationStatus.forwarded)
            self._fx.count(ApplicationStatus.forwarded)

    async def _on_outcomes_due(self) -> None:
        self._forwarded_unless_told()
        if self._status is not ApplicationStatus.forwarded:
            return
        status, reason = ApplicationStatus.not_successful, "no offer by the outcomes date"
        if workflow.patched(FEWER_ROUND_TRIPS):
            await self._set_alongside(status, "office", reason, self._fx.email_not_successful())
            return
        await self._set(status, "office", reason)
        await self._fx.email_not_successful()

    async def _after_acceptance(self) -> None:
        if self._status is ApplicationStatus.accepted:
            await self._fx.tell_placement(self._offer, "accepted")
            await self._fx.withdraw_others()
            await self._fx.introduce()
            await self._set(ApplicationStatus.introduced, "office", "intern and host introduced")

    async def _on_offer(self, request: OfferRequest) -> None:
        self._forwarded_unless_told()
        if self._status is not ApplicationStatus.forwarded:
            await self._fx.tell_placement(request, "unavailable")
            return
        self._offer = request
        window = timedelta(seconds=request.window_seconds)
        self._expires_at = workflow.now() + window
        self._reminded = window <= REMINDER_BEFORE  # no reminder for a window that short
        reason = "offer made from the host's ranking"
        if workflow.patched(OFFER_STATE_FIRST):
            # Both read models show the offer only once this workflow takes an accept for
            # it, the offers service's row first: whoever reads "offered" can answer at once.
            self._move(ApplicationStatus.offered)
            await self._fx.offer_record("offered", self._expires_at)
            if workflow.patched(FEWER_ROUND_TRIPS):
                # The e-mail's link opens the offers service's row, written above.
                await asyncio.gather(
                    self._fx.record_status(ApplicationStatus.offered, "office", reason),
                    self._fx.email_offer(self._expires_at, window),
                )
                return
            await self._fx.record_status(ApplicationStatus.offered, "office", reason)
        else:
            await self._fx.offer_record("offered", self._expires_at)
            await self._set(ApplicationStatus.offered, "office", reason)
        await self._fx.email_offer(self._expires_at, window)

    async def _on_accepted_elsewhere(self) -> None:
        reason = "accepted another offer in this round"
        if self._status is ApplicationStatus.offered:
            await self._close_offer(ApplicationStatus.declined, "office", reason, "declined")
            await self._fx.withdrawal_notices(reason, after_acceptance=False)
        elif self._status in (ApplicationStatus.submitted, ApplicationStatus.forwarded):
            forwarded = self._status is ApplicationStatus.forwarded
            await self._set(ApplicationStatus.withdrawn, "office", reason)
            if forwarded:
                await self._fx.withdrawal_notices(reason, after_acceptance=False)

    async def _on_erase(self) -> None:
        """End the application as the applicant's own withdrawal or decline would, so the
        place passes on and the others in the round see nothing new (R23 for an intern);
        no e-mail to the person, who is being forgotten. Then drop who applied from the
        search attributes while the workflow can still change them. Again: only answers."""
        if not self._erasures:
            return  # answered already, with an earlier request's turn
        status = self._status
        if status in (ApplicationStatus.submitted, ApplicationStatus.forwarded):
            await self._set(ApplicationStatus.withdrawn, "office", ERASED)
        elif status is ApplicationStatus.offered:
            await self._close_offer(ApplicationStatus.declined, "office", ERASED, "declined")
        elif status in (ApplicationStatus.accepted, ApplicationStatus.introduced):
            await self._set(ApplicationStatus.withdrawn_after_acceptance, "office", ERASED)
            await self._fx.offer_record("withdrawn", None, ERASED)
            await self._fx.withdrawal_notices(ERASED, after_acceptance=True)
            await self._fx.tell_placement(self._offer, "withdrawn_after_acceptance")
        workflow.upsert_search_attributes(
            [search.APPLICANT_KEY.value_unset(), search.APPLICANT_EMAIL.value_unset()]
        )
        assert self._input is not None
        while self._erasures:
            await signal_quietly(
                self._erasures.pop(0).erasure_workflow_id,
                erasure_workflow.ErasureWorkflow.application_ended,
                self._input.application_id,
            )

    async def _on_timer(self) -> None:
        if self._status is not ApplicationStatus.offered or self._expires_at is None:
            return
        if workflow.now() >= self._expires_at:
            await self._close_offer(
                ApplicationStatus.lapsed, "office", "no answer within the window", "lapsed"
            )
            assert self._offer is not None
            await self._fx.email_lapsed(timedelta(seconds=self._offer.window_seconds))
        elif not self._reminded:
            self._reminded = True
            await self._fx.email_reminder(self._expires_at)

    async def _close_offer(
        self, status: ApplicationStatus, actor: str, reason: str, outcome: Any
    ) -> None:
        await self._set(status, actor, reason)
        await self._fx.offer_record(outcome, self._expires_at, reason)
        await self._fx.tell_placement(self._offer, outcome)

    def _validate_offer_open(self) -> None:
        if self._status is ApplicationStatus.offered:
            if self._expires_at is not None and workflow.now() >= self._expires_at:
                raise _refuse("The offer has lapsed.", "OfferLapsed")
            return
        reasons = {
            ApplicationStatus.lapsed: ("The offer has lapsed.", "OfferLapsed"),
            ApplicationStatus.accepted: ("You have already accepted this offer.", "AlreadyDecided"),
            ApplicationStatus.introduced: (
                "You have already accepted this offer.",
                "AlreadyDecided",
            ),
            ApplicationStatus.declined: ("The offer was declined.", "AlreadyDecided"),
            ApplicationStatus.withdrawn: ("The application was withdrawn.", "Withdrawn"),
        }
        message, kind = reasons.get(self._status, ("There is no open offer.", "NoOffer"))
        raise _refuse(message, kind)

    def _until_timer(self) -> timedelta | None:
        if self._status is ApplicationStatus.offered and self._expires_at is not None:
            due = self._expires_at if self._reminded else self._expires_at - REMINDER_BEFORE
            return max(due - workflow.now(), timedelta(0))
        if self._status is ApplicationStatus.introduced:
            return max(self._placement_start() - workflow.now(), timedelta(0))
        return None

    def _placement_start(self) -> datetime:
        assert self._input is not None
        first = min(self._input.placement.days)
        return datetime.combine(first, time(0, 0), tzinfo=LONDON)

    def _placement_started(self) -> bool:
        return (
            self._status is ApplicationStatus.introduced
            and workflow.now() >= self._placement_start()
        )

    async def _set(self, status: ApplicationStatus, actor: str, reason: str) -> None:
        # The workflow moves first, its read model after: what the service's table shows
        # (an open offer, say) is always something the workflow will already act on.
        self._move(status)
        await self._fx.record_status(status, actor, reason)

    async def _set_alongside(
        self, status: ApplicationStatus, actor: str, reason: str, *effects: Awaitable[Any]
    ) -> None:
        """`_set`, its read-model write in the same workflow task as `effects`."""
        self._move(status)
        await asyncio.gather(self._fx.record_status(status, actor, reason), *effects)

    def _move(self, status: ApplicationStatus) -> None:
        self._status = status
        assert self._input is not None
        workflow.upsert_search_attributes([search.APPLICATION_STATUS.value_set(status.value)])
        self._show()

    def _show(self) -> None:
        detail = self._status.value
        if self._status is ApplicationStatus.offered and self._expires_at is not None:
            detail += f"; offer lapses at {when.short_when(self._expires_at)}"
        workflow.set_current_details(detail)
