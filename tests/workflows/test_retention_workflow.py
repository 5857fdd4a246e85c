"""RetentionWorkflow on the time-skipping server, the services' erasures stubbed: each step
at its instant, a moved outcomes-by date followed, and a claim paid late waited for."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from temporalio import activity

from mip.core import ids
from services.applications.contract import (
    ANONYMISE_ROUND,
    ERASE_PLACEMENT_WEEK,
    ERASE_UNPLACED,
    KEEP_EQUAL_OPPORTUNITIES_TOTALS,
    RETENTION_PLAN,
    RetentionPlan,
    RetentionWeek,
    WeekErasure,
)
from services.expenses.contract import ERASE_CLAIMS, ClaimErasure, ClaimsErased
from services.notifications.contract import (
    ANONYMISE_ROUND_MESSAGES,
    ERASE_MESSAGE_BODIES,
    BodyErasure,
)
from services.offers.contract import ANONYMISE_ROUND_SELECTION
from tests.support.time_skipping import time_skipping
from workflows.queues import APPLICATIONS, EXPENSES, NOTIFICATIONS, OFFERS, WORKFLOWS
from workflows.retention import RetentionInput, RetentionPeriods, RetentionWorkflow, week_over

DAY = 24 * 3600.0
PERIODS = RetentionPeriods(
    unplaced_cv_s=2 * DAY,
    placed_cv_s=1 * DAY,
    equal_opportunities_s=0,
    message_body_s=3 * DAY,
    finance_s=5 * DAY,
    application_s=4 * DAY,
)


@dataclass
class Services:
    start: datetime = field(default_factory=lambda: datetime.min.replace(tzinfo=UTC))
    # The office moves the outcomes-by date a day later once the schedule has begun.
    plans: int = 0
    erased: list[tuple[str, datetime]] = field(default_factory=list)
    claims_asked: list[ClaimErasure] = field(default_factory=list)

    @property
    def outcomes(self) -> datetime:
        return self.start + timedelta(days=1 if self.plans <= 1 else 2)

    @property
    def week(self) -> RetentionWeek:
        return RetentionWeek(ends_on=(self.start + timedelta(days=10)).date(), placement_ids=["p1"])

    def _note(self, what: str) -> None:
        self.erased.append((what, activity.info().current_attempt_scheduled_time))

    @activity.defn(name=RETENTION_PLAN)
    async def plan(self, round_id: str) -> RetentionPlan:
        self.plans += 1
        return RetentionPlan(
            round_id=round_id,
            outcomes_at=self.outcomes,
            last_deadline_at=self.start - timedelta(hours=1),
            weeks=[self.week],
        )

    @activity.defn(name=ERASE_UNPLACED)
    async def unplaced(self, round_id: str) -> int:
        self._note("unplaced")
        return 1

    @activity.defn(name=KEEP_EQUAL_OPPORTUNITIES_TOTALS)
    async def totals(self, round_id: str) -> int:
        self._note("equal_opportunities")
        return 1

    @activity.defn(name=ERASE_PLACEMENT_WEEK)
    async def week_erased(self, erasure: WeekErasure) -> int:
        self._note(f"week-{erasure.week_ends_on}")
        return 1

    @activity.defn(name=ERASE_MESSAGE_BODIES)
    async def bodies(self, erasure: BodyErasure) -> int:
        self._note("messages")
        return 1

    @activity.defn(name=ANONYMISE_ROUND_SELECTION)
    async def anonymise_selection(self, round_id: str) -> int:
        self._note("anonymise offers")
        return 1

    @activity.defn(name=ANONYMISE_ROUND_MESSAGES)
    async def anonymise_messages(self, round_id: str) -> int:
        self._note("anonymise e-mails")
        return 1

    @activity.defn(name=ANONYMISE_ROUND)
    async def anonymise_applications(self, round_id: str) -> int:
        self._note("anonymise applications")
        return 1

    @activity.defn(name=ERASE_CLAIMS)
    async def claims(self, erasure: ClaimErasure) -> ClaimsErased:
        self._note("finance")
        self.claims_asked.append(erasure)
        # The first time, one claim was paid two days after the week: it is left.
        paid_late = week_over(self.week.ends_on) + timedelta(days=2)
        left = paid_late if erasure.paid_before <= paid_late else None
        return ClaimsErased(erased=1, latest_paid_left=left)


async def test_each_erasure_runs_once_at_its_time_following_the_round_s_dates() -> None:
    services = Services()
    async with time_skipping(
        [RetentionWorkflow],
        {
            APPLICATIONS: [
                services.plan,
                services.unplaced,
                services.totals,
                services.week_erased,
                services.anonymise_applications,
            ],
            NOTIFICATIONS: [services.bodies, services.anonymise_messages],
            OFFERS: [services.anonymise_selection],
            EXPENSES: [services.claims],
        },
    ) as env:
        services.start = await env.get_current_time()  # before any activity runs
        done = await env.client.execute_workflow(
            RetentionWorkflow.run,
            RetentionInput(round_id="r1", periods=PERIODS),
            id=ids.retention("r1"),
            task_queue=WORKFLOWS,
        )

    at = dict(services.erased)
    names = [name for name, _ in services.erased]
    over = week_over(services.week.ends_on)
    moved_outcomes = services.start + timedelta(days=2)
    assert names.count("equal_opportunities") == 1
    assert at["equal_opportunities"] >= moved_outcomes  # not at the date it was moved from
    assert at["unplaced"] >= moved_outcomes + timedelta(days=2)
    assert at[f"week-{services.week.ends_on}"] >= over + timedelta(days=1)
    assert names.count("messages") == 2
    # The finance step came back for the claim paid late, that long after its payment.
    assert names.count("finance") == 2
    assert [c.placement_ids for c in services.claims_asked] == [["p1"], ["p1"]]
    assert services.erased[-1][1] >= over + timedelta(days=2 + 5)
    # Applications anonymised last of all, once the other services have been.
    anonymised = [name for name in names if name.startswith("anonymise")]
    assert anonymised == ["anonymise offers", "anonymise e-mails", "anonymise applications"]
    assert at["anonymise offers"] >= moved_outcomes + timedelta(days=4)
    assert sorted(done) == sorted(
        [
            "anonymise",
            "equal_opportunities",
            "unplaced",
            "messages",
            f"week-{services.week.ends_on}",
            f"messages-{services.week.ends_on}",
            f"finance-{services.week.ends_on}",
        ]
    )
