"""Reading the office's forms: day/month/year boxes, whole numbers and choices, each fault
named beside its field in plain words (GOV.UK's date input pattern), before any service
is asked."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from mip.core.bounds import EARLIEST_YEAR, LATEST_YEAR
from mip.core.errors import RemoteProblem
from services.portal.forms import FormErrors

# "10am", "2:30pm", "2.30 pm", "14:30": a time of day as people write it.
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?(am|pm|a\.m\.|p\.m\.)?$")
_MIDDAY = {"midday", "noon", "12noon", "12midday"}


class Form:
    """A submitted form with the errors found while reading it."""

    def __init__(self, data: FormData) -> None:
        self._data = data
        self.errors = FormErrors()
        # What the person typed, to show again beside any error.
        self.values: dict[str, Any] = {}

    def text(self, name: str, label: str, *, required: bool = True) -> str:
        raw = self._data.get(name)
        value = raw.strip() if isinstance(raw, str) else ""
        self.values[name] = value
        if required and not value:
            self.errors.add(name, f"Enter {label}")
        return value

    def choice(self, name: str, label: str, options: Iterable[str]) -> str:
        raw = self._data.get(name)
        value = raw if isinstance(raw, str) else ""
        self.values[name] = value
        if value not in set(options):
            self.errors.add(name, f"Select {label}")
        return value

    def choices(self, name: str) -> list[str]:
        picked = [v for v in self._data.getlist(name) if isinstance(v, str)]
        self.values[name] = picked
        return picked

    def number(self, name: str, label: str, *, low: int, high: int) -> int:
        raw = self._data.get(name)
        text = raw.strip() if isinstance(raw, str) else ""
        self.values[name] = text
        if not text.isdigit():
            self.errors.add(name, f"Enter {label} as a whole number, like {low}")
            return low
        value = int(text)
        if not low <= value <= high:
            self.errors.add(name, f"{label[:1].upper()}{label[1:]} must be {low} to {high}")
        return value

    def day(self, name: str, label: str, *, required: bool = True) -> date | None:
        """Three boxes, `<name>-day`, `-month`, `-year`, read as one date."""
        parts = {}
        for part in ("day", "month", "year"):
            raw = self._data.get(f"{name}-{part}")
            parts[part] = raw.strip() if isinstance(raw, str) else ""
        self.values[name] = parts
        if not any(parts.values()):
            if required:
                self.errors.add(name, f"Enter {label}")
            return None
        missing = [part for part, text in parts.items() if not text]
        if missing:
            self.errors.add(name, f"{label[:1].upper()}{label[1:]} must include a {missing[0]}")
            return None
        if not all(text.isdigit() for text in parts.values()):
            self.errors.add(name, f"{label[:1].upper()}{label[1:]} must be a real date")
            return None
        year, month, day = int(parts["year"]), int(parts["month"]), int(parts["day"])
        if not EARLIEST_YEAR <= year <= LATEST_YEAR:
            self.errors.add(name, f"The year must be between {EARLIEST_YEAR} and {LATEST_YEAR}")
            return None
        try:
            return date(year, month, day)
        except ValueError:
            self.errors.add(name, f"{label[:1].upper()}{label[1:]} must be a real date")
            return None

    def time(self, name: str, label: str) -> time | None:
        """One box, a time of day as people write it: "10am", "2:30pm", "14:30", "midday",
        or as `mip.core.when.clock` shows one ("12pm (midday)")."""
        raw = self._data.get(name)
        text = raw.strip() if isinstance(raw, str) else ""
        self.values[name] = text
        if not text:
            self.errors.add(name, f"Enter {label}")
            return None
        # As mip.core.when writes a time: "12pm (midday)", "12am (midnight)".
        squeezed = re.sub(r"\((?:midday|midnight)\)", "", text.lower()).replace(" ", "")
        if squeezed in _MIDDAY:
            return time(12, 0)
        found = _TIME.match(squeezed)
        if found is None or (found.group(2) is None and found.group(3) is None):
            self.errors.add(name, f"Enter {label} like 10am or 2:30pm")
            return None
        hour, minute, half = int(found.group(1)), int(found.group(2) or 0), found.group(3)
        if half is not None:
            valid = 1 <= hour <= 12
            hour = hour % 12 + (12 if half.startswith("p") else 0)
        else:
            valid = hour <= 23
        if not valid or minute > 59:
            self.errors.add(name, f"{label[:1].upper()}{label[1:]} must be a real time")
            return None
        return time(hour, minute)


def date_boxes(value: date | None) -> dict[str, str]:
    """A date as the three boxes show it."""
    if value is None:
        return {"day": "", "month": "", "year": ""}
    return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}


def problem_errors(
    problem: RemoteProblem, fields: Mapping[str, str] | None = None, default: str | None = None
) -> FormErrors:
    """A service's refusal on this form: its field errors where it names fields, else on
    the field its `field` extension names (a 409 about one answer), else `default` or the
    summary."""
    mapping = dict(fields or {})
    named = problem.problem.get("field")
    target = mapping.get(named, named) if isinstance(named, str) else default
    return FormErrors.from_problem(problem, fields=mapping, default_field=target)


def model_errors(exc: ValidationError, fields: Mapping[str, str] | None = None) -> FormErrors:
    """What a published body's own checks found, on the form's fields."""
    mapping = dict(fields or {})
    errors = FormErrors()
    for error in exc.errors():
        location = ".".join(str(part) for part in error.get("loc", ()))
        name = mapping.get(location, location.split(".")[0] or "form")
        message = str(error.get("msg", "Check this answer")).removeprefix("Value error, ")
        errors.add(name, message[:1].upper() + message[1:])
    return errors


def locked_because(applications: int, deadline: datetime, now: datetime, what: str) -> str | None:
    """Why `what` can no longer change, as the service would say (R1-R3, R16): someone has
    applied, or the deadline has passed. The service decides; this spares a futile form."""
    if deadline <= now:
        return f"Applications to this round have closed, so {what} can no longer change."
    if applications:
        made = "1 application has" if applications == 1 else f"{applications} applications have"
        return f"{made} been made, so {what} stays as applicants saw it."
    return None
