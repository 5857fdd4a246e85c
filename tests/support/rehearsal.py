"""A rehearsal round whose dates are seconds apart, two hosts with a placement each, and
waiting for an application to reach a status: shared by the whole-round tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from mip.core.auth import Role
from mip.core.settings import Settings
from tests.support.applying import next_monday
from tests.support.auth import auth
from tests.support.stack import Stack
from tests.support.waiting import eventually

SAM, KIM = "sam@isis.example.com", "kim@bloomsbury.example.com"


def rehearsal_round(now: datetime, acceptance_window_s: int = 6) -> dict[str, Any]:
    monday = next_monday(now.date())
    at = {
        "advertise_at": now + timedelta(seconds=3),
        "deadline_at": now + timedelta(seconds=10),
        "outcomes_at": now + timedelta(seconds=40),
        "second_round_opens_at": now + timedelta(seconds=42),
        "second_round_deadline_at": now + timedelta(seconds=300),
    }
    return {
        "name": "Rehearsal round",
        "advertising_date": str(now.date()),
        "deadline_date": str(now.date()),
        "outcomes_by_date": str(now.date()),
        "weeks": [{"starts_on": str(monday), "ends_on": str(monday + timedelta(days=4))}],
        "acceptance_window_seconds": acceptance_window_s,
        "clock": {k: v.isoformat() for k, v in at.items()},
    }


async def setup_rehearsal(
    http: httpx.AsyncClient, settings: Settings, *, acceptance_window_s: int = 6
) -> tuple[str, dict[str, str]]:
    office = auth(settings, Role.office)
    spec = rehearsal_round(datetime.now(UTC), acceptance_window_s)
    the_round = (await http.post("/v1/rounds", json=spec, headers=office)).json()
    monday = the_round["weeks"][0]["starts_on"]
    days = [monday, str(datetime.fromisoformat(monday).date() + timedelta(days=1))]
    placements = {}
    for name, contact, kind, location in (
        ("Isis Robotics", SAM, "for_profit", "oxford"),
        ("Bloomsbury Science", KIM, "for_profit", "london"),
    ):
        host = (
            await http.post(
                "/v1/hosts",
                headers=office,
                json={
                    "name": name,
                    "sector": "Technology",
                    "kind": kind,
                    "location": location,
                    "contact_name": contact.split("@")[0].title(),
                    "contact_email": contact,
                },
            )
        ).json()
        made = await http.post(
            f"/v1/rounds/{the_round['id']}/placements",
            headers=office,
            json={
                "host_id": host["id"],
                "title": f"Placement at {name}",
                "description": "A project",
                "week_starts_on": monday,
                "days": days,
                "places": 1,
                "preparation": f"Read {name}'s annual report.",
            },
        )
        assert made.status_code == 201, made.text
        placements[contact] = made.json()["id"]
    return the_round["id"], placements


async def status_of(
    http: httpx.AsyncClient, settings: Settings, application_id: str, email: str
) -> str:
    found = await http.get(
        f"/v1/applications/{application_id}", headers=auth(settings, Role.applicant, email)
    )
    status: str = found.json()["status"]
    return status


async def wait_status(stack: Stack, application_id: str, email: str, *wanted: str) -> None:
    async def reached() -> bool:
        return (
            await status_of(stack.http["applications"], stack.settings, application_id, email)
            in wanted
        )

    await eventually(reached, timeout_s=60)
