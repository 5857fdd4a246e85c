"""RetentionWorkflow: a round's retention schedule (docs/privacy.md) as durable timers.

    outcomes-by date + unplaced_cv       -> CVs and statements of applications that ended
                                            without a place, erased
    later of the outcomes-by date and the
    last deadline + equal_opportunities  -> the round's totals kept, then the individual
                                            answers erased (R9)
    each placement week's end + placed_cv-> every CV and statement of that week's
                                            placements erased (interns' included)
    the outcomes-by date and each week's
    end + message_body                   -> bodies of the round's e-mails sent before it
                                            erased; kind, status and times kept

The dates are asked of the applications service again before each step, so a moved
outcomes-by date or a placement added after the round began is followed without a
signal. Every erasure may run twice (a retried activity, a replay) and erases nothing
twice, so the workflow needs no memory of what an activity did.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from pydantic import BaseModel, Field
from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from mip.core import when
    from services.applications.contract import (
        ERASE_PLACEMENT_WEEK,
        ERASE_UNPLACED,
        KEEP_EQUAL_OPPORTUNITIES_TOTALS,
        RETENTION_PLAN,
        RetentionPlan,
        WeekErasure,
    )
    from services.notifications.contract import ERASE_MESSAGE_BODIES, BodyErasure
    from workflows.tz import LONDON
from temporalio.common import RetryPolicy

from workflows.queues import APPLICATIONS, NOTIFICATIONS, sibling

RETRY = RetryPolicy(maximum_interval=timedelta(minutes=5))
TIMEOUT = timedelta(minutes=5)


class RetentionPeriods(BaseModel):
    """How long after its instant each kind is kept, in seconds: the settings'
    MIP_RETAIN_* days, or a rehearsal's scaled-down days."""

    unplaced_cv_s: float = Field(ge=0)
    placed_cv_s: float = Field(ge=0)
    equal_opportunities_s: float = Field(ge=0)
    message_body_s: float = Field(ge=0)


class RetentionInput(BaseModel):
    round_id: str
    periods: RetentionPeriods


class RetentionStep(BaseModel):
    name: str
    at: datetime
    # The placement week a step is for; the instant bodies must be sent before.
    week_ends_on: date | None = None
    sent_before: datetime | None = None


def week_over(week_ends_on: date) -> datetime:
    """The end of a placement week's Friday, London time."""
    return datetime.combine(week_ends_on + timedelta(days=1), time(0), tzinfo=LONDON)


def schedule(plan: RetentionPlan, periods: RetentionPeriods) -> list[RetentionStep]:
    """Every step of the round's schedule, soonest first."""

    def after(anchor: datetime, seconds: float) -> datetime:
        return anchor + timedelta(seconds=seconds)

    totals_from = max(plan.outcomes_at, plan.last_deadline_at)
    steps = [
        RetentionStep(name="unplaced", at=after(plan.outcomes_at, periods.unplaced_cv_s)),
        RetentionStep(
            name="equal_opportunities", at=after(totals_from, periods.equal_opportunities_s)
        ),
        RetentionStep(
            name="messages",
            at=after(plan.outcomes_at, periods.message_body_s),
            sent_before=plan.outcomes_at,
        ),
    ]
    for ends_on in sorted(set(plan.week_ends)):
        over = week_over(ends_on)
        steps.append(
            RetentionStep(
                name=f"week-{ends_on}", at=after(over, periods.placed_cv_s), week_ends_on=ends_on
            )
        )
        steps.append(
            RetentionStep(
                name=f"messages-{ends_on}",
                at=after(over, periods.message_body_s),
                sent_before=over,
            )
        )
    return sorted(steps, key=lambda s: (s.at, s.name))


@workflow.defn
class RetentionWorkflow:
    @workflow.init
    def __init__(self, request: RetentionInput) -> None:
        self._done: list[str] = []

    @workflow.run
    async def run(self, request: RetentionInput) -> list[str]:
        while (step := await self._next(request)) is not None:
            wait = step.at - workflow.now()
            if wait > timedelta(0):
                workflow.set_current_details(f"next: {step.name} at {when.short_when(step.at)}")
                await workflow.sleep(wait)
                continue  # the round's dates are read again: one may have moved meanwhile
            await self._erase(request.round_id, step)
            self._done.append(step.name)
        workflow.set_current_details("the round's retention schedule has run")
        return self._done

    @workflow.query
    def done(self) -> list[str]:
        return self._done

    async def _next(self, request: RetentionInput) -> RetentionStep | None:
        plan: RetentionPlan = await workflow.execute_activity(
            RETENTION_PLAN,
            request.round_id,
            task_queue=sibling(APPLICATIONS),
            result_type=RetentionPlan,
            start_to_close_timeout=TIMEOUT,
            retry_policy=RETRY,
        )
        todo = [s for s in schedule(plan, request.periods) if s.name not in self._done]
        return todo[0] if todo else None

    async def _erase(self, round_id: str, step: RetentionStep) -> None:
        if step.name == "unplaced":
            await self._ask(APPLICATIONS, ERASE_UNPLACED, round_id)
        elif step.name == "equal_opportunities":
            await self._ask(APPLICATIONS, KEEP_EQUAL_OPPORTUNITIES_TOTALS, round_id)
        elif step.week_ends_on is not None:
            erasure = WeekErasure(round_id=round_id, week_ends_on=step.week_ends_on)
            await self._ask(APPLICATIONS, ERASE_PLACEMENT_WEEK, erasure)
        elif step.sent_before is not None:
            bodies = BodyErasure(round_id=round_id, sent_before=step.sent_before)
            await self._ask(NOTIFICATIONS, ERASE_MESSAGE_BODIES, bodies)

    async def _ask(self, queue: str, activity: str, arg: object) -> None:
        erased: int = await workflow.execute_activity(
            activity,
            arg,
            task_queue=sibling(queue),
            result_type=int,
            start_to_close_timeout=TIMEOUT,
            retry_policy=RETRY,
        )
        workflow.logger.info("%s: %d erased", activity, erased)
