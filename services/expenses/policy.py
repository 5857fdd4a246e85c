"""The reimbursement rules (R24-R28) as a policy: each claim line gets a verdict, the rule
that decided it, and the amount the host owes for it, in integer pence.

    every host           local travel within its city, lunch            R24
    for-profit, Oxford-  all travel within Oxfordshire                  R25
      or Oxfordshire
    for-profit, London   an Oxford-London week bus pass, up to a cap    R26
    anything else        nothing                                        R27
    no receipt           refused before it reaches the policy           R28
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from services.applications.catalogue.schemas import HostKind, Location

__all__ = ["Category", "Host", "HostKind", "Line", "Location", "Verdict", "judge", "owed"]


class Category(StrEnum):
    local_travel = "local_travel"
    lunch = "lunch"
    oxfordshire_travel = "oxfordshire_travel"
    london_bus_pass = "london_bus_pass"  # noqa: S105 - a bus pass, not a password
    other_travel = "other_travel"


DEFAULT_BUS_PASS_CAP_PENCE = 6000


@dataclass(frozen=True)
class Host:
    kind: HostKind
    location: Location


@dataclass(frozen=True)
class Line:
    category: Category
    spent_on: date
    amount_pence: int


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    rule: str
    owed_pence: int
    reason: str
    outside_days: bool = False


def _for_profit_in(host: Host, *places: Location) -> bool:
    return host.kind is HostKind.for_profit and host.location in places


def judge(line: Line, host: Host, days: list[date], *, bus_pass_cap_pence: int) -> Verdict:
    verdict = _rule(line, host, bus_pass_cap_pence)
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


def _rule(line: Line, host: Host, cap: int) -> Verdict:
    amount = line.amount_pence
    if line.category in (Category.local_travel, Category.lunch):
        return Verdict(True, "R24", amount, "Every host reimburses local travel and lunch.")
    if line.category is Category.oxfordshire_travel:
        if _for_profit_in(host, Location.oxford, Location.oxfordshire):
            return Verdict(
                True,
                "R25",
                amount,
                "For-profit hosts in Oxfordshire reimburse travel within Oxfordshire.",
            )
        return Verdict(
            False,
            "R27",
            0,
            "Only for-profit hosts in Oxfordshire reimburse travel "
            "within Oxfordshire beyond the city.",
        )
    if line.category is Category.london_bus_pass:
        if _for_profit_in(host, Location.london):
            owed = min(amount, cap)
            capped = f" Capped at £{cap / 100:.2f}." if owed < amount else ""
            return Verdict(
                True,
                "R26",
                owed,
                "For-profit hosts in London reimburse an Oxford-London week bus pass." + capped,
            )
        return Verdict(False, "R27", 0, "Only for-profit hosts in London reimburse a bus pass.")
    return Verdict(False, "R27", 0, "Inter-city travel is not reimbursed.")


def owed(verdicts: list[Verdict]) -> int:
    return sum(v.owed_pence for v in verdicts if v.allowed)
