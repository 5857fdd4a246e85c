"""Reading a posted form's answers into plain values, with the message a person needs
beside each field that cannot be read (GOV.UK wording)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from starlette.datastructures import FormData

from services.portal.forms import FormErrors


def texts(form: FormData) -> dict[str, str]:
    """Every text answer of the form, trimmed (files left out), to show back on the page."""
    return {k: v.strip() for k, v in form.items() if isinstance(v, str)}


def required(answers: Mapping[str, str], errors: FormErrors, name: str, message: str) -> str | None:
    value = answers.get(name, "")
    if not value:
        errors.add(name, message)
        return None
    return value


def one_of(
    answers: Mapping[str, str],
    errors: FormErrors,
    name: str,
    options: Mapping[str, Any],
    message: str,
) -> str | None:
    value = answers.get(name, "")
    if value not in options:
        errors.add(name, message)
        return None
    return value


def date_parts(answers: Mapping[str, str], name: str) -> dict[str, str]:
    return {part: answers.get(f"{name}-{part}", "") for part in ("day", "month", "year")}


def optional_date(
    answers: Mapping[str, str], errors: FormErrors, name: str, what: str
) -> date | None:
    """A date in three boxes, or None when all three are empty."""
    parts = date_parts(answers, name)
    if not any(parts.values()):
        return None
    missing = [part for part, value in parts.items() if not value]
    if missing:
        errors.add(name, f"{what} must include a {' and a '.join(missing)}")
        return None
    try:
        found = date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        errors.add(name, f"{what} must be a real date")
        return None
    if not 2000 <= found.year <= 2100:
        errors.add(name, f"{what} must be a year between 2000 and 2100")
        return None
    return found
