"""P5: the amount a host types is read exactly, in pounds and pence, or refused in words
that say what to type; never through a float."""

from __future__ import annotations

import pytest

from services.portal.host.money import NotAnAmount, to_pence


@pytest.mark.parametrize(
    ("typed", "pence"),
    [
        ("8.75", 875),
        ("£8.75", 875),
        (" £ 8.75 ", 875),
        ("8.5", 850),
        ("12", 1200),
        ("0.10", 10),
        ("1,234.50", 123450),
        # 0.1 + 0.2 is not 0.3 in floats; 0.29 * 100 is 28.999... in floats.
        ("0.29", 29),
        ("1.13", 113),
        ("100000", 10_000_000),
    ],
)
def test_p5_pounds_and_pence_become_exact_pence(typed: str, pence: int) -> None:
    assert to_pence(typed) == pence


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "Enter the amount in pounds and pence"),
        ("8.755", "at most two digits of pence"),
        ("-3.00", "numbers only"),
        ("eight", "numbers only"),
        ("1e3", "numbers only"),
        ("NaN", "numbers only"),
        ("8,75", "numbers only"),
        ("١٢", "numbers only"),  # digits, but not the ones a form means
        ("0.00", "more than £0.00"),
        ("100000.01", "£100,000.00 or less"),
    ],
)
def test_p5_an_amount_that_is_not_pounds_and_pence_is_refused_in_words(
    typed: str, says: str
) -> None:
    with pytest.raises(NotAnAmount) as refused:
        to_pence(typed)
    assert says in str(refused.value)
