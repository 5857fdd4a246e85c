"""HousekeepingWorkflow on the time-skipping server, the services' erasures stubbed: a
sweep at once and then one a day, each cutoff its period before the sweep, the e-mails of
rounds whose schedule is over handed on, new periods taken at the next sweep, and a new
run after a month of sweeps."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from temporalio import activity
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHandle

from mip.core import ids
from mip.core.housekeeping import PRUNE_OUTBOX, Cutoff
from services.applications.contract import ERASE_SUPPORT_SESSIONS, ROUND_DATES, RoundDates
from services.notifications.contract import (
    ERASE_ALERT_SIGN_UPS,
    ERASE_OTHER_MESSAGE_BODIES,
    OtherBodiesErasure,
    RoundEnd,
)
from tests.support.time_skipping import time_skipping
from workflows.housekeeping import (
    SWEEPS_PER_RUN,
    HousekeepingInput,
    HousekeepingPeriods,
    HousekeepingWorkflow,
)
from workflows.queues import APPLICATIONS, EXPENSES, NOTIFICATIONS, WORKFLOWS
from workflows.retention import week_over

DAY = timedelta(days=1)
PERIODS = HousekeepingPeriods(
    message_body_s=180 * DAY.total_seconds(),
    support_s=90 * DAY.total_seconds(),
    alerts_pending_s=30 * DAY.total_seconds(),
    outbox_s=30 * DAY.total_seconds(),
)
START = HousekeepingInput(periods=PERIODS, every_s=DAY.total_seconds())
WORKFLOW_ID = ids.housekeeping("")


@dataclass
class Services:
    """Each erasure's cutoffs as asked, in order, and the rounds the applications service
    reports, dated from `start`."""

    start: datetime = field(default_factory=lambda: datetime.min.replace(tzinfo=UTC))
    asked: dict[str, list[datetime]] = field(default_factory=dict)
    bodies: list[OtherBodiesErasure] = field(default_factory=list)

    def _note(self, what: str, before: datetime) -> int:
        self.asked.setdefault(what, []).append(before)
        return 2

    @activity.defn(name=ROUND_DATES)
    async def round_dates(self) -> list[RoundDates]:
        s = self.start
        return [
            # Over long ago: its e-mails made since its last week are the sweep's.
            RoundDates(
                round_id="weeks-over",
                outcomes_at=s - 300 * DAY,
                last_week_ends_on=(s - 250 * DAY).date(),
            ),
            RoundDates(round_id="no-placements", outcomes_at=s - 200 * DAY, last_week_ends_on=None),
            # Its schedule still runs: none of its e-mails is the sweep's.
            RoundDates(
                round_id="running",
                outcomes_at=s - 10 * DAY,
                last_week_ends_on=(s + 20 * DAY).date(),
            ),
        ]

    @activity.defn(name=ERASE_OTHER_MESSAGE_BODIES)
    async def messages(self, erasure: OtherBodiesErasure) -> int:
        self.bodies.append(erasure)
        return self._note("messages", erasure.settled_before)

    @activity.defn(name=ERASE_ALERT_SIGN_UPS)
    async def alerts(self, cutoff: Cutoff) -> int:
        return self._note("alerts", cutoff.before)

    @activity.defn(name=ERASE_SUPPORT_SESSIONS)
    async def support(self, cutoff: Cutoff) -> int:
        return self._note("support", cutoff.before)

    def outbox(self, service: str) -> Callable[..., Any]:
        @activity.defn(name=PRUNE_OUTBOX)
        async def prune_outbox(cutoff: Cutoff) -> int:
            return self._note(f"{service} outbox", cutoff.before)

        return prune_outbox

    def served(self) -> dict[str, Sequence[Callable[..., Any]]]:
        return {
            APPLICATIONS: [self.round_dates, self.support, self.outbox("applications")],
            NOTIFICATIONS: [self.messages, self.alerts],
            EXPENSES: [self.outbox("expenses")],
        }


async def _start(client: Client) -> WorkflowHandle[Any, Any]:
    return await client.start_workflow(
        HousekeepingWorkflow.run, START, id=WORKFLOW_ID, task_queue=WORKFLOWS
    )


async def test_housekeeping_sweeps_at_once_and_then_daily_each_kind_its_period_ago() -> None:
    services = Services()
    async with time_skipping([HousekeepingWorkflow], services.served()) as env:
        services.start = await env.get_current_time()
        handle = await _start(env.client)
        await env.sleep(2.5 * DAY)
        swept = await handle.query(HousekeepingWorkflow.swept)

    # At once, then a day after each (and the few moments each sweep takes).
    assert _about([s.at - services.start for s in swept], [0 * DAY, DAY, 2 * DAY])
    first = swept[0].at
    periods = {
        "messages": 180 * DAY,
        "alerts": 30 * DAY,
        "support": 90 * DAY,
        "applications outbox": 30 * DAY,
        "expenses outbox": 30 * DAY,
    }
    for what, period in periods.items():
        assert services.asked[what] == [s.at - period for s in swept], what
    assert swept[0].erased == {
        "notifications.messages": 2,
        "notifications.alert_subscribers": 2,
        "applications.support_sessions": 2,
        "applications.workflow_outbox": 2,
        "expenses.workflow_outbox": 2,
    }
    # The e-mails of the rounds whose schedule is over, from the instant it ended; none
    # of the round whose schedule still runs.
    assert services.bodies[0].rounds_ended == [
        RoundEnd(round_id="weeks-over", ended_at=week_over((services.start - 250 * DAY).date())),
        RoundEnd(round_id="no-placements", ended_at=services.start - 200 * DAY),
    ]
    assert services.bodies[0].settled_before == first - 180 * DAY


def _about(got: list[timedelta], expected: list[timedelta]) -> bool:
    return len(got) == len(expected) and all(
        abs(g - e) < timedelta(seconds=5) for g, e in zip(got, expected, strict=True)
    )


async def test_housekeeping_takes_new_periods_at_its_next_sweep_and_runs_anew_monthly() -> None:
    services = Services()
    async with time_skipping([HousekeepingWorkflow], services.served()) as env:
        services.start = await env.get_current_time()
        handle = await _start(env.client)
        await env.sleep(DAY / 2)
        shorter = PERIODS.model_copy(update={"alerts_pending_s": 7 * DAY.total_seconds()})
        await handle.signal(
            HousekeepingWorkflow.use, HousekeepingInput(periods=shorter, every_s=START.every_s)
        )
        await env.sleep((SWEEPS_PER_RUN + 1) * DAY)
        first_run = await env.client.get_workflow_handle(
            WORKFLOW_ID, run_id=handle.result_run_id
        ).describe()
        latest = env.client.get_workflow_handle(WORKFLOW_ID)
        now_running = await latest.describe()
        swept_now = await latest.query(HousekeepingWorkflow.swept)

    alerts = services.asked["alerts"]
    messages = services.asked["messages"]
    # The first sweep with the periods it started with, every later one with the new.
    assert alerts[0] - messages[0] == 150 * DAY
    assert all(a - m == 173 * DAY for a, m in zip(alerts[1:], messages[1:], strict=True))
    assert first_run.status is WorkflowExecutionStatus.CONTINUED_AS_NEW
    assert now_running.status is WorkflowExecutionStatus.RUNNING
    assert now_running.run_id != handle.result_run_id
    # Nothing lost at the turn: a sweep a day, the new run's first the day after the last.
    assert len(alerts) >= SWEEPS_PER_RUN + 1
    assert 1 <= len(swept_now) <= 2
