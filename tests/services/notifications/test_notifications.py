"""Every e-mail sent once, retried until delivered, and visible to the office (P4, R15)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import icalendar
import pytest

from launcher.mailcatcher import MailCatcher
from mip.core import ids, when
from mip.core.auth import Role
from mip.core.settings import Settings
from services.notifications.activities import make_sender
from services.notifications.app import create_app
from services.notifications.contract import CalendarEvent, EmailRequest, EmailStatus, MessageKind
from tests.support.auth import auth
from tests.support.mail_samples import SAMPLES
from tests.support.servers import free_port
from tests.support.stack import running_stack
from tests.support.waiting import eventually
from workflows.notifications import DeliverEmailWorkflow
from workflows.queues import WORKFLOWS


def _request(kind: MessageKind = MessageKind.confirmation, **overrides: Any) -> EmailRequest:
    fields: dict[str, Any] = {
        "kind": kind,
        "to": ["ada@example.org"],
        "data": SAMPLES[kind],
        "idempotency_key": f"{ids.application(uuid.uuid4())}/confirmation",
        "round_id": "round-2019",
    }
    return EmailRequest.model_validate({**fields, **overrides})


async def _deliver(stack: Any, request: EmailRequest) -> Any:
    return await stack.temporal.execute_workflow(
        DeliverEmailWorkflow.run,
        request,
        id=ids.email(str(uuid.uuid4())),
        task_queue=stack.settings.queue(WORKFLOWS),
    )


async def test_p4_one_copy_per_key_under_retries(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    request = _request()
    async with running_stack(mail_settings, notifications=create_app) as stack:
        sender = make_sender(stack.apps["notifications"].state.runtime)
        outcomes = await asyncio.gather(*(sender.send(request) for _ in range(5)))
        again = await sender.send(request)
        through_temporal = [await _deliver(stack, request) for _ in range(2)]
    assert len(smtp.store.messages()) == 1
    assert {o.message_id for o in [*outcomes, again, *through_temporal]} == {outcomes[0].message_id}
    assert all(o.status is EmailStatus.sent and o.attempts == 1 for o in [*outcomes, again])


async def test_p4_message_id_is_derived_from_the_key(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    request = _request()
    async with running_stack(mail_settings, notifications=create_app) as stack:
        await _deliver(stack, request)
    [received] = smtp.store.messages()
    again = make_sender_message_id(request.idempotency_key)
    assert received["Message-ID"] == again
    assert received["X-MIP-Kind"] == "confirmation"


def make_sender_message_id(key: str) -> str:
    from services.notifications.mail.compose import message_id_for

    return message_id_for(key, "mip.example.org")


async def test_p4_delivered_after_the_smtp_server_was_down(
    settings: Settings, tmp_path: Any
) -> None:
    port = free_port()
    down = settings.model_copy(update={"smtp_url": f"smtp://127.0.0.1:{port}"})
    office = auth(settings, Role.office)
    request = _request()
    async with running_stack(down, notifications=create_app) as stack:
        handle = await stack.temporal.start_workflow(
            DeliverEmailWorkflow.run,
            request,
            id=ids.email(str(uuid.uuid4())),
            task_queue=stack.settings.queue(WORKFLOWS),
        )
        http = stack.http["notifications"]

        async def pending() -> Any:
            found = (
                await http.get("/v1/messages", params={"status": "pending"}, headers=office)
            ).json()
            return found if found and found[0]["attempts"] >= 1 else None

        [waiting] = await eventually(pending)
        assert "cannot reach 127.0.0.1" in waiting["last_error"]
        catcher = MailCatcher(tmp_path / "late", port=port)
        await catcher.start()
        try:
            outcome = await asyncio.wait_for(handle.result(), 30)
        finally:
            await catcher.stop()
        detail = (await http.get(f"/v1/messages/{waiting['id']}", headers=office)).json()
    assert outcome.status is EmailStatus.sent
    assert len(catcher.store.messages()) == 1
    outcomes = [d["outcome"] for d in detail["deliveries"]]
    assert outcomes[-1] == "sent"
    assert set(outcomes[:-1]) == {"temporary_failure"}
    assert detail["status"] == "sent"


async def test_p4_a_5xx_is_recorded_as_failed_and_not_retried(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    office = auth(mail_settings, Role.office)
    request = _request(to=["nobody@example.org"])
    async with running_stack(mail_settings, notifications=create_app) as stack:
        outcome = await _deliver(stack, request)
        http = stack.http["notifications"]
        failed = (
            await http.get("/v1/messages", params={"status": "failed"}, headers=office)
        ).json()
        detail = (await http.get(f"/v1/messages/{failed[0]['id']}", headers=office)).json()
    assert outcome.status is EmailStatus.failed
    assert outcome.attempts == 1
    assert [m["recipients"] for m in failed] == [["nobody@example.org"]]
    assert "550" in failed[0]["last_error"]
    assert detail["deliveries"][0]["outcome"] == "permanent_failure"
    assert detail["deliveries"][0]["smtp_code"] == 550
    assert smtp.store.messages() == []


def _calendar(message: EmailMessage) -> icalendar.Calendar:
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return icalendar.Calendar.from_ical(payload)


async def test_introduction_carries_an_ics_with_the_placement_days(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    days = [date(2019, 6, 3), date(2019, 6, 4), date(2019, 6, 5)]
    request = _request(
        MessageKind.introduction,
        to=["ada@example.org", "collections@sjc.example.org"],
        calendar=CalendarEvent(
            uid="placement-1@mip",
            summary="Micro-internship: silver",
            days=days,
            location="St John's College, Oxford",
        ),
    )
    async with running_stack(mail_settings, notifications=create_app) as stack:
        await _deliver(stack, request)
    [received] = smtp.store.messages()
    events = _calendar(received).walk("VEVENT")
    assert [e.decoded("dtstart") for e in events] == days
    assert [e.decoded("dtend") for e in events] == [
        date(2019, 6, 4),
        date(2019, 6, 5),
        date(2019, 6, 6),
    ]
    assert str(events[0]["location"]) == "St John's College, Oxford"
    assert received["To"] == "ada@example.org, collections@sjc.example.org"


async def test_support_booking_ics_holds_the_15_minute_slot(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    starts = datetime(2019, 3, 19, 10, 15, tzinfo=ZoneInfo("Europe/London"))
    request = _request(
        MessageKind.support_booking,
        calendar=CalendarEvent(
            uid="slot-1@mip",
            summary="Application support",
            starts_at=starts,
            ends_at=starts + timedelta(minutes=15),
        ),
    )
    async with running_stack(mail_settings, notifications=create_app) as stack:
        await _deliver(stack, request)
    [event] = _calendar(smtp.store.messages()[0]).walk("VEVENT")
    assert event.decoded("dtstart") == starts
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=15)


PLACEMENT = "0b8e7f6d-5c4b-4a39-8271-605f4e3d2c1b"


def _digest(outcomes_at: datetime, closes_at: datetime | None = None) -> EmailRequest:
    """A host's digest as RoundWorkflow asks for it at the deadline (R16); without
    `closes_at`, as it asked before placements closed ahead of the outcomes-by date."""
    closing = {"ranking_closes_at": closes_at.isoformat()} if closes_at else {}
    return _request(
        MessageKind.forwarded_digest,
        to=["collections@sjc.example.org"],
        data={
            "host_contact_name": "Dr Helen Marsh",
            "placement_title": "Cataloguing the college silver",
            "round_name": "Micro-internships, January 2027",
            "applicants": [{"name": "Ada Okafor", "email": "ada@example.org"}],
            "outcomes_at": outcomes_at.isoformat(),
            **closing,
        },
        pages={"review_url": {"name": "host_placement", "params": {"placement_id": PLACEMENT}}},
        idempotency_key=f"{ids.round_(str(uuid.uuid4()))}/forward-first/{PLACEMENT}",
    )


def _text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert isinstance(body, EmailMessage)
    text: str = body.get_content()
    return " ".join(text.split())


async def test_r17_a_digest_sent_after_the_outcomes_instant_does_not_ask_the_host_to_rank(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    """Forwarding ran late, past the instant from which the offers service refuses a
    ranking: the host is told the time to choose has passed, and may still read them."""
    passed = datetime.now(UTC) - timedelta(minutes=1)
    async with running_stack(mail_settings, notifications=create_app) as stack:
        outcome = await _deliver(stack, _digest(passed))
    assert outcome.status is EmailStatus.sent
    [received] = smtp.store.messages()
    text = _text(received)
    assert "rank them" not in text
    assert "send your ranking" not in text
    assert "the time to choose has passed" in text
    assert "a ranking can no longer be sent" in text
    assert "Ada Okafor <ada@example.org>" in text
    assert f"/host/placements/{PLACEMENT}?email=" in text
    assert "not been successful this time" in text


async def test_r17_a_digest_sent_before_the_outcomes_instant_asks_the_host_to_rank(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    to_come = datetime.now(UTC) + timedelta(days=1)
    async with running_stack(mail_settings, notifications=create_app) as stack:
        await _deliver(stack, _digest(to_come))
    [received] = smtp.store.messages()
    text = _text(received)
    assert "mark your shortlist and send your ranking here" in text
    assert "Once you rank them, we send the offers" in text
    assert "has passed" not in text
    assert f"Please send your ranking by {when.when(to_come)}" in text
    assert "Ada Okafor <ada@example.org>" in text


async def test_r17_r18_a_digest_says_ranking_closes_ahead_of_the_outcomes_date(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    """Placements close ahead of the outcomes-by date so everyone hears by it: the host is
    asked to rank by the close, and a digest sent after the close no longer asks."""
    outcomes_at = datetime.now(UTC) + timedelta(days=1)
    closing = outcomes_at - timedelta(hours=2)
    closed = datetime.now(UTC) - timedelta(minutes=1)
    async with running_stack(mail_settings, notifications=create_app) as stack:
        await _deliver(stack, _digest(outcomes_at, closing))
        await _deliver(stack, _digest(outcomes_at, closed))
    on_time, late = (_text(m) for m in smtp.store.messages())
    assert f"Please send your ranking by {when.when(closing)}" in on_time
    assert "send your ranking" not in late
    assert f"Ranking closed at {when.when(closed)}" in late


async def test_r15_office_sees_confirmations_not_delivered_within_three_hours(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    office = auth(mail_settings, Role.office)
    on_time, late, never = (_request() for _ in range(3))
    async with running_stack(mail_settings, notifications=create_app) as stack:
        runtime = stack.apps["notifications"].state.runtime
        sender = make_sender(runtime)
        for request in (on_time, late):
            await sender.send(request)
        await sender.send(never.model_copy(update={"to": ["nobody@example.org"]}))
        # Four hours pass for two of them: one was sent late, one never was.
        await runtime.pool.execute(
            "UPDATE messages SET created_at = now() - interval '4 hours'"
            " WHERE idempotency_key = ANY($1)",
            [late.idempotency_key, never.idempotency_key],
        )
        http = stack.http["notifications"]
        overdue = (await http.get("/v1/messages/overdue-confirmations", headers=office)).json()
        by_applicant = await http.get(
            "/v1/messages/overdue-confirmations", headers=auth(mail_settings, Role.applicant)
        )
        resent = await http.post(f"/v1/messages/{overdue[0]['id']}/resend", headers=office)
        assert resent.status_code == 202
        handle = stack.temporal.get_workflow_handle(resent.json()["workflow_id"])
        await handle.result()
    assert sorted(m["recipients"][0] for m in overdue) == ["ada@example.org", "nobody@example.org"]
    assert by_applicant.status_code == 403
    assert len(smtp.store.messages()) == 3  # on time, late, and the resend


async def test_office_finds_a_rounds_messages_by_recipient_kind_and_round(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    office = auth(mail_settings, Role.office)
    async with running_stack(mail_settings, notifications=create_app) as stack:
        sender = make_sender(stack.apps["notifications"].state.runtime)
        await sender.send(_request(round_id="round-a"))
        await sender.send(_request(MessageKind.offer, to=["grace@example.org"], round_id="round-a"))
        await sender.send(_request(round_id="round-b"))
        http = stack.http["notifications"]

        async def search(**params: str) -> list[str]:
            found = (await http.get("/v1/messages", params=params, headers=office)).json()
            return sorted(m["kind"] for m in found)

        by_round = await search(round_id="round-a")
        by_recipient = await search(recipient="GRACE@")
        by_kind = await search(kind="confirmation")
        bad_kind = await http.get("/v1/messages", params={"kind": "telegram"}, headers=office)
    assert by_round == ["confirmation", "offer"]
    assert by_recipient == ["offer"]
    assert by_kind == ["confirmation", "confirmation"]
    assert bad_kind.status_code == 422


@pytest.mark.parametrize("smtp_url", ["http://mail:25", "smtp://"])
def test_a_malformed_smtp_url_is_refused_with_its_shape(smtp_url: str) -> None:
    from services.notifications.mail.smtp import SmtpTarget

    with pytest.raises(ValueError, match="smtp://host:port"):
        SmtpTarget.from_url(smtp_url)


@pytest.mark.parametrize(
    ("to", "says", "smtp_code"),
    [
        ("nobody@example.org", "550 5.1.1 No such user here", 550),
        ("ada@exämple.org", "does not support SMTPUTF8", None),
        ("not an address", "not a valid email address", None),
        ("ada@example.org\r\nBcc: eve@example.org", "line break", None),
        ("ada@example.org, eve@example.org", "exactly one address", None),
    ],
    ids=["refused", "non-ascii-without-smtputf8", "malformed", "header-injection", "a-list"],
)
async def test_item5_a_recipient_never_reachable_fails_once_with_its_reason(
    to: str, says: str, smtp_code: int | None, mail_settings: Settings, smtp: MailCatcher
) -> None:
    office = auth(mail_settings, Role.office)
    request = _request(to=[to])
    async with running_stack(mail_settings, notifications=create_app) as stack:
        outcome = await asyncio.wait_for(_deliver(stack, request), 30)  # not retried for ever
        http = stack.http["notifications"]
        [listed] = (await http.get("/v1/messages", headers=office)).json()
        detail = (await http.get(f"/v1/messages/{listed['id']}", headers=office)).json()
        overdue = (await http.get("/v1/messages/overdue-confirmations", headers=office)).json()
    assert (outcome.status, outcome.attempts) == (EmailStatus.failed, 1)
    assert says in outcome.refused[to]
    assert listed["status"] == "failed"
    assert says in listed["last_error"]
    assert [(d["outcome"], d["smtp_code"]) for d in detail["deliveries"]] == [
        ("permanent_failure", smtp_code)
    ]
    assert [m["id"] for m in overdue] == [listed["id"]]  # R15: at once, not after 3 hours
    assert says in overdue[0]["last_error"]
    assert smtp.store.messages() == []


async def test_item5_a_message_reaching_only_some_recipients_says_who_not(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    office = auth(mail_settings, Role.office)
    request = _request(
        MessageKind.introduction, to=["nobody@example.org", "collections@sjc.example.org"]
    )
    async with running_stack(mail_settings, notifications=create_app) as stack:
        outcome = await _deliver(stack, request)
        http = stack.http["notifications"]
        [listed] = (await http.get("/v1/messages", headers=office)).json()
    assert outcome.status is EmailStatus.sent
    assert list(outcome.refused) == ["nobody@example.org"]
    assert not outcome.reached("Nobody@Example.org")
    assert outcome.reached("collections@sjc.example.org")
    assert listed["status"] == "sent"
    assert "nobody@example.org: 550" in listed["last_error"]
    assert len(smtp.store.messages()) == 1
