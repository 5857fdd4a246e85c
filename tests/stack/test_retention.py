"""A rehearsal round's retention schedule, watched on the real stack (PostgreSQL, Temporal,
SMTP) with each day of the schedule lasting 40 ms (issue 23 item 2, docs/privacy.md):

- the CV and statement of an applicant not placed are erased at the outcomes-by date plus
  MIP_RETAIN_UNPLACED_CV_DAYS; the intern's stay until their placement's week is over;
- the round's equal-opportunities totals are kept and the individual answers erased at
  the outcomes-by date (MIP_RETAIN_EQUAL_OPPORTUNITIES_DAYS, 0): the office's totals for
  the round read the same before and after;
- e-mails sent by the outcomes-by date lose their subject and bodies at that date plus
  MIP_RETAIN_MESSAGE_BODY_DAYS, keeping kind, status and times;
- at the outcomes-by date plus MIP_RETAIN_APPLICATION_DAYS the round is anonymised: no
  table of any service names either applicant, and the office's counts read the same.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg

from launcher.mailcatcher import MailCatcher
from mip.core import ids as workflow_ids
from mip.core.auth import Role
from mip.core.settings import Settings
from tests.support.applying import HOST, apply, make_profile, make_round, next_monday
from tests.support.auth import auth
from tests.support.rehearsal import wait_status
from tests.support.stack import Stack, round_stack
from tests.support.waiting import eventually
from workflows.retention import RetentionWorkflow

ADA, BOB = "ada@example.org", "bob@example.org"
DAY_S = 0.04  # unplaced CVs go 3.6 s after the outcomes date, message bodies 7.2 s after
APPLICATION_DAYS = 200  # and the round is anonymised 8 s after
BOB_STATEMENT = "I would like to see how a robotics firm tests its prototypes."


def _spec(now: datetime) -> dict[str, Any]:
    monday = next_monday(now.date())
    clock = {
        "advertise_at": now - timedelta(minutes=1),
        "deadline_at": now + timedelta(seconds=5),
        "outcomes_at": now + timedelta(seconds=8),
    }
    return {
        "name": "Retention round",
        "advertising_date": str(now.date()),
        "deadline_date": str(now.date()),
        "outcomes_by_date": str(now.date()),
        "weeks": [{"starts_on": str(monday), "ends_on": str(monday + timedelta(days=4))}],
        "acceptance_window_seconds": 600,
        "clock": {k: v.isoformat() for k, v in clock.items()},
    }


async def _applicant(stack: Stack, email: str, placement_id: str, statement: str) -> str:
    apps = stack.http["applications"]
    me = await make_profile(apps, stack.settings, email)
    answered = await apps.put(
        "/v1/me/equal-opportunities",
        json={"disability": "yes" if email == BOB else "no", "under_represented": "yes"},
        headers=me,
    )
    assert answered.status_code == 204, answered.text
    applied = await apply(apps, me, placement_id, statement=statement)
    assert applied.status_code == 201, applied.text
    application_id: str = applied.json()["id"]
    return application_id


async def _held(settings: Settings, application_id: str) -> asyncpg.Record:
    """What PostgreSQL holds of one application: straight from its tables."""
    conn = await asyncpg.connect(settings.database_url.get_secret_value())
    try:
        row: asyncpg.Record = await conn.fetchrow(
            "SELECT a.statement, a.statement_for_hosts, c.content, c.host_copy, c.filename,"
            " (SELECT count(*) FROM applications.equal_opportunities e"
            "   WHERE e.applicant_email = a.applicant_email) AS answers"
            " FROM applications.applications a JOIN applications.cvs c"
            " ON c.application_id = a.id WHERE a.id = $1",
            UUID(application_id),
        )
    finally:
        await conn.close()
    return row


async def _totals(stack: Stack, round_id: str) -> dict[str, Any]:
    found = await stack.http["applications"].get(
        "/v1/office/equal-opportunities",
        params={"round_id": round_id},
        headers=auth(stack.settings, Role.office),
    )
    assert found.status_code == 200, found.text
    totals: dict[str, Any] = found.json()
    return totals


async def test_a_rehearsal_round_s_retention_schedule_erases_what_the_record_says(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    settings = mail_settings.model_copy(
        update={"retain_rehearsal_day_s": DAY_S, "retain_application_days": APPLICATION_DAYS}
    )
    async with round_stack(settings) as stack:
        apps, office = stack.http["applications"], auth(settings, Role.office)
        the_round, (placement,) = await make_round(apps, settings, _spec(datetime.now(UTC)))
        outcomes = datetime.fromisoformat(the_round["clock"]["outcomes_at"])
        ada = await _applicant(stack, ADA, placement["id"], "I want to learn how to launch.")
        bob = await _applicant(stack, BOB, placement["id"], BOB_STATEMENT)
        for person, application_id in ((ADA, ada), (BOB, bob)):
            await wait_status(stack, application_id, person, "forwarded")
        before = await _totals(stack, the_round["id"])
        assert before["answered"] == 2
        ranked = await stack.http["offers"].post(
            f"/v1/placements/{placement['id']}/ranking",
            json={"application_ids": [ada]},
            headers=auth(settings, Role.host, HOST["contact_email"]),
        )
        assert ranked.status_code == 200, ranked.text
        await wait_status(stack, ada, ADA, "offered")
        accepted = await stack.http["offers"].post(
            f"/v1/offers/{ada}/accept", headers=auth(settings, Role.applicant, ADA)
        )
        assert accepted.status_code == 200, accepted.text
        await wait_status(stack, bob, BOB, "not_successful")
        assert (await _held(settings, bob))["statement"] == BOB_STATEMENT
        # Every column the anonymising empties names them now (it comes 8 s on).
        assert len(await _naming(settings, (ADA, BOB))) == len(NAMING)

        async def bob_erased() -> asyncpg.Record | None:
            held = await _held(settings, bob)
            return held if held["content"] == b"" else None

        erased = await eventually(bob_erased, timeout_s=20)
        # Not before its time: the outcomes date plus 90 days of 40 ms.
        assert datetime.now(UTC) >= outcomes + timedelta(seconds=90 * DAY_S)
        assert erased["host_copy"] == b""
        assert erased["filename"] == ""
        assert erased["statement"] == erased["statement_for_hosts"] == ""
        assert erased["answers"] == 0
        cv = await apps.get(f"/v1/applications/{bob}/cv", headers=office)
        assert cv.status_code == 404, cv.text
        # The intern's CV and statement stay until their week is over; their answers go.
        kept = await _held(settings, ada)
        assert kept["content"] != b""
        assert kept["statement"] != ""
        assert kept["answers"] == 0
        assert await _totals(stack, the_round["id"]) == before

        retention = stack.temporal.get_workflow_handle(workflow_ids.retention(the_round["id"]))

        async def bodies_erased() -> bool:
            done = await retention.query(RetentionWorkflow.done)
            return "messages" in done

        await eventually(bodies_erased, timeout_s=20)
        await _confirmations_kept_without_bodies(stack, the_round["id"])
        counts = await _counts(stack, the_round["id"])

        async def anonymised() -> bool:
            return "anonymise" in await retention.query(RetentionWorkflow.done)

        await eventually(anonymised, timeout_s=20)
        assert datetime.now(UTC) >= outcomes + timedelta(seconds=APPLICATION_DAYS * DAY_S)
        assert await _naming(settings, (ADA, BOB)) == []
        assert await _counts(stack, the_round["id"]) == counts
        assert await _totals(stack, the_round["id"]) == before


async def _confirmations_kept_without_bodies(stack: Stack, round_id: str) -> None:
    office = auth(stack.settings, Role.office)
    notifications = stack.http["notifications"]
    found = await notifications.get(
        "/v1/messages", params={"round_id": round_id, "kind": "confirmation"}, headers=office
    )
    assert found.status_code == 200, found.text
    confirmations = found.json()
    assert len(confirmations) == 2
    for message in confirmations:
        assert message["status"] == "sent"
        assert message["subject"] == ""
        detail = await notifications.get(f"/v1/messages/{message['id']}", headers=office)
        assert detail.json()["text_body"] == detail.json()["html_body"] == ""


async def _counts(stack: Stack, round_id: str) -> dict[str, Any]:
    """What the office's round view counts: applications by status, offers and places."""
    office = auth(stack.settings, Role.office)
    applications = await stack.http["applications"].get(
        f"/v1/rounds/{round_id}/application-counts", headers=office
    )
    offers = await stack.http["offers"].get(f"/v1/office/rounds/{round_id}", headers=office)
    assert applications.status_code == offers.status_code == 200, offers.text
    return {"applications": applications.json(), "offers": offers.json()}


# Every column that held an applicant's address or name in this round, service by service.
NAMING = (
    "SELECT 'applications' FROM applications.applications WHERE applicant_email = ANY($1)",
    "SELECT 'applicants' FROM applications.applicants WHERE email = ANY($1)",
    "SELECT 'events' FROM applications.application_events WHERE actor = ANY($1)",
    "SELECT 'offers' FROM offers.offers WHERE applicant_email = ANY($1)",
    "SELECT 'acceptances' FROM offers.acceptances WHERE applicant_email = ANY($1)",
    "SELECT 'e-mails' FROM notifications.messages WHERE recipients && $1",
)


async def _naming(settings: Settings, emails: tuple[str, ...]) -> list[str]:
    """The tables that still name any of `emails`."""
    conn = await asyncpg.connect(settings.database_url.get_secret_value())
    try:
        found = [await conn.fetchval(sql, list(emails)) for sql in NAMING]
    finally:
        await conn.close()
    return [table for table in found if table is not None]
