"""The reimbursement rules (R24-R28) as a policy: each claim line gets a verdict, the rule
that decided it, and the amount the host owes for it, in integer pence.

A travel line is judged by its journey (from where, to where, how) and the host's kind and
place, never by the category the intern picked; the category only tells lunch from travel
and a week bus pass from a single fare. Where a place lies comes from the gazetteer
(`services/expenses/places.py`), which is configuration.

    every host           lunch; travel with both ends in the host's city    R24
                         (Oxford, London; for a host elsewhere in
                         Oxfordshire, within one town)
    for-profit, Oxford-  travel with both ends in Oxfordshire               R25
      or Oxfordshire
    for-profit, London   an Oxford-London week bus pass by bus or coach,    R26
                         up to a cap
    anything else        nothing                                            R27
    no receipt           refused before it reaches the policy               R28
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from services.applications.contract import HostKind, Location
from services.expenses.contract import Category, TravelMode
from services.expenses.places import Gazetteer, Place

__all__ = [
    "Category",
    "Host",
    "HostKind",
    "Journey",
    "Line",
    "Location",
    "TravelMode",
    "Verdict",
    "judge",
    "owed",
]


DEFAULT_BUS_PASS_CAP_PENCE = 6000
DEFAULT_GAZETTEER = Gazetteer()
_BY_ROAD = (TravelMode.bus, TravelMode.coach)
_SAID = {
    TravelMode.bicycle: "bicycle ride",
    TravelMode.car: "car journey",
    TravelMode.other: "journey",
}
_KIND = {
    HostKind.for_profit: "a for-profit host",
    HostKind.non_profit: "a non-profit host",
    HostKind.college_or_department: "a college or department",
}
_IN = {
    Location.oxford: "in Oxford",
    Location.oxfordshire: "in Oxfordshire",
    Location.london: "in London",
    Location.elsewhere: "outside Oxford, Oxfordshire and London",
}


@dataclass(frozen=True)
class Host:
    kind: HostKind
    location: Location

    def __str__(self) -> str:
        return f"{_KIND[self.kind]} {_IN[self.location]}"


@dataclass(frozen=True)
class Journey:
    origin: str
    destination: str
    mode: TravelMode

    def __str__(self) -> str:
        """A train from Banbury to London"""
        return f"A {_SAID.get(self.mode, self.mode.value)} from {self.origin} to {self.destination}"


@dataclass(frozen=True)
class Line:
    category: Category
    spent_on: date
    amount_pence: int
    journey: Journey | None = None


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    rule: str
    owed_pence: int
    reason: str
    outside_days: bool = False


def _for_profit_in(host: Host, *places: Location) -> bool:
    return host.kind is HostKind.for_profit and host.location in places


def judge(
    line: Line,
    host: Host,
    days: list[date],
    *,
    bus_pass_cap_pence: int,
    places: Gazetteer = DEFAULT_GAZETTEER,
) -> Verdict:
    verdict = _rule(line, host, bus_pass_cap_pence, places)
    window = set(days)
    if line.category is Category.london_bus_pass:  # bought the day before the week starts
        window |= {min(days) - timedelta(days=1)}
    outside = line.spent_on not in window
    return Verdict(
        verdict.allowed,
        verdict.rule,
        verdict.owed_pence,
        verdict.reason + (" Dated outside the placement days." if outside else ""),
        outside_days=outside,
    )


def _refused(reason: str) -> Verdict:
    return Verdict(False, "R27", 0, reason)


def _rule(line: Line, host: Host, cap: int, places: Gazetteer) -> Verdict:
    amount = line.amount_pence
    if not line.category.is_travel:
        return Verdict(True, "R24", amount, "Every host reimburses lunch.")
    if line.journey is None:
        return _refused(
            "A travel line says from where, to where and how; without its journey "
            "it is not reimbursed."
        )
    journey = line.journey
    start, end = places.where(journey.origin), places.where(journey.destination)
    city = _local_city(host, start, end)
    if city is not None:
        return Verdict(
            True,
            "R24",
            amount,
            f"{journey} is local travel within {city}, which every host reimburses.",
        )
    if start.in_oxfordshire and end.in_oxfordshire:
        if _for_profit_in(host, Location.oxford, Location.oxfordshire):
            return Verdict(
                True,
                "R25",
                amount,
                f"{journey} stays within Oxfordshire, which for-profit hosts in Oxfordshire "
                "reimburse.",
            )
        return _refused(
            f"{journey} is travel within Oxfordshire beyond the host's own city, which "
            f"only for-profit hosts in Oxfordshire reimburse; this is {host}. "
            "Nothing else is reimbursed."
        )
    if {start.area, end.area} == {Location.oxford, Location.london}:
        return _oxford_london(line, journey, host, cap)
    return _refused(_elsewhere(line, journey, host, start, end))


def _local_city(host: Host, start: Place, end: Place) -> str | None:
    """The city both ends of the journey lie in, if it is the host's (R24)."""
    if host.location in (Location.oxford, Location.london):
        both = start.area is end.area is host.location
        return ("Oxford" if host.location is Location.oxford else "London") if both else None
    if host.location is Location.oxfordshire and start.in_oxfordshire and start.same_town(end):
        return start.town
    return None


def _oxford_london(line: Line, journey: Journey, host: Host, cap: int) -> Verdict:
    amount = line.amount_pence
    if not _for_profit_in(host, Location.london):
        return _refused(
            f"{journey} is inter-city travel; only for-profit hosts in London reimburse an "
            f"Oxford-London week bus pass, and this is {host}. "
            "Nothing else is reimbursed."
        )
    if journey.mode not in _BY_ROAD:
        return _refused(
            f"{journey} is inter-city travel; for-profit hosts in London reimburse only an "
            "Oxford-London week bus pass, not a train or any other way. "
            "Nothing else is reimbursed."
        )
    if line.category is not Category.london_bus_pass:
        return _refused(
            f"{journey} is a single inter-city fare; for-profit hosts in London reimburse "
            "only an Oxford-London week bus pass. If this is the week pass, "
            "claim it as a London bus pass. Nothing else is reimbursed."
        )
    owed = min(amount, cap)
    capped = f" Capped at £{cap / 100:.2f}." if owed < amount else ""
    return Verdict(
        True,
        "R26",
        owed,
        f"A week bus pass for the {journey.mode.value} from {journey.origin} to "
        f"{journey.destination}, which for-profit hosts in London reimburse." + capped,
    )


def _elsewhere(line: Line, journey: Journey, host: Host, start: Place, end: Place) -> str:
    if start.area is end.area is Location.london:
        reason = (
            f"{journey} is travel within London, which only hosts in London reimburse; "
            f"this is {host}."
        )
    elif start.area is end.area is Location.elsewhere:
        reason = (
            f"{journey} is not travel within Oxford, Oxfordshire or London, the only places "
            f"whose travel the rules reimburse; this is {host}."
        )
    else:
        reason = (
            f"{journey} is inter-city travel; the only inter-city travel reimbursed is an "
            "Oxford-London week bus pass, by bus or coach, by for-profit hosts in London."
        )
    unknown = [f"“{p.written}”" for p in (start, end) if p.area is Location.elsewhere]
    if unknown:
        verb = "is" if len(unknown) == 1 else "are"
        reason += (
            f" {' and '.join(unknown)} {verb} not on the office's list of places in Oxford, "
            "Oxfordshire or London; ask the office if that is wrong."
        )
    return reason + " Nothing else is reimbursed."


def owed(verdicts: list[Verdict]) -> int:
    return sum(v.owed_pence for v in verdicts if v.allowed)
