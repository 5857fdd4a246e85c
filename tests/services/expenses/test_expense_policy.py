"""R24-R27 as a policy: every line gets a verdict, its rule and what is owed, in pence.
A travel line is judged by its journey and the host, never by the category picked."""

from __future__ import annotations

import re
from datetime import date

import pytest

from services.expenses.config import ExpensesSettings
from services.expenses.contract import Category, TravelMode
from services.expenses.places import Gazetteer, normalise
from services.expenses.policy import Host, HostKind, Journey, Line, Location, Verdict, judge, owed

DAYS = [date(2019, 6, 3), date(2019, 6, 4), date(2019, 6, 5)]
CAP = 6000
OXFORD_START_UP = Host(HostKind.for_profit, Location.oxford)
OXFORDSHIRE_FIRM = Host(HostKind.for_profit, Location.oxfordshire)
OXFORDSHIRE_CHARITY = Host(HostKind.non_profit, Location.oxfordshire)
LONDON_FIRM = Host(HostKind.for_profit, Location.london)
LONDON_CHARITY = Host(HostKind.non_profit, Location.london)
COLLEGE = Host(HostKind.college_or_department, Location.oxford)
ELSEWHERE_FIRM = Host(HostKind.for_profit, Location.elsewhere)
ALL_HOSTS = [
    OXFORD_START_UP,
    OXFORDSHIRE_FIRM,
    OXFORDSHIRE_CHARITY,
    LONDON_FIRM,
    LONDON_CHARITY,
    COLLEGE,
    ELSEWHERE_FIRM,
]

IN_OXFORD = Journey("Headington", "Jericho", TravelMode.bus)
IN_LONDON = Journey("King's Cross", "Bloomsbury", TravelMode.tube)
ABINGDON_BUS = Journey("Abingdon", "Oxford", TravelMode.bus)
BANBURY_TRAIN = Journey("Banbury", "London", TravelMode.train)
OXFORD_TUBE_COACH = Journey("Oxford, Gloucester Green", "London Victoria", TravelMode.coach)


def _verdict(
    category: Category,
    host: Host,
    journey: Journey | None = None,
    pence: int = 1240,
    on: date = DAYS[0],
    places: Gazetteer | None = None,
) -> Verdict:
    line = Line(category, on, pence, journey)
    if places is None:
        return judge(line, host, DAYS, bus_pass_cap_pence=CAP)
    return judge(line, host, DAYS, bus_pass_cap_pence=CAP, places=places)


def _judge(
    category: Category, host: Host, journey: Journey | None = None, pence: int = 1240
) -> tuple[bool, str, int]:
    verdict = _verdict(category, host, journey, pence)
    return verdict.allowed, verdict.rule, verdict.owed_pence


@pytest.mark.parametrize("host", ALL_HOSTS)
def test_r24_every_host_pays_lunch(host: Host) -> None:
    assert _judge(Category.lunch, host) == (True, "R24", 1240)


@pytest.mark.parametrize(
    ("host", "journey"),
    [
        (OXFORD_START_UP, IN_OXFORD),
        (COLLEGE, IN_OXFORD),
        (COLLEGE, Journey("Oxford rail station", "Old Road Campus, Headington", TravelMode.taxi)),
        (LONDON_CHARITY, IN_LONDON),
        (LONDON_FIRM, Journey("London Paddington", "Canary Wharf", TravelMode.tube)),
    ],
)
def test_r24_every_host_pays_local_travel_within_its_city(host: Host, journey: Journey) -> None:
    verdict = _verdict(Category.local_travel, host, journey)
    assert (verdict.allowed, verdict.rule, verdict.owed_pence) == (True, "R24", 1240)
    assert "local travel within" in verdict.reason


def test_r24_a_non_profit_host_pays_local_travel_but_not_beyond_its_city() -> None:
    assert _judge(Category.local_travel, COLLEGE, IN_OXFORD) == (True, "R24", 1240)
    assert _judge(Category.local_travel, LONDON_CHARITY, IN_LONDON) == (True, "R24", 1240)
    assert _judge(Category.local_travel, COLLEGE, IN_LONDON) == (False, "R27", 0)
    assert _judge(Category.local_travel, LONDON_CHARITY, IN_OXFORD) == (False, "R27", 0)


