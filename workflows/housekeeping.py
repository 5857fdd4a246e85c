"""HousekeepingWorkflow: the retention schedule's rows that belong to no round
(docs/privacy.md), swept every `every_s` (a day) for as long as the deployment runs.

    e-mails of no round, and a round's made
    after its last date, settled + message_body -> subject, bodies and data erased; kind,
                                                   status, recipients and times kept
    support sessions, ended + support           -> deleted with their bookings
    alerts sign-ups never confirmed, made, and
    addresses that left, unsubscribed,
    + alerts_pending                            -> deleted
    outbox rows, started + outbox               -> deleted (an unstarted one never)

One for the deployment (`ids.housekeeping`), started by the workflow worker as it starts
(`workflows.worker.ensure_housekeeping`): a start while it runs changes nothing but its
periods, which come from the settings and apply from its next sweep. Each sweep computes
its cutoffs from `workflow.now()`, so a replay asks the same, and every erasure may run
again and erases nothing twice, so the workflow keeps no record of what was done. After
`SWEEPS_PER_RUN` sweeps it continues as new, so its history stays short. The portal's
sessions are its own (it serves no activities): the portal sweeps them itself.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from pydantic import BaseModel, Field
from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from mip.core import when
    from mip.core.housekeeping import PRUNE_OUTBOX, Cutoff
    from services.applications.contract import ERASE_SUPPORT_SESSIONS, ROUND_DATES, RoundDates
    from services.notifications.contract import (
        ERASE_ALERT_SIGN_UPS,
        ERASE_OTHER_MESSAGE_BODIES,
        OtherBodiesErasure,
        RoundEnd,
    )
    from workflows.retention import week_over
from temporalio.common import RetryPolicy

from workflows.calls import call
from workflows.queues import APPLICATIONS, EXPENSES, NOTIFICATIONS, sibling

RETRY = RetryPolicy(maximum_interval=timedelta(minutes=5))
TIMEOUT = timedelta(minutes=5)
# A month of daily sweeps a run: each is a few dozen events, so a run's history stays
# small however long the deployment lives.
SWEEPS_PER_RUN = 30
# The services whose schema holds a workflow outbox (their spec's `uses_outbox`).
OUTBOXES = {"applications": APPLICATIONS, "expenses": EXPENSES}


class HousekeepingPeriods(BaseModel):
    """How long after its instant each kind is kept, in seconds: the settings' days."""

    message_body_s: float = Field(ge=0)
    support_s: float = Field(ge=0)
    alerts_pending_s: float = Field(ge=0)
    outbox_s: float = Field(ge=0)


class HousekeepingInput(BaseModel):
    periods: HousekeepingPeriods
    every_s: float = Field(gt=0)


class Swept(BaseModel):
    """One sweep: when, and how many rows each erasure erased, by `service.table`."""

    at: datetime
    erased: dict[str, int]


def rounds_ended(dates: list[RoundDates], before: datetime) -> list[RoundEnd]:
    """The rounds whose RetentionWorkflow erased its last e-mails' bodies before `before`:
    each with the instant those were made before (its outcomes-by date or the end of its
    last placement week, the later), so the e-mails made since are the sweep's."""
    ends = []
    for the_round in dates:
        ended_at = the_round.outcomes_at
        if the_round.last_week_ends_on is not None:
            ended_at = max(ended_at, week_over(the_round.last_week_ends_on))
        if ended_at < before:
            ends.append(RoundEnd(round_id=the_round.round_id, ended_at=ended_at))
    return ends


@workflow.defn
class HousekeepingWorkflow:
    @workflow.init
    def __init__(self, request: HousekeepingInput) -> None:
        self._request = request
        self._swept: list[Swept] = []

    @workflow.run
    async def run(self, request: HousekeepingInput) -> None:
        for _ in range(SWEEPS_PER_RUN):
            swept = await self._sweep(self._request.periods)
            self._swept.append(swept)
            every = timedelta(seconds=self._request.every_s)
            workflow.set_current_details(
                f"swept at {when.short_when(swept.at)}; next at {when.short_when(swept.at + every)}"
            )
            await workflow.sleep(every)
            if workflow.info().is_continue_as_new_suggested():
                break
        workflow.continue_as_new(self._request)

    @workflow.signal
    def use(self, request: HousekeepingInput) -> None:
        """The periods and interval the settings give now (the worker sends them as it
        starts): the next sweep uses them; the one awaited is not moved."""
        self._request = request

    @workflow.query
    def swept(self) -> list[Swept]:
        """This run's sweeps, oldest first."""
        return self._swept

    async def _sweep(self, periods: HousekeepingPeriods) -> Swept:
        now = workflow.now()

        def before(period_s: float) -> datetime:
            return now - timedelta(seconds=period_s)

        dates: list[RoundDates] = await workflow.execute_activity(
            ROUND_DATES,
            task_queue=sibling(APPLICATIONS),
            start_to_close_timeout=TIMEOUT,
            retry_policy=RETRY,
            result_type=list[RoundDates],
        )
        settled_before = before(periods.message_body_s)
        bodies = OtherBodiesErasure(
            settled_before=settled_before, rounds_ended=rounds_ended(dates, settled_before)
        )
        asked = {
            "notifications.messages": (NOTIFICATIONS, ERASE_OTHER_MESSAGE_BODIES, bodies),
            "notifications.alert_subscribers": (
                NOTIFICATIONS,
                ERASE_ALERT_SIGN_UPS,
                Cutoff(before=before(periods.alerts_pending_s)),
            ),
            "applications.support_sessions": (
                APPLICATIONS,
                ERASE_SUPPORT_SESSIONS,
                Cutoff(before=before(periods.support_s)),
            ),
        }
        for service, queue in OUTBOXES.items():
            outbox = Cutoff(before=before(periods.outbox_s))
            asked[f"{service}.workflow_outbox"] = (queue, PRUNE_OUTBOX, outbox)
        # Together: a service that is down holds up only its own erasures.
        counts = await asyncio.gather(*(self._ask(*a) for a in asked.values()))
        erased = dict(zip(asked, counts, strict=True))
        for what, count in erased.items():
            workflow.logger.info("housekeeping: %s: %d erased", what, count)
        return Swept(at=now, erased=erased)

    async def _ask(self, queue: str, activity: str, arg: object) -> int:
        erased: int = await call(
            queue, activity, arg, result_type=int, start_to_close=TIMEOUT, retry_policy=RETRY
        )
        return erased
