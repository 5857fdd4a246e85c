"""The order and instants of a round's retention schedule (docs/privacy.md), worked out
from the round's dates as the applications service reports them: no servers needed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from services.applications.contract import RetentionPlan, RetentionWeek
from workflows.retention import RetentionPeriods, schedule, week_over

DAY = 24 * 3600.0
OUTCOMES = datetime(2027, 4, 25, 8, tzinfo=UTC)
PERIODS = RetentionPeriods(
    unplaced_cv_s=90 * DAY,
    placed_cv_s=90 * DAY,
    equal_opportunities_s=0,
    message_body_s=180 * DAY,
    finance_s=6 * 366 * DAY,
    application_s=730 * DAY,
)


def _plan(last_deadline: datetime, *week_ends: date) -> RetentionPlan:
    weeks = [RetentionWeek(ends_on=end, placement_ids=[f"p-{end}"]) for end in week_ends]
    return RetentionPlan(
        round_id="r1", outcomes_at=OUTCOMES, last_deadline_at=last_deadline, weeks=weeks
    )


def test_each_step_falls_its_period_after_the_date_it_counts_from() -> None:
    friday = date(2027, 6, 11)
    steps = {s.name: s for s in schedule(_plan(OUTCOMES, friday), PERIODS)}
    over = week_over(friday)
    assert over == datetime(2027, 6, 11, 23, tzinfo=UTC)  # midnight in London, in summer
    assert steps["equal_opportunities"].at == OUTCOMES
    assert steps["unplaced"].at == OUTCOMES + timedelta(days=90)
    assert steps["messages"].at == OUTCOMES + timedelta(days=180)
    assert steps["messages"].before == OUTCOMES
    assert steps[f"week-{friday}"].at == over + timedelta(days=90)
    assert steps[f"week-{friday}"].week_ends_on == friday
    assert steps[f"messages-{friday}"].before == over
    assert steps[f"finance-{friday}"].at == over + timedelta(days=6 * 366)
    assert steps[f"finance-{friday}"].placement_ids == [f"p-{friday}"]
    assert steps["anonymise"].at == OUTCOMES + timedelta(days=730)
    assert len(steps) == 7


def test_a_schedule_begun_before_anonymising_keeps_its_six_steps() -> None:
    """A round whose RetentionWorkflow began before the step existed replays without it."""
    steps = schedule(_plan(OUTCOMES, date(2027, 6, 11)), PERIODS, anonymise=False)
    assert "anonymise" not in {s.name for s in steps}
    assert len(steps) == 6


def test_a_step_that_left_something_for_later_moves_to_then() -> None:
    """A claim paid after its week: the finance period counts from the payment."""
    friday = date(2027, 6, 11)
    later = {f"finance-{friday}": datetime(2033, 9, 1, tzinfo=UTC)}
    steps = {s.name: s for s in schedule(_plan(OUTCOMES, friday), PERIODS, later)}
    assert steps[f"finance-{friday}"].at == datetime(2033, 9, 1, tzinfo=UTC)
    assert steps["unplaced"].at == OUTCOMES + timedelta(days=90)


def test_the_steps_come_soonest_first() -> None:
    made = schedule(_plan(OUTCOMES, date(2027, 6, 11), date(2027, 6, 4)), PERIODS)
    assert [s.at for s in made] == sorted(s.at for s in made)
    assert made[0].name == "equal_opportunities"


def test_totals_wait_for_a_second_round_that_closes_after_the_outcomes_date() -> None:
    """An answer counted in the totals must not arrive after they are kept."""
    second_deadline = OUTCOMES + timedelta(days=4)
    steps = {s.name: s for s in schedule(_plan(second_deadline), PERIODS)}
    assert steps["equal_opportunities"].at == second_deadline
    assert steps["unplaced"].at == OUTCOMES + timedelta(days=90)
