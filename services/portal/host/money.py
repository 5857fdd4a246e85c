"""Money a host types in, read exactly: pounds and pence to integer pence through Decimal,
never a float (the services keep every amount in pence)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# "8.75", "£8.75", "1,234.50", "12": pounds with at most two places of pence.
_AMOUNT = re.compile(r"£?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?", re.ASCII)
_TOO_PRECISE = re.compile(r"£?\s*[\d,]+\.\d{3,}", re.ASCII)
MAX_PENCE = 10_000_000  # £100,000: far beyond any one claim, caught as a typing slip


class NotAnAmount(ValueError):
    """The text is not an amount of money; the message says what to type instead."""


def to_pence(text: str) -> int:
    """ "£8.75" -> 875. Anything else (a third decimal place, a minus sign, letters, an
    empty box) raises `NotAnAmount` with a message a person can act on."""
    typed = text.strip()
    if not typed:
        raise NotAnAmount("Enter the amount in pounds and pence, for example 8.75")
    if _TOO_PRECISE.fullmatch(typed):
        raise NotAnAmount("Enter at most two digits of pence after the point, like 8.75")
    match = _AMOUNT.fullmatch(typed)
    if match is None:
        raise NotAnAmount("Enter the amount in pounds and pence, like 8.75, using numbers only")
    pounds, pence = match.group(1).replace(",", ""), match.group(2) or "0"
    try:
        amount = Decimal(f"{pounds}.{pence}")
    except InvalidOperation as exc:  # the pattern admits none; never a float fallback
        raise NotAnAmount("Enter the amount in pounds and pence, for example 8.75") from exc
    total = int(amount * 100)  # exact: at most two places of pence were read
    if total <= 0:
        raise NotAnAmount("Enter an amount more than £0.00")
    if total > MAX_PENCE:
        raise NotAnAmount("Enter an amount of £100,000.00 or less")
    return total
