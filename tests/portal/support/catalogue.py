"""Hosts, rounds and placements set up through the applications API as the office."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.portal.support.api import ApiAs
from tests.support.applying import open_round


async def advertised_round(office: ApiAs, name: str, *, weeks: int = 1) -> dict[str, Any]:
    """A rehearsal round advertised yesterday that closes tomorrow, with `weeks`
    consecutive placement weeks."""
    spec = open_round(name)
    first = date.fromisoformat(spec["weeks"][0]["starts_on"])
    spec["weeks"] = [
        {"starts_on": str(monday), "ends_on": str(monday + timedelta(days=4))}
        for monday in (first + timedelta(weeks=n) for n in range(weeks))
    ]
    made = await office.applications.post("/v1/rounds", json=spec)
    assert made.status_code == 201, made.text
    the_round: dict[str, Any] = made.json()
    return the_round


async def host_with_placement(
    office: ApiAs,
    the_round: dict[str, Any],
    *,
    name: str,
    contact: str,
    title: str,
    kind: str = "for_profit",
    sector: str = "Technology",
    location: str = "oxford",
    week: int = 0,
) -> tuple[dict[str, Any], dict[str, Any]]:
    host = await office.applications.post(
        "/v1/hosts",
        json={
            "name": name,
            "sector": sector,
            "kind": kind,
            "location": location,
            "contact_name": contact.split("@")[0].title(),
            "contact_email": contact,
        },
    )
    assert host.status_code == 201, host.text
    monday = date.fromisoformat(the_round["weeks"][week]["starts_on"])
    placement = await office.applications.post(
        f"/v1/rounds/{the_round['id']}/placements",
        json={
            "host_id": host.json()["id"],
            "title": title,
            "description": f"A week with {name}.",
            "week_starts_on": str(monday),
            "days": [str(monday + timedelta(days=d)) for d in range(3)],
            "places": 2,
            "preparation": "Bring a laptop.",
        },
    )
    assert placement.status_code == 201, placement.text
    return host.json(), placement.json()
