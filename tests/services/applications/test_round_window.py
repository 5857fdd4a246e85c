"""Which deadline a placement has at an instant (R4, R14), as `RoundClock.window` says it for
every page and for the submissions it takes: the first round's until it passes; the second
round's only for a placement re-advertised in it, and only once that round has opened."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.applications.contract import RoundClock, Window

LONDON = ZoneInfo("Europe/London")


def _at(day: int, month: int, hour: int = 0) -> datetime:
    return datetime(2019, month, day, hour, tzinfo=LONDON)


# The 2019 calendar: the second round opens (23 April) before the outcomes-by date (25 April).
FIRST_2019, SECOND_2019 = _at(1, 4, 12), _at(29, 4, 12)
CLOCK_2019 = RoundClock(
    advertise_at=_at(13, 3),
    deadline_at=FIRST_2019,
    outcomes_at=_at(25, 4, 9),
    second_round_opens_at=_at(23, 4),
    second_round_deadline_at=SECOND_2019,
)
# A rehearsal's clock: minutes apart, at no particular hour.
START = datetime(2031, 5, 6, 14, 37, 12, tzinfo=LONDON)
MINUTE = timedelta(minutes=1)
FIRST_REHEARSAL, SECOND_REHEARSAL = START + 10 * MINUTE, START + 20 * MINUTE
REHEARSAL = RoundClock(
    advertise_at=START,
    deadline_at=FIRST_REHEARSAL,
    outcomes_at=START + 15 * MINUTE,
    second_round_opens_at=START + 11 * MINUTE,
    second_round_deadline_at=SECOND_REHEARSAL,
)


@pytest.mark.parametrize(
    ("clock", "now", "readvertised", "expected"),
    [
        # Open in the first round, whether or not it is re-advertised later.
        (CLOCK_2019, _at(20, 3), False, Window("first", True, FIRST_2019)),
        (CLOCK_2019, FIRST_2019 - MINUTE, True, Window("first", True, FIRST_2019)),
        # Closed at the first deadline, to the instant.
        (CLOCK_2019, FIRST_2019, False, Window("first", False, FIRST_2019)),
        # Between the rounds: closed, and told when the second round re-advertises it.
        (CLOCK_2019, _at(10, 4), True, Window("first", False, FIRST_2019, _at(23, 4))),
        # In the second round: its deadline, only if re-advertised.
        (CLOCK_2019, _at(24, 4), True, Window("second", True, SECOND_2019)),
        (CLOCK_2019, _at(24, 4), False, Window("first", False, FIRST_2019)),
        (CLOCK_2019, SECOND_2019, True, Window("second", False, SECOND_2019)),
        (REHEARSAL, START + MINUTE, True, Window("first", True, FIRST_REHEARSAL)),
        (REHEARSAL, FIRST_REHEARSAL, False, Window("first", False, FIRST_REHEARSAL)),
        (REHEARSAL, START + 12 * MINUTE, True, Window("second", True, SECOND_REHEARSAL)),
        (REHEARSAL, START + 12 * MINUTE, False, Window("first", False, FIRST_REHEARSAL)),
        (REHEARSAL, SECOND_REHEARSAL, True, Window("second", False, SECOND_REHEARSAL)),
    ],
    ids=[
        "2019-first-round",
        "2019-first-round-of-one-re-advertised-later",
        "2019-first-deadline",
        "2019-between-the-rounds",
        "2019-second-round-re-advertised",
        "2019-second-round-not-re-advertised",
        "2019-second-deadline",
        "rehearsal-first-round",
        "rehearsal-first-deadline",
        "rehearsal-second-round-re-advertised",
        "rehearsal-second-round-not-re-advertised",
        "rehearsal-second-deadline",
    ],
)
def test_r4_r14_a_placement_has_the_deadline_of_the_round_it_is_open_in(
    clock: RoundClock, now: datetime, readvertised: bool, expected: Window
) -> None:
    assert clock.window(now, readvertised=readvertised) == expected


def test_r4_a_round_without_a_second_round_closes_its_placements_for_good() -> None:
    clock = CLOCK_2019.model_copy(
        update={"second_round_opens_at": None, "second_round_deadline_at": None}
    )
    assert clock.window(_at(24, 4), readvertised=True) == Window("first", False, FIRST_2019)
