"""Every date and time a person reads, in one voice: UK time, said the GOV.UK way.

"2:30pm on Monday 12 January 2027, UK time"; "12pm (midday)"; "Monday 12 January 2027";
a range of days as "Monday 11 to Wednesday 13 January 2027". Never seconds, never a time
without "UK time" after it, never a 24-hour clock. Pages (the portal's filters), e-mails
(the notifications service's filters) and the labels workflows put in e-mails all call
this module, so a person meets one style wherever MIP speaks to them.

Pure: no I/O, so workflow code may import it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
ZONE = "UK time"
_NUMBERS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven"}


def _instant(value: datetime | str) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        raise ValueError("a time without a zone cannot be shown in UK time")
    return moment.astimezone(LONDON)


def _day(value: date | datetime | str) -> date:
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    return _instant(value).date() if isinstance(value, datetime) else value


def clock(value: datetime | str) -> str:
    """ "2:30pm", "9am", "12pm (midday)", "12am (midnight)": the time of day in the UK."""
    local = _instant(value)
    if (local.hour, local.minute) == (12, 0):
        return "12pm (midday)"
    if (local.hour, local.minute) == (0, 0):
        return "12am (midnight)"
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'}"


def day(value: date | datetime | str) -> str:
    """ "Monday 12 January 2027" (an instant is taken on its UK day)."""
    found = _day(value)
    return f"{found:%A} {found.day} {found:%B %Y}"


def short_day(value: date | datetime | str) -> str:
    """ "Mon 12 Jan 2027": for tables and cards, where space is short."""
    found = _day(value)
    return f"{found:%a} {found.day} {found:%b %Y}"


def when(value: datetime | str) -> str:
    """ "2:30pm on Monday 12 January 2027, UK time"."""
    return f"{clock(value)} on {day(value)}, {ZONE}"


def when_range(start: datetime | str, end: datetime | str) -> str:
    """ "12am (midnight) on Monday 23 April 2029 to 12pm (midday) on Friday 27 April 2029,
    UK time": the zone said once, after both."""
    return f"{clock(start)} on {day(start)} to {clock(end)} on {day(end)}, {ZONE}"


def short_when(value: datetime | str) -> str:
    """ "2:30pm, Mon 12 Jan 2027 (UK time)": an instant in a table cell."""
    return f"{clock(value)}, {short_day(value)} ({ZONE})"


def days(values: Iterable[date]) -> str:
    """ "Monday 11 January 2027", or "Monday 11 to Wednesday 13 January 2027 (3 days)"."""
    ordered = sorted(values)
    if not ordered:
        return ""
    if len(ordered) == 1:
        return day(ordered[0])
    return f"{day_range(ordered[0], ordered[-1])} ({len(ordered)} days)"


def day_range(first: date, last: date) -> str:
    """ "Monday 11 to Friday 15 January 2027": a month or a year said once where shared."""
    if first == last:
        return day(first)
    if (first.year, first.month) == (last.year, last.month):
        start = f"{first:%A} {first.day}"
    elif first.year == last.year:
        start = f"{first:%A} {first.day} {first:%B}"
    else:
        start = day(first)
    return f"{start} to {day(last)}"


def day_list(values: Iterable[date]) -> str:
    """ "Monday 11, Wednesday 13 and Friday 15 January 2027"; days in a row as a range.

    A placement's days need not follow each other, and a range would then claim days
    between them that are not part of it.
    """
    ordered = sorted(set(values))
    if not ordered:
        return ""
    if len(ordered) > 2 and all((b - a).days == 1 for a, b in pairwise(ordered)):
        return day_range(ordered[0], ordered[-1])
    said = []
    for this, after in zip(ordered, [*ordered[1:], None], strict=True):
        words = f"{this:%A} {this.day}"
        if after is None or (after.year, after.month) != (this.year, this.month):
            words += f" {this:%B}"
        if after is None or after.year != this.year:
            words += f" {this.year}"
        said.append(words)
    return said[0] if len(said) == 1 else f"{', '.join(said[:-1])} and {said[-1]}"


def duration(span: timedelta) -> str:
    """ "two days", "15 minutes", "90 seconds": a window in words."""
    seconds = int(span.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            return plural(seconds // size, unit, spelt=True)
    return plural(seconds, "second", spelt=True)


def plural(count: int, noun: str, *, spelt: bool = False, many: str | None = None) -> str:
    """ "1 application", "2 applications" (never "application(s)"); "two days" if spelt."""
    number = _NUMBERS.get(count, str(count)) if spelt else str(count)
    return f"{number} {noun if count == 1 else many or noun + 's'}"
