"""R24-R27 as a policy: every line gets a verdict, its rule and what is owed, in pence."""

from __future__ import annotations

from datetime import date

import pytest

from services.expenses.policy import Category, Host, HostKind, Line, Location, judge, owed

DAYS = [date(2019, 6, 3), date(2019, 6, 4), date(2019, 6, 5)]
CAP = 6000
OXFORD_START_UP = Host(HostKind.for_profit, Location.oxford)
OXFORDSHIRE_FIRM = Host(HostKind.for_profit, Location.oxfordshire)
LONDON_FIRM = Host(HostKind.for_profit, Location.london)
LONDON_CHARITY = Host(HostKind.non_profit, Location.london)
COLLEGE = Host(HostKind.college_or_department, Location.oxford)


def _judge(
    category: Category, host: Host, pence: int = 1240, on: date = DAYS[0]
) -> tuple[bool, str, int]:
    verdict = judge(Line(category, on, pence), host, DAYS, bus_pass_cap_pence=CAP)
    return verdict.allowed, verdict.rule, verdict.owed_pence


@pytest.mark.parametrize("host", [OXFORD_START_UP, LONDON_CHARITY, COLLEGE, LONDON_FIRM])
@pytest.mark.parametrize("category", [Category.local_travel, Category.lunch])
def test_r24_every_host_pays_local_travel_and_lunch(category: Category, host: Host) -> None:
    assert _judge(category, host) == (True, "R24", 1240)


def test_r25_an_oxfordshire_for_profit_pays_a_bus_from_abingdon() -> None:
    assert _judge(Category.oxfordshire_travel, OXFORDSHIRE_FIRM, 450) == (True, "R25", 450)
    assert _judge(Category.oxfordshire_travel, OXFORD_START_UP, 450) == (True, "R25", 450)


def test_r25_a_college_does_not_pay_travel_beyond_the_city() -> None:
    assert _judge(Category.oxfordshire_travel, COLLEGE, 450) == (False, "R27", 0)


def test_r26_a_london_for_profit_pays_the_week_bus_pass_up_to_the_cap() -> None:
    assert _judge(Category.london_bus_pass, LONDON_FIRM, 5500) == (True, "R26", 5500)
    assert _judge(Category.london_bus_pass, LONDON_FIRM, 7200) == (True, "R26", 6000)


def test_r26_a_london_non_profit_does_not_pay_the_bus_pass() -> None:
    assert _judge(Category.london_bus_pass, LONDON_CHARITY, 5500) == (False, "R27", 0)


def test_r27_a_banbury_to_london_train_is_refused() -> None:
    assert _judge(Category.other_travel, LONDON_FIRM, 3410) == (False, "R27", 0)
    assert _judge(Category.other_travel, OXFORDSHIRE_FIRM, 3410) == (False, "R27", 0)


def test_p5_lines_outside_the_placement_days_are_flagged_not_refused() -> None:
    late = judge(
        Line(Category.lunch, date(2019, 6, 10), 800), COLLEGE, DAYS, bus_pass_cap_pence=CAP
    )
    pass_day_before = judge(
        Line(Category.london_bus_pass, date(2019, 6, 2), 5500),
        LONDON_FIRM,
        DAYS,
        bus_pass_cap_pence=CAP,
    )
    lunch_day_before = judge(
        Line(Category.lunch, date(2019, 6, 2), 800), COLLEGE, DAYS, bus_pass_cap_pence=CAP
    )
    assert (late.allowed, late.outside_days) == (True, True)
    assert "outside the placement days" in late.reason
    assert pass_day_before.outside_days is False
    assert lunch_day_before.outside_days is True


def test_p5_the_claim_shows_the_amount_owed_in_pence() -> None:
    lines = [
        Line(Category.lunch, DAYS[0], 1099),
        Line(Category.london_bus_pass, DAYS[0], 7000),
        Line(Category.other_travel, DAYS[1], 3410),
    ]
    verdicts = [judge(line, LONDON_FIRM, DAYS, bus_pass_cap_pence=CAP) for line in lines]
    assert owed(verdicts) == 1099 + 6000
