"""R18: when a round's placements close, so that every applicant hears by the date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from workflows.closing import ranking_closes_at

DEADLINE = datetime(2027, 4, 1, 11, 0, tzinfo=UTC)  # midday in London
OUTCOMES = datetime(2027, 4, 25, 8, 0, tzinfo=UTC)  # 9am in London


def test_r18_a_full_size_round_closes_ranking_minutes_before_the_outcomes_date() -> None:
    """3,000 applications at 60 ms each: ranking closes three minutes before 9am, and
    everyone not offered a place has heard by then."""
    assert ranking_closes_at(DEADLINE, OUTCOMES, 3000) == OUTCOMES - timedelta(minutes=3)


def test_r18_a_squeezed_round_keeps_a_third_of_its_time_for_ranking() -> None:
    """A rehearsal four minutes long closes ranking 80 s after its deadline."""
    outcomes = DEADLINE + timedelta(minutes=4)
    assert ranking_closes_at(DEADLINE, outcomes, 3000) == DEADLINE + timedelta(seconds=80)


def test_r18_a_round_with_no_applications_closes_at_the_outcomes_date() -> None:
    assert ranking_closes_at(DEADLINE, OUTCOMES, 0) == OUTCOMES
