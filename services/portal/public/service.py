"""What the public pages show: the advertised placements, filtered; the rounds they
belong to, with their dates; the words for a host's kind, a place and a mode."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from services.applications.client import ApplicationsClient
from services.applications.contract import HostKind, Placement, Round
from services.notifications.client import NotificationsClient
from services.portal.clients import PortalServices, transport_for
from services.portal.runtime import PortalRuntime

KINDS = {
    HostKind.for_profit.value: "Business (for-profit)",
    HostKind.non_profit.value: "Charity or non-profit",
    HostKind.college_or_department.value: "College or university department",
}
LOCATIONS = {
    "oxford": "Oxford",
    "oxfordshire": "Oxfordshire",
    "london": "London",
    "elsewhere": "Elsewhere",
}
MODES = {"in_person": "In person", "remote": "Remote"}


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


async def rounds_of(runtime: PortalRuntime, ids: set[UUID]) -> dict[UUID, Round]:
    """The rounds by id, read with the portal's own token (a round's dates are public,
    its route is not open to visitors)."""
    async with ApplicationsClient(
        runtime.settings.applications_url,
        runtime.service_token(),
        transport=transport_for(runtime, "applications"),
    ) as applications:
        found = await asyncio.gather(*(applications.round(i) for i in sorted(ids)))
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
    return Listing(placements=chosen, rounds=rounds, sectors=sectors)


def week_options(rounds: dict[UUID, Round]) -> list[tuple[str, date, date]]:
    """Every placement week of the open rounds, once, in order: (Monday, Monday, Friday)."""
    weeks = {w.starts_on: w.ends_on for r in rounds.values() for w in r.weeks}
    return [(str(start), start, weeks[start]) for start in sorted(weeks)]


async def join_alerts(runtime: PortalRuntime, email: str) -> None:
    """R30, with the portal's service token: the notifications service leaves limiting
    each client to the portal (it sees every person arrive from the portal's address)."""
    async with NotificationsClient(
        runtime.settings.notifications_url,
        runtime.service_token(),
        transport=transport_for(runtime, "notifications"),
    ) as notifications:
        await notifications.join_alerts(email)
