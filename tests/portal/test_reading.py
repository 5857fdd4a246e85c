"""The one form reader: answers trimmed, and day/month/year boxes read one way on every
page, within the years every service accepts (mip.core.bounds)."""

from __future__ import annotations

from datetime import date

from mip.core.bounds import EARLIEST_YEAR, LATEST_YEAR
from services.portal.reading import Form


def _day(**boxes: str) -> tuple[date | None, str | None]:
    form = Form({f"ends-{part}": value for part, value in boxes.items()})
    return form.day("ends", "the date your contract ends", required=False), form.errors.get("ends")


def test_three_boxes_are_one_date_or_say_what_is_wrong() -> None:
    assert _day(day=" 31 ", month="7", year="2027") == (date(2027, 7, 31), None)
    assert _day() == (None, None)
    assert _day(day="31") == (
        None,
        "The date your contract ends must include a month and a year",
    )
    assert _day(day="31", month="2", year="2027") == (
        None,
        "The date your contract ends must be a real date",
    )


def test_the_years_are_the_services_own() -> None:
    message = f"The year must be between {EARLIEST_YEAR} and {LATEST_YEAR}"
    assert _day(day="1", month="1", year=str(EARLIEST_YEAR - 1)) == (None, message)
    assert _day(day="1", month="1", year=str(LATEST_YEAR + 1)) == (None, message)
    assert _day(day="1", month="1", year=str(LATEST_YEAR))[0] == date(LATEST_YEAR, 1, 1)


def test_a_required_answer_left_empty_is_named() -> None:
    form = Form({"name": "  ", "kind": "other"})
    assert form.text("name", "your full name") == ""
    assert form.choice("kind", "your role", ["postdoc"]) == "other"
    assert list(form.errors) == [("name", "Enter your full name"), ("kind", "Select your role")]
    assert form.values["name"] == ""
