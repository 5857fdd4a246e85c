"""Every time a person reads is said one way (mip.core.when): UK time with its zone, the
GOV.UK way ("12pm (midday)", "2:30pm"), never with seconds, never from a time without a zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from mip.core import when


def utc(year: int, month: int, day: int, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def test_midday_and_midnight_are_said_in_words() -> None:
    assert when.when(utc(2027, 1, 12, 12, 0)) == "12pm (midday) on Tuesday 12 January 2027, UK time"
    # 11pm in UTC is midnight in summer in the UK, and already the next day there.
    assert when.when(utc(2027, 6, 30, 23, 0)) == (
        "12am (midnight) on Thursday 1 July 2027, UK time"
    )


def test_a_time_of_day_has_no_seconds_and_no_24_hour_clock() -> None:
    assert when.clock(utc(2027, 1, 12, 14, 30, 59)) == "2:30pm"
    assert when.clock(utc(2027, 1, 12, 9, 0, 1)) == "9am"
    assert when.clock(utc(2027, 1, 12, 0, 5)) == "12:05am"
    assert when.clock(utc(2027, 1, 12, 12, 45)) == "12:45pm"


def test_a_table_cell_says_the_zone_too() -> None:
    assert when.short_when(utc(2027, 1, 12, 14, 30)) == "2:30pm, Tue 12 Jan 2027 (UK time)"


@pytest.mark.parametrize(
    ("instant", "said"),
    [
        # Clocks go forward at 1am GMT on Sunday 28 March 2027.
        (utc(2027, 3, 28, 0, 30), "12:30am on Sunday 28 March 2027, UK time"),
        (utc(2027, 3, 28, 1, 30), "2:30am on Sunday 28 March 2027, UK time"),
        # They go back at 2am BST on Sunday 31 October 2027.
        (utc(2027, 10, 31, 0, 30), "1:30am on Sunday 31 October 2027, UK time"),
        (utc(2027, 10, 31, 1, 30), "1:30am on Sunday 31 October 2027, UK time"),
        (utc(2027, 10, 31, 12, 0), "12pm (midday) on Sunday 31 October 2027, UK time"),
    ],
)
def test_summer_time_and_winter_time_are_both_uk_time(instant: datetime, said: str) -> None:
    assert when.when(instant) == said


def test_an_instant_in_another_zone_is_said_in_uk_time() -> None:
    new_york = timezone(timedelta(hours=-5))
    assert when.when(datetime(2027, 1, 12, 7, 0, tzinfo=new_york)) == (
        "12pm (midday) on Tuesday 12 January 2027, UK time"
    )
    assert when.when("2027-01-12T12:00:00+00:00") == (
        "12pm (midday) on Tuesday 12 January 2027, UK time"
    )


@pytest.mark.parametrize("say", [when.when, when.short_when, when.clock, when.day, when.short_day])
def test_a_time_without_a_zone_is_refused(say: object) -> None:
    assert callable(say)
    with pytest.raises(ValueError, match="without a zone"):
        say(datetime(2027, 1, 12, 12, 0))
    with pytest.raises(ValueError, match="without a zone"):
        say("2027-01-12T12:00:00")


def test_days_are_said_in_full_or_short() -> None:
    assert when.day(date(2027, 1, 12)) == "Tuesday 12 January 2027"
    assert when.short_day(date(2027, 1, 12)) == "Tue 12 Jan 2027"
    assert when.day("2027-01-12") == "Tuesday 12 January 2027"
    # An instant is taken on its UK day: 11:30pm UTC on 30 June is 1 July in summer.
    assert when.day(utc(2027, 6, 30, 23, 30)) == "Thursday 1 July 2027"


def test_a_range_says_its_month_and_year_once_where_they_are_shared() -> None:
    assert when.day_range(date(2027, 1, 11), date(2027, 1, 15)) == (
        "Monday 11 to Friday 15 January 2027"
    )
    assert when.day_range(date(2027, 3, 29), date(2027, 4, 2)) == (
        "Monday 29 March to Friday 2 April 2027"
    )
    assert when.day_range(date(2026, 12, 28), date(2027, 1, 1)) == (
        "Monday 28 December 2026 to Friday 1 January 2027"
    )
    assert when.day_range(date(2027, 1, 11), date(2027, 1, 11)) == "Monday 11 January 2027"


def test_days_in_a_row_are_a_range_with_their_count() -> None:
    assert when.days([date(2027, 1, 13), date(2027, 1, 11), date(2027, 1, 12)]) == (
        "Monday 11 to Wednesday 13 January 2027 (3 days)"
    )
    assert when.days([date(2026, 12, 31), date(2027, 1, 1)]) == (
        "Thursday 31 December 2026 to Friday 1 January 2027 (2 days)"
    )
    assert when.days([date(2027, 1, 11)]) == "Monday 11 January 2027"
    assert when.days([]) == ""


def test_a_placements_days_are_listed_unless_they_follow_each_other() -> None:
    mon, tue, wed, fri = (date(2027, 1, d) for d in (11, 12, 13, 15))
    assert when.day_list([fri, mon, wed]) == "Monday 11, Wednesday 13 and Friday 15 January 2027"
    assert when.day_list([mon, tue, wed]) == "Monday 11 to Wednesday 13 January 2027"
    assert when.day_list([mon, tue]) == "Monday 11 and Tuesday 12 January 2027"
    assert when.day_list([date(2027, 1, 29), date(2027, 2, 1)]) == (
        "Friday 29 January and Monday 1 February 2027"
    )
    assert when.day_list([date(2026, 12, 30), date(2027, 1, 1)]) == (
        "Wednesday 30 December 2026 and Friday 1 January 2027"
    )
    assert when.day_list([]) == ""


def test_a_span_of_time_names_its_zone_once() -> None:
    assert when.when_range(utc(2027, 4, 19, 23, 0), utc(2027, 4, 23, 11, 0)) == (
        "12am (midnight) on Tuesday 20 April 2027 to 12pm (midday) on Friday 23 April 2027, UK time"
    )


def test_plural_never_writes_s_in_brackets() -> None:
    assert when.plural(1, "application") == "1 application"
    assert when.plural(2, "application") == "2 applications"
    assert when.plural(0, "place") == "0 places"
    assert when.plural(2, "day", spelt=True) == "two days"
    assert when.plural(3, "person", many="people") == "3 people"


def test_a_window_is_said_in_its_largest_whole_unit() -> None:
    assert when.duration(timedelta(hours=48)) == "two days"
    assert when.duration(timedelta(hours=36)) == "36 hours"
    assert when.duration(timedelta(minutes=15)) == "15 minutes"
    assert when.duration(timedelta(seconds=90)) == "90 seconds"
