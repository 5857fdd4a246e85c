"""R24-R27: the amount of a claim line is read exactly in pounds and pence, and anything
else is refused beside the amount in words that say what to type, never in Python's."""

from __future__ import annotations

import pytest

from mip.core.errors import InvalidInput
from services.expenses.claims.lines import pence

MAX = 50_000


@pytest.mark.parametrize(
    ("typed", "exact"),
    [("8.50", 850), ("8.5", 850), ("12", 1200), (" 0.29 ", 29), ("1.13", 113), ("500", MAX)],
)
def test_pounds_and_pence_become_exact_pence(typed: str, exact: int) -> None:
    assert pence(typed, max_pence=MAX) == exact


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("eight pounds", "Enter an amount in pounds and pence, like 8.50"),
        ("", "Enter an amount in pounds and pence, like 8.50"),
        ("8,50", "Enter an amount in pounds and pence, like 8.50"),
        # What Decimal reads but a form does not mean: an exponent, "not a number", an
        # underscore, another script's digits.
        ("1e3", "Enter an amount in pounds and pence, like 8.50"),
        ("NaN", "Enter an amount in pounds and pence, like 8.50"),
        ("Infinity", "Enter an amount in pounds and pence, like 8.50"),
        ("8_50", "Enter an amount in pounds and pence, like 8.50"),
        ("١٢", "Enter an amount in pounds and pence, like 8.50"),
        ("0", "Enter an amount more than £0.00"),
        ("-3.00", "Enter an amount more than £0.00"),
        ("8.755", "Enter at most two digits of pence after the point, like 8.50"),
        ("500.01", "Enter an amount of £500.00 or less"),
    ],
)
def test_an_amount_that_is_not_pounds_and_pence_is_refused_beside_it_in_words(
    typed: str, says: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        pence(typed, max_pence=MAX)
    [beside] = refused.value.extensions["errors"]
    assert beside["location"] == "body.amount"
    assert beside["message"].startswith(says)
    assert refused.value.detail == beside["message"]
    for python in ("<class", "decimal", "Conversion", "'"):
        assert python not in beside["message"]
