"""The calendar rules of a round and its placements (R1-R3), as pure functions. The calendar
types themselves (`PlacementWeek`, `RoundClock`) are published in the contract.

All instants are Europe/London wall-clock times: a deadline is midday on its date,
whatever the season, and "visible from the advertising date" means from its midnight.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from mip.core import when
from mip.core.errors import InvalidInput

# Named here too, as the rules' own types, for code that reads the rules (the demo round).
from services.applications.contract import PlacementWeek as PlacementWeek
from services.applications.contract import RoundClock as RoundClock

LONDON = ZoneInfo("Europe/London")
MIDDAY = time(12, 0)
MIDNIGHT = time(0, 0)
OUTCOMES_HOUR = time(9, 0)
MIN_DAYS, MAX_DAYS = 2, 5


def london(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=LONDON)


def clock_from_dates(
    *,
    advertising_date: date,
    deadline_date: date,
    outcomes_by_date: date,
    second_round_opens_on: date | None,
    second_round_closes_on: date | None,
) -> RoundClock:
    """The programme's calendar: advertised from midnight, deadlines at midday (R3, R14)."""
    try:
        return RoundClock(
            advertise_at=london(advertising_date, MIDNIGHT),
            deadline_at=london(deadline_date, MIDDAY),
            outcomes_at=london(outcomes_by_date, OUTCOMES_HOUR),
            second_round_opens_at=(
                london(second_round_opens_on, MIDNIGHT) if second_round_opens_on else None
            ),
            second_round_deadline_at=(
                london(second_round_closes_on, MIDDAY) if second_round_closes_on else None
            ),
        )
    except ValueError as exc:
        raise InvalidInput(_first_message(exc)) from exc


def check_programme_calendar(clock: RoundClock) -> None:
    """In production a deadline is midday London time (R14), whatever the office types."""
    for name, at in (
        ("deadline", clock.deadline_at),
        ("second-round deadline", clock.second_round_deadline_at),
    ):
        if at is not None and at.astimezone(LONDON).timetz().replace(tzinfo=None) != MIDDAY:
            raise InvalidInput(f"The {name} must be at 12pm (midday) UK time.")


def check_weeks_after_clock(weeks: list[PlacementWeek], clock: RoundClock) -> None:
    starts = sorted(w.starts_on for w in weeks)
    if len(set(starts)) != len(starts):
        raise InvalidInput("The round lists the same placement week twice.")
    first_week = london(starts[0], MIDNIGHT)
    if first_week <= clock.closes_at:
        raise InvalidInput(
            f"Placement weeks must start after applications close, on "
            f"{when.day(clock.closes_at)}; the week of {when.day(starts[0])} does not."
        )


def check_placement_days(days: list[date], week: PlacementWeek) -> list[date]:
    """R1: 2 to 5 distinct working days inside the placement's week; returns them sorted."""
    unique = sorted(set(days))
    if len(unique) != len(days):
        raise InvalidInput("A placement lists the same day twice.")
    if not MIN_DAYS <= len(unique) <= MAX_DAYS:
        raise InvalidInput(
            f"A placement lasts {MIN_DAYS} to {MAX_DAYS} working days; this one has {len(unique)}."
        )
    outside = [d for d in unique if not week.starts_on <= d <= week.ends_on]
    if outside:
        raise InvalidInput(
            f"{when.day(outside[0])} is outside the placement week, "
            f"{when.day_range(week.starts_on, week.ends_on)}."
        )
    return unique


def _first_message(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        found = errors()
        if found:
            return str(found[0]["msg"]).removeprefix("Value error, ")
    return str(exc)


def placement_week(weeks: list[PlacementWeek], starts_on: date, **extensions: Any) -> PlacementWeek:
    """R2: the round's week starting on `starts_on`; another day is refused, naming the weeks."""
    week = next((w for w in weeks if w.starts_on == starts_on), None)
    if week is None:
        offered = " and ".join(when.day(w.starts_on) for w in weeks)
        raise InvalidInput(
            f"The week of {when.day(starts_on)} is not a placement week of this round; its "
            f"weeks start on {offered}.",
            **extensions,
        )
    return week
