"""A rehearsal round a host can be walked through in seconds: one placement of theirs (and
one of another host's), applicants who applied before a deadline a few seconds away, and
waiting until the round has forwarded them (R16). Shared by the host's client and page tests."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from mip.core.auth import Role
from mip.core.settings import Settings
from tests.support.applying import apply, close_round_now, make_profile, next_monday
from tests.support.auth import auth
from tests.support.upload_samples import docx, pdf, png
from tests.support.waiting import eventually

ADA, BOB, CY = "ada", "bob", "cy"
NAMES = {ADA: "Dr Ada Lovelace", BOB: "Dr Bob Hooke", CY: "Dr Cy Franklin"}


@dataclass
class HostRound:
    """Who is who, by a run id of their own: tests sharing one stack never meet."""

    run: str
    round_id: str = ""
    deadline_at: datetime = datetime.min
    clock: dict[str, str] = field(default_factory=dict)
    placement: dict[str, Any] = field(default_factory=dict)  # the host's
    other_placement: dict[str, Any] = field(default_factory=dict)  # another host's
    applications: dict[str, str] = field(default_factory=dict)  # ADA/BOB/CY -> its id
    cvs: dict[str, bytes] = field(default_factory=dict)  # ADA/BOB/CY -> the CV sent

    @property
    def host(self) -> str:
        return f"sam.{self.run}@isisrobotics.example.com"

    @property
    def other_host(self) -> str:
        return f"kim.{self.run}@bloomsbury.example.com"

    def email(self, who: str) -> str:
        return f"{who}.{self.run}@example.org"


def rehearsal_spec(now: datetime, deadline_in_s: float, window_s: int) -> dict[str, Any]:
    """Advertised already; the deadline `deadline_in_s` from now; outcomes well after the
    test, so that no one hears "not successful" while the host is still reading."""
    monday = next_monday(now.date())
    clock = {
        "advertise_at": now - timedelta(minutes=1),
        "deadline_at": now + timedelta(seconds=deadline_in_s),
        "outcomes_at": now + timedelta(seconds=deadline_in_s, minutes=30),
    }
    return {
        "name": f"Host rehearsal {now:%H%M%S%f}",
        "weeks": [{"starts_on": str(monday), "ends_on": str(monday + timedelta(days=4))}],
        "acceptance_window_seconds": window_s,
        "clock": {k: v.isoformat() for k, v in clock.items()},
    }


async def _placement(
    apps: httpx.AsyncClient, office: dict[str, str], round_: dict[str, Any], contact: str
) -> dict[str, Any]:
    run = contact.split("@")[0].split(".")[1]
    name = {"isisrobotics": "Isis Robotics", "bloomsbury": "Bloomsbury Science"}[
        contact.split("@")[1].split(".")[0]
    ]
    host = await apps.post(
        "/v1/hosts",
        headers=office,
        json={
            "name": f"{name} {run}",  # host names are unique
            "sector": "Technology",
            "kind": "for_profit",
            "location": "oxford",
            "contact_name": contact.split(".")[0].title(),
            "contact_email": contact,
        },
    )
    assert host.status_code == 201, host.text
    monday = datetime.fromisoformat(round_["weeks"][0]["starts_on"]).date()
    made = await apps.post(
        f"/v1/rounds/{round_['id']}/placements",
        headers=office,
        json={
            "host_id": host.json()["id"],
            "title": f"Robot arms at {name}",
            "description": "Help test a robot arm with the engineering team.",
            "week_starts_on": str(monday),
            "days": [str(monday), str(monday + timedelta(days=1))],
            "places": 1,
            "preparation": "Read the design notes.",
        },
    )
    assert made.status_code == 201, made.text
    found: dict[str, Any] = made.json()
    return found


async def set_up(
    apps: httpx.AsyncClient,
    settings: Settings,
    *,
    run: str | None = None,
    deadline_in_s: float = 3600,
    window_s: int = 600,
) -> HostRound:
    """ADA (a PDF CV of three pages: hosts receive two) and BOB (a Word CV) apply to the
    host's placement, CY to the other host's; nothing is forwarded until the deadline, an
    hour away unless `deadline_in_s` says otherwise (close_applications_now brings it on)."""
    made = HostRound(run or uuid.uuid4().hex[:8])
    office = auth(settings, Role.office)
    spec = rehearsal_spec(datetime.now(UTC), deadline_in_s, window_s)
    created = await apps.post("/v1/rounds", json=spec, headers=office)
    assert created.status_code == 201, created.text
    round_ = created.json()
    made.round_id = round_["id"]
    made.deadline_at = datetime.fromisoformat(round_["clock"]["deadline_at"])
    made.clock = round_["clock"]
    made.placement = await _placement(apps, office, round_, made.host)
    made.other_placement = await _placement(apps, office, round_, made.other_host)
    for who, placement, cv, filename in (
        (ADA, made.placement, pdf(3), "ada.pdf"),
        (BOB, made.placement, docx(), "bob.docx"),
        (CY, made.other_placement, pdf(), "cy.pdf"),
    ):
        headers = await make_profile(apps, settings, made.email(who), name=NAMES[who])
        sent = await apply(
            apps,
            headers,
            placement["id"],
            statement=f"{NAMES[who]} would like to learn how robots are tested.",
            cv=cv,
            filename=filename,
        )
        assert sent.status_code == 201, sent.text
        made.applications[who] = sent.json()["id"]
        made.cvs[who] = cv
    return made


async def wait_until_status(
    apps: httpx.AsyncClient, settings: Settings, application_id: str, email: str, *wanted: str
) -> None:
    headers = auth(settings, Role.applicant, email)

    async def reached() -> bool:
        found = await apps.get(f"/v1/applications/{application_id}", headers=headers)
        return found.json()["status"] in wanted

    await eventually(reached, timeout_s=60)


async def close_applications_now(
    apps: httpx.AsyncClient, settings: Settings, made: HostRound
) -> None:
    """The office moves the deadline to a second from now (R3): the round forwards at once."""
    made.clock = await close_round_now(apps, settings, made.round_id, made.clock)
    made.deadline_at = datetime.fromisoformat(made.clock["deadline_at"])


async def wait_forwarded(apps: httpx.AsyncClient, settings: Settings, made: HostRound) -> None:
    """R16: past the deadline, until the round has forwarded every application."""
    await asyncio.sleep(max(0.0, (made.deadline_at - datetime.now(UTC)).total_seconds()))
    for who, application_id in made.applications.items():
        await wait_until_status(apps, settings, application_id, made.email(who), "forwarded")


async def draft_lunch_claim(
    expenses: httpx.AsyncClient, settings: Settings, made: HostRound
) -> dict[str, Any]:
    """ADA, the intern, starts a claim with a £8.75 lunch and its receipt (R24, R28)."""
    me = auth(settings, Role.applicant, made.email(ADA))
    day = made.placement["days"][0]
    application_id = made.applications[ADA]
    started = await expenses.post("/v1/claims", json={"application_id": application_id}, headers=me)
    assert started.status_code == 201, started.text
    line = await expenses.post(
        f"/v1/claims/{started.json()['id']}/lines",
        headers=me,
        files={"receipt": ("receipt.png", png(), "image/png")},
        data={"category": "lunch", "spent_on": day, "amount": "8.75", "description": "Lunch"},
    )
    assert line.status_code == 201, line.text
    found: dict[str, Any] = line.json()
    return found


async def submit_claim(
    expenses: httpx.AsyncClient, settings: Settings, made: HostRound, claim_id: str
) -> dict[str, Any]:
    me = auth(settings, Role.applicant, made.email(ADA))
    submitted = await expenses.post(f"/v1/claims/{claim_id}/submit", headers=me)
    assert submitted.status_code == 200, submitted.text
    found: dict[str, Any] = submitted.json()
    return found
