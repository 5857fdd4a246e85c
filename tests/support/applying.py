"""Building blocks for tests of applying: a round open now, profiles, CV files."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from pypdf import PdfWriter

from mip.core.auth import Role
from mip.core.settings import Settings
from tests.support.auth import auth

HOST = {
    "name": "Isis Robotics Ltd",
    "sector": "Technology start-up",
    "kind": "for_profit",
    "location": "oxford",
    "contact_name": "Sam Okafor",
    "contact_email": "sam@isisrobotics.example.com",
}
PROFILE = {
    "name": "Dr Ada Lovelace",
    "department": "Engineering Science",
    "division": "mpls",
    "role": "postdoctoral_researcher",
    "contract_type": "fixed_term",
    "contract_end_date": str(date.today() + timedelta(days=200)),
}


def pdf(pages: int = 2) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def doc() -> bytes:
    return bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 1024


def next_monday(after: date, weeks_ahead: int = 3) -> date:
    return after + timedelta(days=7 * weeks_ahead - after.weekday())


def open_round(name: str = "Open round", **clock: datetime) -> dict[str, Any]:
    """A rehearsal round advertised yesterday and closing tomorrow (times can be overridden)."""
    now = datetime.now(UTC)
    monday = next_monday(now.date())
    times = {
        "advertise_at": now - timedelta(days=1),
        "deadline_at": now + timedelta(days=1),
        "outcomes_at": now + timedelta(days=2),
        **clock,
    }
    return {
        "name": name,
        "weeks": [{"starts_on": str(monday), "ends_on": str(monday + timedelta(days=4))}],
        "advertising_date": str(times["advertise_at"].date()),
        "deadline_date": str(times["deadline_at"].date()),
        "outcomes_by_date": str(times["outcomes_at"].date()),
        "clock": {k: v.isoformat() for k, v in times.items()},
    }


async def make_round(
    http: httpx.AsyncClient,
    settings: Settings,
    spec: dict[str, Any],
    *,
    places: int = 1,
    placements: int = 1,
    days: int = 3,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    office = auth(settings, Role.office)
    host = await http.post(
        "/v1/hosts", json={**HOST, "name": f"{HOST['name']} {spec['name']}"}, headers=office
    )
    assert host.status_code == 201, host.text
    created = await http.post("/v1/rounds", json=spec, headers=office)
    assert created.status_code == 201, created.text
    the_round = created.json()
    monday = date.fromisoformat(the_round["weeks"][0]["starts_on"])
    made = []
    for n in range(placements):
        placement = await http.post(
            f"/v1/rounds/{the_round['id']}/placements",
            json={
                "host_id": host.json()["id"],
                "title": f"Placement {n + 1}",
                "description": "Help with a launch",
                "week_starts_on": str(monday),
                "days": [str(monday + timedelta(days=d)) for d in range(days)],
                "places": places,
                "preparation": "Bring a laptop.",
            },
            headers=office,
        )
        assert placement.status_code == 201, placement.text
        made.append(placement.json())
    return the_round, made


async def make_profile(
    http: httpx.AsyncClient, settings: Settings, email: str, **changes: Any
) -> dict[str, str]:
    headers = auth(settings, Role.applicant, email)
    saved = await http.put("/v1/me/profile", json={**PROFILE, **changes}, headers=headers)
    assert saved.status_code == 200, saved.text
    return headers


async def apply(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    placement_id: str,
    *,
    statement: str = "I would like to learn how a start-up launches a product.",
    cv: bytes | None = None,
    filename: str = "cv.pdf",
    key: str | None = None,
) -> httpx.Response:
    extra = {"Idempotency-Key": key} if key else {}
    return await http.post(
        "/v1/applications",
        data={"placement_id": placement_id, "statement": statement},
        files={"cv": (filename, pdf() if cv is None else cv, "application/octet-stream")},
        headers={**headers, **extra},
    )


# The 2019 round as the programme advertised it.
ROUND_2019: dict[str, Any] = {
    "name": "Micro-internships 2019",
    "weeks": [
        {"starts_on": "2019-06-03", "ends_on": "2019-06-07"},
        {"starts_on": "2019-06-10", "ends_on": "2019-06-14"},
    ],
    "advertising_date": "2019-03-13",
    "deadline_date": "2019-04-01",
    "outcomes_by_date": "2019-04-25",
    "second_round_opens_on": "2019-04-23",
    "second_round_closes_on": "2019-04-29",
}


async def close_round_now(
    apps: httpx.AsyncClient, settings: Settings, round_id: str, clock: dict[str, Any]
) -> dict[str, Any]:
    """The office moves the deadline to a second from now (R3): the round forwards at once.
    The round's clock as it is now."""
    deadline = datetime.now(UTC) + timedelta(seconds=1)
    moved = await apps.put(
        f"/v1/rounds/{round_id}/clock",
        json={"clock": {**clock, "deadline_at": deadline.isoformat()}},
        headers=auth(settings, Role.office),
    )
    assert moved.status_code == 200, moved.text
    new_clock: dict[str, Any] = moved.json()["clock"]
    return new_clock
