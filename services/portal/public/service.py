"""What the public pages show: the advertised placements, filtered, each open or closed
by the applications service's rule (`RoundClock.window`); the rounds they belong to, with
their dates in order; the words for a host's kind, a place and a mode."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from services.applications.contract import HostKind, Location, Mode, Placement, Round, Window
from services.portal.clients import PortalServices
from services.portal.runtime import PortalRuntime

KINDS: dict[str, str] = {
    HostKind.for_profit: "Business (for-profit)",
    HostKind.non_profit: "Charity or non-profit",
    HostKind.college_or_department: "College or university department",
}
LOCATIONS: dict[str, str] = {
    Location.oxford: "Oxford",
    Location.oxfordshire: "Oxfordshire",
    Location.london: "London",
    Location.elsewhere: "Elsewhere",
}
MODES: dict[str, str] = {Mode.in_person: "In person", Mode.remote: "Remote"}


@dataclass
class Filters:
    """The filters asked for, as text; `week` and `kind` only if they are ones we know."""

    week: str = ""
    sector: str = ""
    kind: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    def week_date(self) -> date | None:
        return date.fromisoformat(self.week) if self.week else None


def read_filters(week: str, sector: str, kind: str) -> Filters:
    filters = Filters(sector=sector.strip()[:200])
    if week:
        try:
            date.fromisoformat(week)
            filters.week = week
        except ValueError:
            filters.errors["week"] = "Choose a week from the list"
    if kind:
        if kind in KINDS:
            filters.kind = kind
        else:
            filters.errors["kind"] = "Choose a kind of organisation from the list"
    return filters


@dataclass
class Listing:
    placements: list[Placement]
    rounds: dict[UUID, Round]
    sectors: list[str]
    windows: dict[UUID, Window] = field(default_factory=dict)

    @property
    def open_count(self) -> int:
        return sum(1 for w in self.windows.values() if w.open)


def windows(
    placements: list[Placement], rounds: dict[UUID, Round], now: datetime
) -> dict[UUID, Window]:
    """Each placement's applications at `now`, as the applications service decides them
    (R4, R14): the deadline of the round it is open in, or closed."""
    return {
        p.id: rounds[p.round_id].clock.window(now, readvertised=p.readvertised)
        for p in placements
        if p.round_id in rounds
    }


def placement_dates(the_round: Round, window: Window) -> list[tuple[str, datetime]]:
    """The dates one placement's page lists, in order: its deadline (R14); when it is
    advertised again, if it will be (R4); and in the first round, the outcomes-by date
    (R3), which the second round does not keep."""
    dates = [("Applications close" if window.open else "Applications closed", window.deadline)]
    if window.reopens_at is not None:
        dates.append(("Advertised again from", window.reopens_at))
    if window.phase == "first":
        dates.append(("Outcomes by", the_round.clock.outcomes_at))
    return sorted(dates, key=lambda pair: pair[1])


@dataclass
class RoundDate:
    label: str
    at: datetime
    until: datetime | None = None  # a span: the second round, from `at`
    key: bool = False  # the date to read first: when applications close


def round_dates(the_round: Round, now: datetime) -> list[RoundDate]:
    """A round's dates for the home page, in order (R3, R4): the second round may open
    before the outcomes-by date (in 2019, 23 and 25 April)."""
    clock = the_round.clock
    dates = [
        RoundDate("Placements advertised", clock.advertise_at),
        RoundDate(
            "Applications close" if now < clock.deadline_at else "Applications closed",
            clock.deadline_at,
            key=True,
        ),
        RoundDate("You will hear by", clock.outcomes_at),
    ]
    if clock.second_round_opens_at is not None:
        dates.append(
            RoundDate(
                "Unfilled placements re-advertised",
                clock.second_round_opens_at,
                clock.second_round_deadline_at,
            )
        )
    return sorted(dates, key=lambda d: d.at)


async def rounds_of(runtime: PortalRuntime, ids: set[UUID]) -> dict[UUID, Round]:
    """The rounds by id, read with the portal's own token (a round's dates are public,
    its route is not open to visitors)."""
    async with PortalServices(runtime, runtime.service_token()) as services:
        found = await asyncio.gather(*(services.applications.round(i) for i in sorted(ids)))
    return {r.id: r for r in found}


async def listing(runtime: PortalRuntime, services: PortalServices, filters: Filters) -> Listing:
    everything = await services.applications.advertised_placements()
    rounds = await rounds_of(runtime, {p.round_id for p in everything})
    chosen = await services.applications.advertised_placements(
        week=filters.week_date(), sector=filters.sector or None
    )
    if filters.kind:
        chosen = [p for p in chosen if p.host.kind.value == filters.kind]
    sectors = sorted({p.host.sector for p in everything}, key=str.lower)
    return Listing(
        placements=chosen,
        rounds=rounds,
        sectors=sectors,
        windows=windows(chosen, rounds, runtime.clock()),
    )


def week_options(rounds: dict[UUID, Round]) -> list[tuple[str, date, date]]:
    """Every placement week of the open rounds, once, in order: (Monday, Monday, Friday)."""
    weeks = {w.starts_on: w.ends_on for r in rounds.values() for w in r.weeks}
    return [(str(start), start, weeks[start]) for start in sorted(weeks)]


async def join_alerts(runtime: PortalRuntime, email: str) -> None:
    """R30, with the portal's service token: the notifications service leaves limiting
    each client to the portal (it sees every person arrive from the portal's address)."""
    async with PortalServices(runtime, runtime.service_token()) as services:
        await services.notifications.join_alerts(email)
