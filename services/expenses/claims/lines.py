"""A claim line's form fields, read into the facts the rules judge (R24-R27)."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from mip.core.errors import InvalidInput
from services.expenses.claims.schemas import to_pence
from services.expenses.contract import Category, TravelMode
from services.expenses.policy import Journey


def _breaks_line(char: str) -> bool:
    return char != "\t" and unicodedata.category(char) in ("Cc", "Zl", "Zp")


def journey(
    category: Category, origin: str | None, destination: str | None, mode: TravelMode | None
) -> Journey | None:
    """A travel line's journey, every fact of it; a lunch line has none (R24-R27)."""
    if not category.is_travel:
        return None
    facts = {"travel_from": origin, "travel_to": destination}
    for field, value in facts.items():
        if value is not None and any(_breaks_line(c) for c in value.strip()):
            raise InvalidInput(
                f"{field} is a place name on one line.",
                errors=[{"location": f"body.{field}", "message": "one line of text"}],
            )
    places = {field: " ".join((value or "").split()) for field, value in facts.items()}
    missing = [field for field, value in places.items() if not value]
    if mode is None:
        missing.append("travel_mode")
    if missing:
        raise InvalidInput(
            "A travel line says from where, to where and how (bus, train, ...); "
            f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing.",
            errors=[{"location": f"body.{field}", "message": "required"} for field in missing],
        )
    assert mode is not None
    return Journey(places["travel_from"], places["travel_to"], mode)


# Digits and a point, as a form means them: Decimal alone would also read "1e3", "NaN",
# "1_000" and other scripts' digits, and its refusal of words names its own exception class.
_AMOUNT = re.compile(r"\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)\s*", re.ASCII)
NOT_AN_AMOUNT = "Enter an amount in pounds and pence, like 8.50"


def pence(amount: str, *, max_pence: int) -> int:
    """ "12.40" -> 1240; anything else is refused in words the person can act on."""
    if _AMOUNT.fullmatch(amount) is None:
        raise _refused(NOT_AN_AMOUNT)
    try:
        return to_pence(Decimal(amount), max_pence=max_pence)
    except ValueError as exc:
        raise _refused(str(exc)) from exc


def _refused(message: str) -> InvalidInput:
    return InvalidInput(message, errors=[{"location": "body.amount", "message": message}])