def test_r24_a_host_elsewhere_in_oxfordshire_pays_travel_within_one_town() -> None:
    within = Journey("Didcot Parkway", "Didcot town centre", TravelMode.bus)
    between = Journey("Didcot", "Wantage", TravelMode.bus)
    assert _judge(Category.local_travel, OXFORDSHIRE_CHARITY, within) == (True, "R24", 1240)
    assert _judge(Category.local_travel, OXFORDSHIRE_CHARITY, between) == (False, "R27", 0)


def test_r25_bus_from_abingdon_is_owed_by_an_oxfordshire_for_profit_host() -> None:
    for category in (Category.oxfordshire_travel, Category.other_travel, Category.local_travel):
        assert _judge(category, OXFORDSHIRE_FIRM, ABINGDON_BUS, 450) == (True, "R25", 450)
    assert _judge(Category.oxfordshire_travel, OXFORD_START_UP, ABINGDON_BUS, 450) == (
        True,
        "R25",
        450,
    )
    verdict = _verdict(Category.oxfordshire_travel, OXFORDSHIRE_FIRM, ABINGDON_BUS, 450)
    assert "A bus from Abingdon to Oxford stays within Oxfordshire" in verdict.reason


def test_r25_any_way_within_oxfordshire_counts() -> None:
    train = Journey("Banbury rail station", "BICESTER VILLAGE", TravelMode.train)
    assert _judge(Category.other_travel, OXFORDSHIRE_FIRM, train, 780) == (True, "R25", 780)


@pytest.mark.parametrize("host", [COLLEGE, OXFORDSHIRE_CHARITY, LONDON_FIRM])
def test_r25_only_oxfordshire_for_profits_pay_travel_beyond_the_city(host: Host) -> None:
    verdict = _verdict(Category.oxfordshire_travel, host, ABINGDON_BUS, 450)
    assert (verdict.allowed, verdict.rule, verdict.owed_pence) == (False, "R27", 0)
    assert "only for-profit hosts in Oxfordshire" in verdict.reason


def test_r26_a_london_for_profit_pays_the_week_bus_pass_up_to_the_cap() -> None:
    assert _judge(Category.london_bus_pass, LONDON_FIRM, OXFORD_TUBE_COACH, 5500) == (
        True,
        "R26",
        5500,
    )
    capped = _verdict(Category.london_bus_pass, LONDON_FIRM, OXFORD_TUBE_COACH, 7200)
    assert (capped.allowed, capped.rule, capped.owed_pence) == (True, "R26", 6000)
    assert "Capped at £60.00" in capped.reason
    back = Journey("Marble Arch", "Thornhill Park and Ride", TravelMode.bus)
    assert _judge(Category.london_bus_pass, LONDON_FIRM, back, 5500) == (True, "R26", 5500)


def test_r26_a_london_non_profit_does_not_pay_the_bus_pass() -> None:
    verdict = _verdict(Category.london_bus_pass, LONDON_CHARITY, OXFORD_TUBE_COACH, 5500)
    assert (verdict.allowed, verdict.rule, verdict.owed_pence) == (False, "R27", 0)
    assert "only for-profit hosts in London" in verdict.reason


def test_r26_the_bus_pass_is_by_bus_or_coach_between_oxford_and_london() -> None:
    by_train = Journey("Oxford", "London Paddington", TravelMode.train)
    from_banbury = Journey("Banbury", "Victoria Coach Station", TravelMode.coach)
    assert _judge(Category.london_bus_pass, LONDON_FIRM, by_train, 5500) == (False, "R27", 0)
    assert _judge(Category.london_bus_pass, LONDON_FIRM, from_banbury, 5500) == (False, "R27", 0)


def test_r26_a_single_coach_fare_is_not_the_week_pass() -> None:
    verdict = _verdict(Category.other_travel, LONDON_FIRM, OXFORD_TUBE_COACH, 1500)
    assert (verdict.allowed, verdict.rule) == (False, "R27")
    assert "claim it as a London bus pass" in verdict.reason


@pytest.mark.parametrize("category", [c for c in Category if c.is_travel])
@pytest.mark.parametrize("host", ALL_HOSTS)
def test_r27_train_banbury_to_london_is_refused_whatever_its_category(
    category: Category, host: Host
) -> None:
    verdict = _verdict(category, host, BANBURY_TRAIN, 3410)
    assert (verdict.allowed, verdict.rule, verdict.owed_pence) == (False, "R27", 0)
    assert "A train from Banbury to London is inter-city travel" in verdict.reason


