"""The deployment's housekeeping sweep (issue 23 item 2, docs/privacy.md), watched on the
real stack (PostgreSQL, Temporal, SMTP) with every period 5 s and a sweep every 1.5 s,
started as the workflow worker starts it (`ensure_housekeeping`):

- an e-mail of no round (a sign-in link's) loses its subject and bodies once settled that
  long, keeping its kind, status and recipients;
- the alerts list loses sign-ups never confirmed and addresses that left, and keeps those
  on it, and one that joined again;
- a support session over loses its booking (and itself); one to come keeps both;
- the applications outbox loses rows of workflows started that long ago;
- a second sweep erases nothing more, and starting the sweep again while it runs starts
  nothing new.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import asyncpg

from launcher.mailcatcher import MailCatcher
from mip.core import ids
from mip.core.auth import Role
from mip.core.settings import Settings
from services.applications.app import create_app as applications_app
from services.expenses.app import create_app as expenses_app
from services.notifications.app import create_app as notifications_app
from tests.support.applying import make_profile
from tests.support.auth import auth
from tests.support.stack import Stack, running_stack
from tests.support.waiting import eventually
from workflows.housekeeping import HousekeepingWorkflow, Swept
from workflows.worker import ensure_housekeeping

PERIOD_S = 5.0
EVERY_S = 1.5
DAY_S = 24 * 3600


def _settings(mail_settings: Settings, *, every_s: float = EVERY_S) -> Settings:
    days = PERIOD_S / DAY_S
    kinds = ("message_body", "support", "alerts_pending", "outbox")
    update: dict[str, Any] = {f"retain_{kind}_days": days for kind in kinds}
    return mail_settings.model_copy(update={**update, "housekeeping_every_s": every_s})


def _stack(settings: Settings) -> Any:
    """The services the sweep asks: applications, expenses and notifications."""
    return running_stack(
        settings,
        applications=applications_app,
        expenses=expenses_app,
        notifications=notifications_app,
    )


async def _past_the_period() -> None:
    await asyncio.sleep(PERIOD_S + 0.5)


async def _two_sweeps(stack: Stack) -> list[Swept]:
    """Start the sweep as the worker does; its first two sweeps, once both are done."""
    await ensure_housekeeping(stack.temporal, stack.settings)
    handle = stack.temporal.get_workflow_handle(ids.housekeeping(stack.settings.task_queue_prefix))

    async def two() -> list[Swept] | None:
        swept = await handle.query(HousekeepingWorkflow.swept)
        return swept[:2] if len(swept) >= 2 else None

    return await eventually(two, timeout_s=30)


def _nothing_more(swept: list[Swept]) -> None:
    assert swept[1].erased == dict.fromkeys(swept[0].erased, 0), swept


async def _fetch(settings: Settings, query: str, *args: object) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(settings.database_url.get_secret_value())
    try:
        return list(await conn.fetch(query, *args))
    finally:
        await conn.close()


async def _sign_in_mail(stack: Stack, to: str) -> None:
    sent = await stack.http["notifications"].post(
        "/v1/sign-in-mail",
        json={
            "to": to,
            "link": "http://127.0.0.1:8000/sign-in/link?token=abc",
            "expires_at": (datetime.now(UTC) + timedelta(minutes=15)).isoformat(),
            "link_id": uuid4().hex,
        },
        headers=auth(stack.settings, Role.service),
    )
    assert sent.status_code == 200, sent.text
    assert sent.json()["status"] == "sent"


async def test_housekeeping_erases_a_sign_in_email_s_body_after_its_period_and_keeps_its_kind(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    settings = _settings(mail_settings)
    async with _stack(settings) as stack:
        await _sign_in_mail(stack, "old@example.org")
        await _past_the_period()
        await _sign_in_mail(stack, "new@example.org")
        swept = await _two_sweeps(stack)
        found = await stack.http["notifications"].get(
            "/v1/messages", params={"kind": "sign_in"}, headers=auth(settings, Role.office)
        )
    assert found.status_code == 200, found.text
    by_address = {m["recipients"][0]: m for m in found.json()}
    old, new = by_address["old@example.org"], by_address["new@example.org"]
    assert old["subject"] == ""
    assert (old["kind"], old["status"]) == ("sign_in", "sent")
    assert new["subject"] != ""
    assert swept[0].erased["notifications.messages"] == 1
    _nothing_more(swept)


async def _join(stack: Stack, email: str) -> str:
    """`email` asks to join the alerts list; the token of its link."""
    notifications = stack.http["notifications"]
    joined = await notifications.post("/v1/alerts/subscriptions", json={"email": email})
    assert joined.status_code == 202, joined.text
    [row] = await _fetch(
        stack.settings, "SELECT token FROM notifications.alert_subscribers WHERE email = $1", email
    )
    token: str = row["token"]
    return token


async def _follow(stack: Stack, what: str, token: str) -> None:
    done = await stack.http["notifications"].post(f"/v1/alerts/{what}", params={"token": token})
    assert done.status_code == 200, done.text


async def test_housekeeping_removes_alert_sign_ups_never_confirmed_and_addresses_that_left(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    settings = _settings(mail_settings)
    async with _stack(settings) as stack:
        await _join(stack, "never.confirmed@example.org")
        await _follow(stack, "confirm", await _join(stack, "stays@example.org"))
        for left in ("left@example.org", "back@example.org"):
            token = await _join(stack, left)
            await _follow(stack, "confirm", token)
            await _follow(stack, "unsubscribe", token)
        await _past_the_period()
        await _join(stack, "back@example.org")  # joins again: a sign-up made now
        await _join(stack, "just.joined@example.org")
        swept = await _two_sweeps(stack)
        rows = await _fetch(settings, "SELECT email, status FROM notifications.alert_subscribers")
    assert {r["email"]: r["status"] for r in rows} == {
        "stays@example.org": "confirmed",
        "back@example.org": "pending",
        "just.joined@example.org": "pending",
    }
    assert swept[0].erased["notifications.alert_subscribers"] == 2
    _nothing_more(swept)


async def _book(stack: Stack, email: str, starts_at: datetime) -> str:
    """`email` books a session the office publishes at `starts_at`; the slot's id."""
    apps = stack.http["applications"]
    published = await apps.post(
        "/v1/support/slots",
        json={
            "starts_at": [starts_at.isoformat()],
            "adviser_name": "Sam Adviser",
            "location": "Careers Service, 56 Banbury Road",
        },
        headers=auth(stack.settings, Role.office),
    )
    assert published.status_code == 201, published.text
    slot_id: str = published.json()[0]["id"]
    me = await make_profile(apps, stack.settings, email)
    booked = await apps.post(f"/v1/support/slots/{slot_id}/booking", headers=me)
    assert booked.status_code == 201, booked.text
    return slot_id


