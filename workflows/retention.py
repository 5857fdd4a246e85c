"""RetentionWorkflow: a round's retention schedule (docs/privacy.md) as durable timers.

    outcomes-by date + unplaced_cv        -> CVs and statements of applications that ended
                                             without a place, erased
    later of the outcomes-by date and the
    last deadline + equal_opportunities   -> the round's totals kept, then the individual
                                             answers erased (R9)
    each placement week's end + placed_cv -> every CV and statement of that week's
                                             placements erased (interns' included)
    the outcomes-by date and each week's
    end + message_body                    -> bodies of the round's e-mails made before it
                                             erased; kind, status and times kept
    each week's end + finance             -> that week's expense claims and receipts
                                             removed; a claim paid later, that long after
                                             its payment
    outcomes-by date + application       -> the round's applications, offers and e-mails
                                             anonymised: counts kept, no one named
                                             (recorded after 2026-12, behind a patch)

The dates are asked of the applications service again before each step, so a moved
outcomes-by date or a placement added after the round began is followed; the service
signals `dates_moved` when the office moves them, so one moved earlier is not waited
out. Every erasure may run twice (a retried activity, a replay) and erases nothing twice,
so the workflow needs no memory of what an activity did.
"""

from __future__ import annotations

import contextlib
from datetime import date, datetime, time, timedelta
from typing import Literal

from pydantic import BaseModel, Field
from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from mip.core import when
    from services.applications.contract import (
        ANONYMISE_ROUND,
        ERASE_PLACEMENT_WEEK,
        ERASE_UNPLACED,
        KEEP_EQUAL_OPPORTUNITIES_TOTALS,
        RETENTION_PLAN,
        RetentionPlan,
        WeekErasure,
    )
    from services.expenses.contract import ERASE_CLAIMS, ClaimErasure, ClaimsErased
    from services.notifications.contract import (
        ANONYMISE_ROUND_MESSAGES,
        ERASE_MESSAGE_BODIES,
        BodyErasure,
    )
    from services.offers.contract import ANONYMISE_ROUND_SELECTION
    from workflows.tz import LONDON
from temporalio.common import RetryPolicy

from workflows.calls import call
from workflows.queues import APPLICATIONS, EXPENSES, NOTIFICATIONS, OFFERS

RETRY = RetryPolicy(maximum_interval=timedelta(minutes=5))
# Rounds whose schedule began before applications were anonymised replay without the step.
ANONYMISE_PATCH = "anonymise-applications"
# Anonymising a round is done service by service; the applications service goes last, as
# the others find nothing by it.
ANONYMISING = (
    (OFFERS, ANONYMISE_ROUND_SELECTION),
    (NOTIFICATIONS, ANONYMISE_ROUND_MESSAGES),
    (APPLICATIONS, ANONYMISE_ROUND),
)
TIMEOUT = timedelta(minutes=5)


class RetentionPeriods(BaseModel):
    """How long after its instant each kind is kept, in seconds: the settings'
    MIP_RETAIN_* days, or a rehearsal's scaled-down days."""

    unplaced_cv_s: float = Field(ge=0)
    placed_cv_s: float = Field(ge=0)
    equal_opportunities_s: float = Field(ge=0)
    message_body_s: float = Field(ge=0)
    finance_s: float = Field(ge=0)
    # Absent from the input of a round begun before anonymising (which never reads it).
    application_s: float = Field(default=730 * 24 * 3600, ge=0)


class RetentionInput(BaseModel):
    round_id: str
    periods: RetentionPeriods


class RetentionStep(BaseModel):
    name: str
    kind: Literal["unplaced", "equal_opportunities", "week", "messages", "finance", "anonymise"]
    at: datetime
    # What a step is for: its placement week and placements; the instant e-mails must be
    # made before, or claims paid before.
    week_ends_on: date | None = None
    placement_ids: list[str] = Field(default_factory=list)
    before: datetime | None = None


def week_over(week_ends_on: date) -> datetime:
    """The end of a placement week's Friday, London time."""
    return datetime.combine(week_ends_on + timedelta(days=1), time(0), tzinfo=LONDON)


