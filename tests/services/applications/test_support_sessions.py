"""R29: 15-minute one-to-one support sessions; a slot holds one person."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from launcher.mailcatcher import MailCatcher
from mip.core.auth import Role
from mip.core.settings import Settings
from services.applications.app import create_app as applications_app
from services.notifications.app import create_app as notifications_app
from tests.support.applying import make_profile
from tests.support.auth import auth
from tests.support.stack import running_stack
from tests.support.waiting import eventually

OFFICE_INBOX = "internships@mip.example.org"


async def _support_mail(smtp: MailCatcher, n: int) -> list[Any] | None:
    found = [m for m in smtp.store.messages() if m["X-MIP-Kind"] == "support_booking"]
    return found if len(found) >= n else None


async def test_r29_a_slot_holds_one_person_and_both_sides_hear(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    office = auth(mail_settings, Role.office)
    starts = (datetime.now(UTC) + timedelta(days=2)).replace(minute=15, second=0, microsecond=0)
    async with running_stack(
        mail_settings, applications=applications_app, notifications=notifications_app
    ) as stack:
        http = stack.http["applications"]
        published = await http.post(
            "/v1/support/slots",
            json={
                "starts_at": [starts.isoformat(), (starts + timedelta(minutes=15)).isoformat()],
                "adviser_name": "Sam Adviser",
                "location": "Careers Service, 56 Banbury Road",
            },
            headers=office,
        )
        slot = published.json()[0]
        ada = await make_profile(http, mail_settings, "ada@example.org")
        grace = await make_profile(http, mail_settings, "grace@example.org")
        results = await asyncio.gather(
            *(http.post(f"/v1/support/slots/{slot['id']}/booking", headers=h) for h in (ada, grace))
        )
        listed = await http.get("/v1/support/slots", headers=ada)
        mail = await eventually(lambda: _support_mail(smtp, 2))
        winner = next(r for r in results if r.status_code == 201)
        who = ada if winner.request.headers["authorization"] == ada["Authorization"] else grace
        mine = await http.get("/v1/support/bookings", headers=who)
        cancelled = await http.delete(f"/v1/support/bookings/{winner.json()['id']}", headers=who)
        after = await http.get("/v1/support/slots", headers=ada)
        mail_after = await eventually(lambda: _support_mail(smtp, 4))
    assert published.status_code == 201
    slot_starts, slot_ends = (datetime.fromisoformat(slot[k]) for k in ("starts_at", "ends_at"))
    assert slot_ends - slot_starts == timedelta(minutes=15)
    assert sorted(r.status_code for r in results) == [201, 409]
    assert [s["available"] for s in listed.json()] == [False, True]
    assert sorted(m["To"] for m in mail) == sorted([winner_email(who), OFFICE_INBOX])
    assert all("text/calendar" in {p.get_content_type() for p in m.walk()} for m in mail)
    assert [b["slot"]["id"] for b in mine.json()] == [slot["id"]]
    assert cancelled.status_code == 204
    assert [s["available"] for s in after.json()] == [True, True]
    assert sum("Cancelled" in m["Subject"] for m in mail_after) == 2


def winner_email(headers: dict[str, str]) -> str:
    import jwt

    claims = jwt.decode(headers["Authorization"].split()[1], options={"verify_signature": False})
    return str(claims["sub"])


async def test_r29_only_the_office_publishes_and_bad_slots_are_refused(settings: Settings) -> None:
    async with running_stack(settings, applications=applications_app) as stack:
        http = stack.http["applications"]
        by_applicant = await http.post(
            "/v1/support/slots",
            json={"starts_at": ["2030-01-01T10:00:00+00:00"], "adviser_name": "x", "location": "y"},
            headers=auth(settings, Role.applicant),
        )
        naive = await http.post(
            "/v1/support/slots",
            json={"starts_at": ["2030-01-01T10:00:00"], "adviser_name": "x", "location": "y"},
            headers=auth(settings, Role.office),
        )
    assert by_applicant.status_code == 403
    assert naive.status_code == 422
    assert "with its zone" in naive.json()["detail"]