async def _outbox(settings: Settings) -> dict[str, datetime | None]:
    rows = await _fetch(
        settings, "SELECT workflow_id, started_at FROM applications.workflow_outbox"
    )
    return {r["workflow_id"]: r["started_at"] for r in rows}


async def _all_started(settings: Settings) -> dict[str, datetime | None] | None:
    rows = await _outbox(settings)
    return rows if rows and all(rows.values()) else None


async def test_housekeeping_deletes_a_support_booking_once_its_session_is_that_long_over(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    settings = _settings(mail_settings)
    soon = (datetime.now(UTC) + timedelta(days=2)).replace(minute=15, second=0, microsecond=0)
    async with _stack(settings) as stack:
        held = await _book(stack, "ada@example.org", soon)
        # Its e-mails' workflows (to Ada and to the office) started from the outbox.
        started_before = await eventually(lambda: _all_started(settings))
        await _past_the_period()
        to_come = await _book(stack, "bob@example.org", soon + timedelta(minutes=15))
        started_since = {
            k: v
            for k, v in (await eventually(lambda: _all_started(settings))).items()
            if k not in started_before
        }
        # Ada's session was held yesterday.
        await _fetch(
            settings,
            "UPDATE applications.support_slots SET starts_at = now() - interval '1 day'"
            " WHERE id = $1::uuid",
            held,
        )
        swept = await _two_sweeps(stack)
        bookings = await _fetch(
            settings, "SELECT slot_id::text, applicant_email FROM applications.support_bookings"
        )
        slots = await _fetch(settings, "SELECT id::text FROM applications.support_slots")
        outbox = await _outbox(settings)
    assert [(b["slot_id"], b["applicant_email"]) for b in bookings] == [
        (to_come, "bob@example.org")
    ]
    assert [s["id"] for s in slots] == [to_come]
    assert swept[0].erased["applications.support_sessions"] == 2  # the booking and its session
    # Rows of workflows started that long ago go; those started since stay.
    assert len(started_before) == 2
    assert len(started_since) == 2
    assert set(outbox) == set(started_since)
    assert swept[0].erased["applications.workflow_outbox"] == 2
    _nothing_more(swept)


async def test_starting_the_housekeeping_again_while_it_runs_starts_nothing_new(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    settings = _settings(mail_settings, every_s=3600)
    async with _stack(settings) as stack:
        workflow_id = ids.housekeeping(settings.task_queue_prefix)
        await ensure_housekeeping(stack.temporal, settings)
        handle = stack.temporal.get_workflow_handle(workflow_id)

        async def swept_once() -> list[Swept]:
            swept: list[Swept] = await handle.query(HousekeepingWorkflow.swept)
            return swept

        await eventually(swept_once)
        first = await handle.describe()
        await ensure_housekeeping(stack.temporal, settings)  # as a second worker would
        await asyncio.sleep(1)
        again = await handle.describe()
        swept = await swept_once()
        runs = [w async for w in stack.temporal.list_workflows(f"WorkflowId = '{workflow_id}'")]
    assert again.run_id == first.run_id
    assert len(swept) == 1
    assert len(runs) == 1