def schedule(
    plan: RetentionPlan,
    periods: RetentionPeriods,
    later: dict[str, datetime] | None = None,
    *,
    anonymise: bool = True,
) -> list[RetentionStep]:
    """Every step of the round's schedule, soonest first; `later` moves a step whose
    erasure left something to come due after its first time. Without `anonymise`, the
    schedule as it was before applications were anonymised."""
    outcomes = plan.outcomes_at
    p = periods
    steps = [
        RetentionStep(name="unplaced", kind="unplaced", at=_after(outcomes, p.unplaced_cv_s)),
        RetentionStep(
            name="equal_opportunities",
            kind="equal_opportunities",
            at=_after(max(outcomes, plan.last_deadline_at), p.equal_opportunities_s),
        ),
        RetentionStep(
            name="messages", kind="messages", at=_after(outcomes, p.message_body_s), before=outcomes
        ),
    ]
    for week in plan.weeks:
        over, ids = week_over(week.ends_on), week.placement_ids
        steps += [
            RetentionStep(
                name=f"week-{week.ends_on}",
                kind="week",
                at=_after(over, p.placed_cv_s),
                week_ends_on=week.ends_on,
            ),
            RetentionStep(
                name=f"messages-{week.ends_on}",
                kind="messages",
                at=_after(over, p.message_body_s),
                before=over,
            ),
            RetentionStep(
                name=f"finance-{week.ends_on}",
                kind="finance",
                at=_after(over, p.finance_s),
                placement_ids=ids,
            ),
        ]
    if anonymise:
        steps.append(
            RetentionStep(name="anonymise", kind="anonymise", at=_after(outcomes, p.application_s))
        )
    for step in steps:
        step.at = max(step.at, (later or {}).get(step.name, step.at))
    return sorted(steps, key=lambda s: (s.at, s.name))


def _after(anchor: datetime, seconds: float) -> datetime:
    return anchor + timedelta(seconds=seconds)


@workflow.defn
class RetentionWorkflow:
    @workflow.init
    def __init__(self, request: RetentionInput) -> None:
        self._done: list[str] = []
        self._later: dict[str, datetime] = {}
        self._moved = False
        self._anonymise = False

    @workflow.run
    async def run(self, request: RetentionInput) -> list[str]:
        self._anonymise = workflow.patched(ANONYMISE_PATCH)
        while (step := await self._next(request)) is not None:
            wait = step.at - workflow.now()
            if wait > timedelta(0):
                workflow.set_current_details(f"next: {step.name} at {when.short_when(step.at)}")
                with contextlib.suppress(TimeoutError):
                    await workflow.wait_condition(lambda: self._moved, timeout=wait)
                self._moved = False
                continue  # the round's dates are read again: one may have moved meanwhile
            if await self._erase(request, step):
                self._done.append(step.name)
        workflow.set_current_details("the round's retention schedule has run")
        return self._done

    @workflow.signal
    def dates_moved(self) -> None:
        """The office moved the round's dates: read them again now, not at the next wake
        (a date moved earlier would otherwise be erased on late)."""
        self._moved = True

    @workflow.query
    def done(self) -> list[str]:
        return self._done

    async def _next(self, request: RetentionInput) -> RetentionStep | None:
        plan: RetentionPlan = await call(
            APPLICATIONS,
            RETENTION_PLAN,
            request.round_id,
            result_type=RetentionPlan,
            start_to_close=TIMEOUT,
            retry_policy=RETRY,
        )
        steps = schedule(plan, request.periods, self._later, anonymise=self._anonymise)
        todo = [s for s in steps if s.name not in self._done]
        return todo[0] if todo else None

    async def _erase(self, request: RetentionInput, step: RetentionStep) -> bool:
        """One step's erasure; False if some of it comes due later (`_later` says when)."""
        round_id = request.round_id
        if step.kind == "unplaced":
            await self._ask(APPLICATIONS, ERASE_UNPLACED, round_id)
        elif step.kind == "equal_opportunities":
            await self._ask(APPLICATIONS, KEEP_EQUAL_OPPORTUNITIES_TOTALS, round_id)
        elif step.kind == "week":
            assert step.week_ends_on is not None
            erasure = WeekErasure(round_id=round_id, week_ends_on=step.week_ends_on)
            await self._ask(APPLICATIONS, ERASE_PLACEMENT_WEEK, erasure)
        elif step.kind == "messages":
            assert step.before is not None
            bodies = BodyErasure(round_id=round_id, sent_before=step.before)
            await self._ask(NOTIFICATIONS, ERASE_MESSAGE_BODIES, bodies)
        elif step.kind == "anonymise":
            for queue, activity in ANONYMISING:
                await self._ask(queue, activity, round_id)
        else:
            return await self._erase_claims(request, step)
        return True

    async def _erase_claims(self, request: RetentionInput, step: RetentionStep) -> bool:
        finance = timedelta(seconds=request.periods.finance_s)
        erasure = ClaimErasure(placement_ids=step.placement_ids, paid_before=step.at - finance)
        erased: ClaimsErased = await call(
            EXPENSES,
            ERASE_CLAIMS,
            erasure,
            result_type=ClaimsErased,
            start_to_close=TIMEOUT,
            retry_policy=RETRY,
        )
        workflow.logger.info("%s: %d erased", ERASE_CLAIMS, erased.erased)
        if erased.latest_paid_left is None:
            return True
        # Claims paid after the week: the finance period counts from their payment.
        self._later[step.name] = erased.latest_paid_left + finance + timedelta(seconds=1)
        return False

    async def _ask(self, queue: str, activity: str, arg: object) -> None:
        erased: int = await call(
            queue, activity, arg, result_type=int, start_to_close=TIMEOUT, retry_policy=RETRY
        )
        workflow.logger.info("%s: %d erased", activity, erased)
