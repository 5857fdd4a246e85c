"""Set up a rehearsal round on a running stack: hosts, placements and applicant profiles."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import httpx

from benchmarks.common import Target, bounded
from mip.core.auth import Role


@dataclass
class Round:
    id: str
    placements: list[dict[str, Any]]
    applicants: list[str]
    run: str


async def create_round(
    target: Target,
    http: httpx.AsyncClient,
    *,
    placements: int,
    applicants: int,
    clock: dict[str, datetime] | None = None,
    window_seconds: int | None = None,
    places: int = 2,
) -> Round:
    run = uuid.uuid4().hex[:8]
    office = target.headers(Role.office, "office@example.org")
    now = datetime.now(UTC)
    monday = (now + timedelta(days=28 - now.weekday())).date()
    times = clock or {
        "advertise_at": now - timedelta(minutes=1),
        "deadline_at": now + timedelta(days=30),
        "outcomes_at": now + timedelta(days=31),
    }
    spec: dict[str, Any] = {
        "name": f"Benchmark round {run}",
        "advertising_date": str(now.date()),
        "deadline_date": str(now.date()),
        "outcomes_by_date": str(now.date()),
        "weeks": [{"starts_on": str(monday), "ends_on": str(monday + timedelta(days=4))}],
        "clock": {k: v.isoformat() for k, v in times.items()},
    }
    if window_seconds:
        spec["acceptance_window_seconds"] = window_seconds
    created = await http.post(f"{target.applications}/v1/rounds", json=spec, headers=office)
    created.raise_for_status()
    round_id = created.json()["id"]
    hosts = []
    for n in range(max(1, placements // 5)):
        host = await http.post(
            f"{target.applications}/v1/hosts",
            headers=office,
            json={
                "name": f"Host {run}-{n}",
                "sector": "Benchmarking",
                "kind": "for_profit",
                "location": "oxford",
                "contact_name": f"Host {n}",
                "contact_email": f"host{n}.{run}@example.com",
            },
        )
        host.raise_for_status()
        hosts.append(host.json())
    days = [str(monday + timedelta(days=d)) for d in range(3)]

    async def placement(n: int) -> dict[str, Any]:
        made = await http.post(
            f"{target.applications}/v1/rounds/{round_id}/placements",
            headers=office,
            json={
                "host_id": hosts[n % len(hosts)]["id"],
                "title": f"Placement {n}",
                "description": "A project",
                "week_starts_on": str(monday),
                "days": days,
                "places": places,
                "preparation": "Read the brief.",
            },
        )
        made.raise_for_status()
        found: dict[str, Any] = made.json()
        return found

    made = await bounded(16, [partial(placement, n) for n in range(placements)])
    people = [f"applicant{n:05d}.{run}@example.org" for n in range(applicants)]

    async def profile(email: str) -> None:
        saved = await http.put(
            f"{target.applications}/v1/me/profile",
            headers=target.headers(Role.applicant, email),
            json={
                "name": f"Applicant {email[9:14]}",
                "department": "Physics",
                "division": "mpls",
                "role": "postdoctoral_researcher",
                "contract_type": "fixed_term",
                "contract_end_date": str((now + timedelta(days=300)).date()),
            },
        )
        saved.raise_for_status()

    await bounded(32, [partial(profile, e) for e in people])
    return Round(id=round_id, placements=made, applicants=people, run=run)
