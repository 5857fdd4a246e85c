"""R1-R3, R16: what applicants saw stays as they saw it; the rule is the contract's, read
by the service when the office changes something and by the office's pages before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.applications.contract import Frozen, RoundClock, why_frozen

DEADLINE = datetime(2027, 4, 1, 11, tzinfo=UTC)
CLOCK = RoundClock(
    advertise_at=DEADLINE - timedelta(days=14),
    deadline_at=DEADLINE,
    outcomes_at=DEADLINE + timedelta(days=20),
)


def test_a_placement_changes_until_someone_applies_or_the_deadline_passes() -> None:
    before = DEADLINE - timedelta(seconds=1)
    assert why_frozen(CLOCK, 0, before) is None
    assert why_frozen(CLOCK, 1, before) is Frozen.applied
    assert why_frozen(CLOCK, 0, DEADLINE) is Frozen.closed


def test_the_deadline_is_said_first_once_it_has_passed() -> None:
    assert why_frozen(CLOCK, 3, DEADLINE + timedelta(hours=1)) is Frozen.closed
