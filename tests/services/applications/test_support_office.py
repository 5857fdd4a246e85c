"""R29, the office's part: it sees who booked each support session, changes a session's
time, adviser or place, and cancels one; the applicant holding it is e-mailed, once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import httpx
from icalendar import Calendar

from launcher.mailcatcher import MailCatcher
from mip.core import when
from mip.core.auth import Role
from mip.core.settings import Settings
from services.applications.app import create_app as applications_app
from services.notifications.app import create_app as notifications_app
from tests.support.applying import make_profile
from tests.support.auth import auth
from tests.support.stack import running_stack
from tests.support.waiting import eventually

ADA = "ada.support@example.org"
PLACE = "Careers Service, 56 Banbury Road"


def _later(days: int = 2) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)


async def _publish(
    http: httpx.AsyncClient, office: dict[str, str], *starts: datetime, adviser: str = "Sam"
) -> list[dict[str, Any]]:
    published = await http.post(
        "/v1/support/slots",
        json={
            "starts_at": [s.isoformat() for s in starts],
            "adviser_name": adviser,
            "location": PLACE,
        },
        headers=office,
    )
    assert published.status_code == 201, published.text
    slots: list[dict[str, Any]] = published.json()
    return slots


def _subject(message: EmailMessage) -> str:
    """Stripped: Python folds a subject of 71 to 78 characters onto a line of its own,
    which reads back with a space before it."""
    return str(message["Subject"]).strip()


def _to(smtp: MailCatcher, address: str) -> list[EmailMessage]:
    return [
        m
        for m in smtp.store.messages()
        if m["X-MIP-Kind"] == "support_booking" and m["To"] == address
    ]


def _text(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    text: str = part.get_content()
    return text


def _calendar_event(message: EmailMessage) -> Any:
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    [event] = Calendar.from_ical(payload).walk("VEVENT")
    return event


async def test_r29_the_office_sees_who_booked_moves_a_session_and_cancels_it_once(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    office = auth(mail_settings, Role.office)
    first = _later()
    async with running_stack(
        mail_settings, applications=applications_app, notifications=notifications_app
    ) as stack:
        http = stack.http["applications"]
        booked, free, last = await _publish(
            http, office, first, first + timedelta(minutes=15), first + timedelta(minutes=30)
        )
        ada = await make_profile(http, mail_settings, ADA)
        booking = await http.post(f"/v1/support/slots/{booked['id']}/booking", headers=ada)
        assert booking.status_code == 201, booking.text
        await eventually(lambda: _found(_to(smtp, ADA), 1))  # "booked"

        # Who booked which.
        listed = (await http.get("/v1/office/support-slots", headers=office)).json()
        by_id = {s["id"]: s for s in listed}
        assert by_id[booked["id"]]["booked_by"]["email"] == ADA
        assert by_id[booked["id"]]["booked_by"]["name"] == "Dr Ada Lovelace"
        assert by_id[free["id"]]["booked_by"] is None
        one = (await http.get(f"/v1/support/slots/{booked['id']}", headers=office)).json()
        assert one["booked_by"]["booking_id"] == booking.json()["id"]

        # A free session moves onto a time another holds: refused, naming the field.
        clash = await http.put(
            f"/v1/support/slots/{free['id']}",
            json={"starts_at": last["starts_at"], "adviser_name": "Sam", "location": PLACE},
            headers=office,
        )
        assert clash.status_code == 409
        assert clash.json()["field"] == "starts_at"
        assert "There is already a session at" in clash.json()["detail"]

        # The booked session moves an hour on, to another adviser: Ada is told, once.
        moved_to = first + timedelta(hours=1)
        change = {"starts_at": moved_to.isoformat(), "adviser_name": "Pat", "location": PLACE}
        moved = await http.put(f"/v1/support/slots/{booked['id']}", json=change, headers=office)
        again = await http.put(f"/v1/support/slots/{booked['id']}", json=change, headers=office)
        assert moved.status_code == again.status_code == 200, moved.text
        assert datetime.fromisoformat(moved.json()["starts_at"]) == moved_to
        assert moved.json()["booked_by"]["email"] == ADA
        [_, changed] = await eventually(lambda: _found(_to(smtp, ADA), 2))
        assert _subject(changed) == f"Changed: application support session, now {_at(moved_to)}"
        assert f"It was at {_at(first)}, with Sam" in _text(changed)
        event = _calendar_event(changed)
        assert event.decoded("dtstart") == moved_to
        assert event["sequence"] == 1
        assert str(event["uid"]) == f"support-{booking.json()['id']}@mip"
        mine = (await http.get("/v1/support/bookings", headers=ada)).json()
        assert [datetime.fromisoformat(b["slot"]["starts_at"]) for b in mine] == [moved_to]

        # Cancelled: the answer names who had it; Ada is told; a second try finds nothing.
        cancelled = await http.delete(f"/v1/support/slots/{booked['id']}", headers=office)
        twice = await http.delete(f"/v1/support/slots/{booked['id']}", headers=office)
        free_cancelled = await http.delete(f"/v1/support/slots/{free['id']}", headers=office)
        [*_, told] = await eventually(lambda: _found(_to(smtp, ADA), 3))
        mine_after = (await http.get("/v1/support/bookings", headers=ada)).json()
        # The time of a cancelled session may be published again.
        republished = await _publish(http, office, first + timedelta(minutes=15))
        public = (await http.get("/v1/support/slots", headers=ada)).json()
        office_after = (await http.get("/v1/office/support-slots", headers=office)).json()
        await asyncio.sleep(2)  # long enough for a second e-mail to have arrived
        ada_mail, office_mail = _to(smtp, ADA), _to(smtp, mail_settings.office_email)

    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["booked_by"]["email"] == ADA
    assert twice.status_code == 404
    assert "it was cancelled" in twice.json()["detail"]
    assert free_cancelled.status_code == 200
    assert free_cancelled.json()["booked_by"] is None
    assert _subject(told) == f"Cancelled: application support session, {_at(moved_to)}"
    assert "the Internship Office has cancelled your" in _text(told)
    assert mine_after == []
    assert [s["id"] for s in public] == [republished[0]["id"], last["id"]]
    assert [s["id"] for s in office_after] == [republished[0]["id"], last["id"]]
    assert republished[0]["id"] != free["id"]
    # Booked, changed, cancelled: one e-mail each; the office had only Ada's booking.
    assert [_subject(m) for m in ada_mail] == [
        f"Application support session, {_at(first)}",
        _subject(changed),
        _subject(told),
    ]
    assert len(office_mail) == 1


def _at(moment: datetime) -> str:
    return when.when(moment)


async def _found(messages: list[EmailMessage], n: int) -> list[EmailMessage] | None:
    return messages if len(messages) >= n else None


async def test_r29_only_the_office_sees_changes_or_cancels_sessions(settings: Settings) -> None:
    office = auth(settings, Role.office)
    unknown = "00000000-0000-4000-8000-000000000000"
    async with running_stack(settings, applications=applications_app) as stack:
        http = stack.http["applications"]
        [slot] = await _publish(http, office, _later())
        body = {"starts_at": _later(3).isoformat(), "adviser_name": "Sam", "location": PLACE}
        refused = []
        for role in (Role.applicant, Role.host):
            headers = auth(settings, role)
            refused += [
                await http.get("/v1/office/support-slots", headers=headers),
                await http.get(f"/v1/support/slots/{slot['id']}", headers=headers),
                await http.put(f"/v1/support/slots/{slot['id']}", json=body, headers=headers),
                await http.delete(f"/v1/support/slots/{slot['id']}", headers=headers),
            ]
        missing = [
            await http.get(f"/v1/support/slots/{unknown}", headers=office),
            await http.put(f"/v1/support/slots/{unknown}", json=body, headers=office),
            await http.delete(f"/v1/support/slots/{unknown}", headers=office),
        ]
        still = (await http.get(f"/v1/support/slots/{slot['id']}", headers=office)).json()
    assert [r.status_code for r in refused] == [403] * 8
    assert all(r.headers["content-type"] == "application/problem+json" for r in refused)
    assert [r.status_code for r in missing] == [404] * 3
    assert "GET /v1/office/support-slots lists the sessions to come" in missing[0].json()["detail"]
    assert still["starts_at"] == slot["starts_at"]


async def test_r29_a_session_in_the_past_is_neither_published_moved_nor_cancelled(
    settings: Settings,
) -> None:
    office = auth(settings, Role.office)
    async with running_stack(settings, applications=applications_app) as stack:
        http = stack.http["applications"]
        past = datetime.now(UTC) - timedelta(hours=1)
        in_the_past = await http.post(
            "/v1/support/slots",
            json={"starts_at": [past.isoformat()], "adviser_name": "Sam", "location": PLACE},
            headers=office,
        )
        [slot] = await _publish(http, office, _later())
        moved_back = await http.put(
            f"/v1/support/slots/{slot['id']}",
            json={"starts_at": past.isoformat(), "adviser_name": "Sam", "location": PLACE},
            headers=office,
        )
        soon = (datetime.now(UTC) + timedelta(seconds=2)).replace(microsecond=0)
        [starting] = await _publish(http, office, soon)
        await asyncio.sleep((soon - datetime.now(UTC)).total_seconds() + 0.2)
        body = {"starts_at": _later(4).isoformat(), "adviser_name": "Sam", "location": PLACE}
        started_change = await http.put(
            f"/v1/support/slots/{starting['id']}", json=body, headers=office
        )
        started_cancel = await http.delete(f"/v1/support/slots/{starting['id']}", headers=office)
    assert in_the_past.status_code == 422
    assert in_the_past.json()["errors"][0]["location"] == "body.starts_at.0"
    assert moved_back.status_code == 422
    assert moved_back.json()["errors"][0]["location"] == "body.starts_at"
    assert [started_change.status_code, started_cancel.status_code] == [409, 409]
    assert "can no longer be changed or cancelled" in started_cancel.json()["detail"]


async def test_r29_a_booking_and_a_cancellation_at_once_never_leave_an_applicant_untold(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    """Whichever comes first: the booking is refused, or the cancellation names (and
    e-mails) the applicant who just booked."""
    office = auth(mail_settings, Role.office)
    first = _later(5)
    async with running_stack(
        mail_settings, applications=applications_app, notifications=notifications_app
    ) as stack:
        http = stack.http["applications"]
        slots = await _publish(http, office, *(first + timedelta(minutes=15 * i) for i in range(6)))
        ada = await make_profile(http, mail_settings, ADA)
        outcomes = []
        for slot in slots:
            booked, cancelled = await asyncio.gather(
                http.post(f"/v1/support/slots/{slot['id']}/booking", headers=ada),
                http.delete(f"/v1/support/slots/{slot['id']}", headers=office),
            )
            outcomes.append((booked, cancelled))
        told = sum(c.json()["booked_by"] is not None for _, c in outcomes)
        if told:
            await eventually(
                lambda: _found([m for m in _to(smtp, ADA) if "Cancelled" in _subject(m)], told)
            )
        mine = (await http.get("/v1/support/bookings", headers=ada)).json()
    for booked, cancelled in outcomes:
        assert cancelled.status_code == 200, cancelled.text
        if booked.status_code == 201:
            assert cancelled.json()["booked_by"]["booking_id"] == booked.json()["id"]
        else:
            assert booked.status_code == 404, booked.text
            assert cancelled.json()["booked_by"] is None
    assert mine == []
