"""Which e-mails' bodies the housekeeping sweep erases (docs/privacy.md): those no round's
retention schedule erases, once settled for MIP_RETAIN_MESSAGE_BODY_DAYS. A round's
e-mail made after its last date is the sweep's; one made before is the round's own
schedule's, and one of a round whose schedule still runs is left alone. On the
notifications service's own tables in a real PostgreSQL, the times set in the rows."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import asyncpg

from mip.core.settings import Settings
from services.notifications.app import create_app
from services.notifications.contract import RoundEnd
from services.notifications.messages import repository as messages
from tests.support.auth import RunApp

CUTOFF = datetime.now(UTC) - timedelta(days=180)
ROUND_ENDED = CUTOFF - timedelta(days=30)
HOUR = timedelta(hours=1)


async def _message(
    conn: asyncpg.Connection,
    *,
    round_id: str | None,
    created_at: datetime,
    status: str = "sent",
    sent_at: datetime | None = None,
    attempted_at: datetime | None = None,
) -> str:
    key = uuid4().hex
    await conn.execute(
        "INSERT INTO messages (idempotency_key, kind, recipients, subject, text_body, html_body,"
        " data, request, header_message_id, round_id, status, created_at, sent_at)"
        " VALUES ($1, 'confirmation', $2, 'Your application', 'Dear Ada', '<p>Dear Ada</p>',"
        " $3, $3, $4, $5, $6, $7, $8)",
        key,
        ["ada@example.org"],
        json.dumps({"applicant_name": "Ada"}),
        f"<{key}@mip>",
        round_id,
        status,
        created_at,
        sent_at,
    )
    if attempted_at is not None:
        await conn.execute(
            "INSERT INTO deliveries (message_id, attempted_at, outcome, detail)"
            " SELECT id, $2, 'permanent_failure', 'no such user' FROM messages"
            " WHERE idempotency_key = $1",
            key,
            attempted_at,
        )
    return key


async def test_housekeeping_erases_a_round_s_email_made_after_its_last_week_and_no_other(
    settings: Settings, run_app: RunApp
) -> None:
    app = create_app(settings)
    async with run_app(app), app.state.runtime.pool.acquire() as conn:
        made = {
            "after the round ended": await _message(
                conn, round_id="r1", created_at=ROUND_ENDED + HOUR, sent_at=ROUND_ENDED + HOUR
            ),
            "before the round ended": await _message(
                conn, round_id="r1", created_at=ROUND_ENDED - HOUR, sent_at=ROUND_ENDED - HOUR
            ),
            "of a round still running": await _message(
                conn, round_id="r2", created_at=ROUND_ENDED + HOUR, sent_at=ROUND_ENDED + HOUR
            ),
            "of no round, skipped": await _message(
                conn, round_id=None, created_at=CUTOFF - HOUR, status="skipped"
            ),
            "of no round, given up after the cutoff": await _message(
                conn,
                round_id=None,
                created_at=CUTOFF - HOUR,
                status="failed",
                attempted_at=CUTOFF + HOUR,
            ),
            "of no round, sent after the cutoff": await _message(
                conn, round_id=None, created_at=CUTOFF - HOUR, sent_at=CUTOFF + HOUR
            ),
            "of no round, still waiting": await _message(
                conn, round_id=None, created_at=CUTOFF - 10 * HOUR, status="pending"
            ),
        }
        ended = [RoundEnd(round_id="r1", ended_at=ROUND_ENDED)]
        first = await messages.erase_other_bodies(conn, CUTOFF, ended)
        second = await messages.erase_other_bodies(conn, CUTOFF, ended)
        rows = await conn.fetch(
            "SELECT idempotency_key, kind, status, recipients, subject, text_body, html_body,"
            " data::text, body_erased_at FROM messages"
        )
    held = {r["idempotency_key"]: r for r in rows}
    erased = {what for what, key in made.items() if held[key]["body_erased_at"] is not None}
    assert erased == {"after the round ended", "of no round, skipped"}
    assert (first, second) == (2, 0)
    for what in erased:
        row = held[made[what]]
        assert (row["subject"], row["text_body"], row["html_body"], row["data"]) == (
            "",
            "",
            "",
            "{}",
        )
        assert row["kind"] == "confirmation"
        assert row["recipients"] == ["ada@example.org"]
    assert held[made["before the round ended"]]["subject"] == "Your application"