def test_r27_places_nobody_listed_are_elsewhere_and_named() -> None:
    verdict = _verdict(
        Category.local_travel, ELSEWHERE_FIRM, Journey("Cambridge", "Ely", TravelMode.bus)
    )
    assert (verdict.allowed, verdict.rule) == (False, "R27")
    assert "“Cambridge” and “Ely” are not on the office's list" in verdict.reason


def test_r27_a_travel_line_without_its_journey_is_refused() -> None:
    assert _judge(Category.local_travel, COLLEGE) == (False, "R27", 0)


def test_r24_r25_the_gazetteer_reads_names_as_people_write_them() -> None:
    places = Gazetteer()
    assert normalise("  King\u2019s  Cross (St. Pancras) ") == "kings cross st pancras"
    assert places.where("Banbury rail station").area is Location.oxfordshire
    assert places.where("KINGS CROSS").area is Location.london
    assert places.where("Oxford station").area is Location.oxford
    assert places.where("Oxford Circus").area is Location.london
    assert places.where("Banbury Road, Oxford").area is Location.oxford
    assert places.where("Stratford").area is Location.london
    assert places.where("Stratford-upon-Avon").area is Location.elsewhere
    assert places.where("Oxfordshire-ish").area is Location.elsewhere
    assert places.where("Headingtonia").area is Location.elsewhere  # whole words only


def test_r24_r25_the_gazetteer_is_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIP_EXPENSES_PLACES_OXFORD", "Oxford, Kidlington")
    monkeypatch.setenv("MIP_EXPENSES_PLACES_LONDON", '["London", "Slough"]')
    places = ExpensesSettings().gazetteer()
    kidlington = Journey("Kidlington", "Oxford", TravelMode.bus)
    slough = Journey("Slough", "London", TravelMode.train)
    assert _verdict(Category.oxfordshire_travel, COLLEGE, kidlington).allowed is False
    assert _verdict(Category.local_travel, COLLEGE, kidlington, places=places).rule == "R24"
    assert _verdict(Category.local_travel, LONDON_CHARITY, slough, places=places).rule == "R24"
    camden = Journey("Camden", "London", TravelMode.tube)
    assert _verdict(Category.local_travel, LONDON_CHARITY, camden, places=places).rule == "R27"
    assert ExpensesSettings().places_oxford == ("Oxford", "Kidlington")


def test_p5_lines_outside_the_placement_days_are_flagged_not_refused() -> None:
    late = judge(
        Line(Category.lunch, date(2019, 6, 10), 800), COLLEGE, DAYS, bus_pass_cap_pence=CAP
    )
    pass_day_before = judge(
        Line(Category.london_bus_pass, date(2019, 6, 2), 5500, OXFORD_TUBE_COACH),
        LONDON_FIRM,
        DAYS,
        bus_pass_cap_pence=CAP,
    )
    lunch_day_before = judge(
        Line(Category.lunch, date(2019, 6, 2), 800), COLLEGE, DAYS, bus_pass_cap_pence=CAP
    )
    assert (late.allowed, late.outside_days) == (True, True)
    assert "outside the placement days" in late.reason
    assert (pass_day_before.allowed, pass_day_before.outside_days) == (True, False)
    assert lunch_day_before.outside_days is True


def test_p5_the_claim_shows_the_amount_owed_in_pence() -> None:
    lines = [
        Line(Category.lunch, DAYS[0], 1099),
        Line(Category.london_bus_pass, DAYS[0], 7000, OXFORD_TUBE_COACH),
        Line(Category.local_travel, DAYS[1], 280, IN_LONDON),
        Line(Category.other_travel, DAYS[1], 3410, BANBURY_TRAIN),
    ]
    verdicts = [judge(line, LONDON_FIRM, DAYS, bus_pass_cap_pence=CAP) for line in lines]
    assert owed(verdicts) == 1099 + 6000 + 280


JOURNEYS = [IN_OXFORD, IN_LONDON, ABINGDON_BUS, BANBURY_TRAIN, OXFORD_TUBE_COACH, None]


@pytest.mark.parametrize("host", ALL_HOSTS)
def test_the_reason_people_read_names_no_rule(host: Host) -> None:
    """Interns and hosts read the reason on the claim's page: the rule id is in `rule`."""
    for category in Category:
        for journey in JOURNEYS if category.is_travel else [None]:
            for pence in (1240, CAP + 1):
                verdict = _verdict(category, host, journey, pence)
                assert verdict.rule.startswith("R")
                assert not re.search(r"\b[RP]\d{1,2}\b", verdict.reason), verdict.reason
