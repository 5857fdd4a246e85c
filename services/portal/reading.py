"""Reading a posted form, the one way every page does: each answer trimmed, each fault
named beside its field in GOV.UK's words ("Enter …", "Select …", "… must be a real
date"), before any service is asked.

    form = Form(await request.form())
    name = form.text("name", "your full name")          # "Enter your full name"
    role = form.choice("role", "your role", ROLES)      # "Select your role"
    ends = form.day("contract_end_date", "the date your contract ends", required=False)
    if form.errors:
        return render(request, "…", {"form": form.values, "errors": form.errors}, 422)

`form.values` is what the person sent (a date as its three boxes), to show again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, time
from typing import Any

from starlette.datastructures import FormData, UploadFile

from mip.core.bounds import EARLIEST_YEAR, LATEST_YEAR
from services.portal.forms import FormErrors

DATE_PARTS = ("day", "month", "year")
# "10am", "2:30pm", "2.30 pm", "14:30": a time of day as people write it.
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?(am|pm|a\.m\.|p\.m\.)?$")
_MIDDAY = {"midday", "noon", "12noon", "12midday"}


def _capital(label: str) -> str:
    return label[:1].upper() + label[1:]


class Form:
    """A submitted form (or, in tests, a mapping of its answers) and the errors found
    while reading it."""

    def __init__(self, data: FormData | Mapping[str, str]) -> None:
        self._data = data
        self.errors = FormErrors()
        # What the person typed, to show again beside any error: every text answer
        # (files left out), a date as its boxes once read.
        self.values: dict[str, Any] = {k: v.strip() for k, v in data.items() if isinstance(v, str)}

    def get(self, name: str) -> str:
        """The answer, trimmed; "" when there is none (or it is a file)."""
        raw = self._data.get(name)
        return raw.strip() if isinstance(raw, str) else ""

    def text(
        self, name: str, label: str = "", *, required: bool = True, missing: str | None = None
    ) -> str:
        """A text answer; left empty when `required`: "Enter <label>" (or `missing`)."""
        value = self.values[name] = self.get(name)
        if required and not value:
            self.errors.add(name, missing or f"Enter {label}")
        return value

    def file(self, name: str) -> UploadFile | None:
        """The file chosen, or None when none was (a form sends an empty file part)."""
        value = self._data.get(name)
        return value if isinstance(value, UploadFile) and value.filename else None

    def choice(self, name: str, label: str, options: Iterable[str]) -> str:
        """One of `options` (a radio or a select): anything else, "Select <label>"."""
        value = self.values[name] = self.get(name)
        if value not in set(options):
            self.errors.add(name, f"Select {label}")
        return value

    def choices(self, name: str) -> list[str]:
        """Every box ticked of a group of checkboxes."""
        getlist = getattr(self._data, "getlist", None)
        raw = getlist(name) if getlist else [self._data.get(name)]
        picked = [v for v in raw if isinstance(v, str)]
        self.values[name] = picked
        return picked

    def number(self, name: str, label: str, *, low: int, high: int) -> int:
        text = self.values[name] = self.get(name)
        if not text.isdigit():
            self.errors.add(name, f"Enter {label} as a whole number, like {low}")
            return low
        value = int(text)
        if not low <= value <= high:
            self.errors.add(name, f"{_capital(label)} must be {low} to {high}")
        return value

    def day(
        self, name: str, label: str, *, required: bool = True, missing: str | None = None
    ) -> date | None:
        """Three boxes, `<name>-day`, `-month`, `-year`, read as one date; all three empty
        is None, or when `required`, "Enter <label>" (or `missing`).

        The years are the services' own (mip.core.bounds): a date the portal takes is one
        no service refuses, and one every service would refuse is named here, beside its
        boxes, rather than as a service's 422."""
        parts = {part: self.get(f"{name}-{part}") for part in DATE_PARTS}
        self.values[name] = parts
        if not any(parts.values()):
            if required:
                self.errors.add(name, missing or f"Enter {label}")
            return None
        absent = [part for part, text in parts.items() if not text]
        if absent:
            self.errors.add(name, f"{_capital(label)} must include a {' and a '.join(absent)}")
            return None
        try:
            found = date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except ValueError:
            self.errors.add(name, f"{_capital(label)} must be a real date")
            return None
        if not EARLIEST_YEAR <= found.year <= LATEST_YEAR:
            self.errors.add(name, f"The year must be between {EARLIEST_YEAR} and {LATEST_YEAR}")
            return None
        return found

    def time(self, name: str, label: str) -> time | None:
        """One box, a time of day as people write it: "10am", "2:30pm", "14:30", "midday",
        or as `mip.core.when.clock` shows one ("12pm (midday)")."""
        text = self.values[name] = self.get(name)
        if not text:
            self.errors.add(name, f"Enter {label}")
            return None
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
            self.errors.add(name, f"{_capital(label)} must be a real time")
            return None
        return time(hour, minute)


def date_boxes(value: date | None) -> dict[str, str]:
    """A date as the three boxes show it."""
    if value is None:
        return dict.fromkeys(DATE_PARTS, "")
    return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
