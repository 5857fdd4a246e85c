"""Dates and times a programme can have: every date or instant a person sends passes here.

Python, PostgreSQL and the rules disagree about the edges (year 1, year 9999 with an
offset that overflows, a naive time); a request that strays there is refused with a
reason that names the field, before anything is computed or stored from it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator

EARLIEST_YEAR = 2000
LATEST_YEAR = 2100


def _sane_day(value: date) -> date:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"give a date between {EARLIEST_YEAR} and {LATEST_YEAR}")
    return value


def _sane_moment(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("give the time with its zone, e.g. 2019-04-01T12:00:00+01:00")
    try:
        in_utc = value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError(f"give a time between {EARLIEST_YEAR} and {LATEST_YEAR}") from exc
    if not EARLIEST_YEAR <= in_utc.year <= LATEST_YEAR:
        raise ValueError(f"give a time between {EARLIEST_YEAR} and {LATEST_YEAR}")
    return value


# A calendar date of the programme (placement days, deadlines, contract ends).
Day = Annotated[date, AfterValidator(_sane_day)]
# An instant with its zone (round clocks, support slots, filters).
Moment = Annotated[datetime, AfterValidator(_sane_moment)]
# Paging through lists: far beyond any list MIP keeps, well inside PostgreSQL's integers.
MAX_OFFSET = 1_000_000
