"""All SQL for messages and delivery attempts."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from services.notifications.contract import EmailRequest, RoundEnd
from services.notifications.mail.render import Rendered
from services.notifications.messages.schemas import (
    Delivery,
    MessageDetail,
    MessageQuery,
    MessageSummary,
)

_SUMMARY = (
    "id, kind, recipients, subject, status, attempts, last_error, round_id, subject_ref,"
    " created_at, sent_at"
)


async def lock_key(conn: asyncpg.Connection, key: str) -> None:
    """Serialise every sender of one key until the transaction ends (P4)."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", key)


async def upsert(
    conn: asyncpg.Connection, request: EmailRequest, rendered: Rendered, header_id: str
) -> asyncpg.Record:
    await conn.execute(
        "INSERT INTO messages (idempotency_key, kind, recipients, subject, text_body, html_body,"
        " data, request, header_message_id, round_id, subject_ref)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        " ON CONFLICT (idempotency_key) DO NOTHING",
        request.idempotency_key,
        request.kind.value,
        request.to,
        rendered.subject,
        rendered.text,
        rendered.html,
        json.dumps(request.data, default=str),
        request.model_dump_json(),
        header_id,
        request.round_id,
        request.subject_ref,
    )
    row = await conn.fetchrow(
        "SELECT id, status, attempts, last_error FROM messages WHERE idempotency_key = $1",
        request.idempotency_key,
    )
    assert row is not None
    return row


async def record_attempt(
    conn: asyncpg.Connection,
    message_id: UUID,
    *,
    outcome: str,
    detail: str,
    smtp_code: int | None = None,
    refused: str | None = None,
) -> int:
    """Record one attempt; `refused` is why some recipients of a sent message were not."""
    status = {"sent": "sent", "permanent_failure": "failed"}.get(outcome, "pending")
    await conn.execute(
        "INSERT INTO deliveries (message_id, outcome, smtp_code, detail) VALUES ($1, $2, $3, $4)",
        message_id,
        outcome,
        smtp_code,
        detail,
    )
    attempts: int = await conn.fetchval(
        "UPDATE messages SET attempts = attempts + 1, status = $2,"
        " last_error = CASE WHEN $2 = 'sent' THEN $4 ELSE $3 END,"
        " sent_at = CASE WHEN $2 = 'sent' THEN now() ELSE sent_at END"
        " WHERE id = $1 RETURNING attempts",
        message_id,
        status,
        detail,
        refused,
    )
    return attempts


async def mark_skipped(conn: asyncpg.Connection, message_id: UUID, why: str) -> None:
    await conn.execute(
        "UPDATE messages SET status = 'skipped', last_error = $2 WHERE id = $1", message_id, why
    )


async def search(conn: asyncpg.Connection, query: MessageQuery) -> list[MessageSummary]:
    rows = await conn.fetch(
        f"SELECT {_SUMMARY} FROM messages"  # noqa: S608 - a constant column list
        " WHERE ($1::text IS NULL OR EXISTS"
        "        (SELECT 1 FROM unnest(recipients) r WHERE r ILIKE '%' || $1 || '%'))"
        " AND ($2::text IS NULL OR kind = $2)"
        " AND ($3::text IS NULL OR status = $3)"
        " AND ($4::text IS NULL OR round_id = $4)"
        " AND ($5::text IS NULL OR subject_ref = $5)"
        " AND ($6::timestamptz IS NULL OR created_at >= $6)"
        " AND ($7::timestamptz IS NULL OR created_at < $7)"
        " ORDER BY created_at DESC, id" + query.clause(8),
        query.recipient,
        query.kind.value if query.kind else None,
        query.status.value if query.status else None,
        query.round_id,
        query.subject_ref,
        query.since,
        query.until,
        *query.args(),
    )
    return [MessageSummary.model_validate(dict(r)) for r in rows]


# Of `kind` ($1), not delivered within $2 seconds of being accepted for sending, or failed
# for good (or reaching only some recipients) however recent.
_OVERDUE = (
    "kind = $1 AND (status = 'failed'"
    " OR (status = 'sent' AND last_error IS NOT NULL)"
    " OR (sent_at IS NULL AND created_at < now() - make_interval(secs => $2))"
    " OR sent_at - created_at > make_interval(secs => $2))"
)


async def overdue(conn: asyncpg.Connection, kind: str, hours: float) -> list[MessageSummary]:
    """Messages of `kind` not delivered within `hours` of being accepted for sending, and
    those that failed for good (or reached only some recipients) however recent."""
    rows = await conn.fetch(
        f"SELECT {_SUMMARY} FROM messages WHERE {_OVERDUE}"  # noqa: S608 - constants
        " ORDER BY created_at",
        kind,
        hours * 3600,
    )
    return [MessageSummary.model_validate(dict(r)) for r in rows]


async def detail(conn: asyncpg.Connection, message_id: UUID) -> MessageDetail | None:
    row = await conn.fetchrow("SELECT * FROM messages WHERE id = $1", message_id)
    if row is None:
        return None
    attempts = await conn.fetch(
        "SELECT attempted_at, outcome, smtp_code, detail FROM deliveries"
        " WHERE message_id = $1 ORDER BY attempted_at, id",
        message_id,
    )
    deliveries = [Delivery.model_validate(dict(a)) for a in attempts]
    return MessageDetail.model_validate({**dict(row), "deliveries": deliveries})


async def original_request(conn: asyncpg.Connection, message_id: UUID) -> dict[str, Any] | None:
    raw = await conn.fetchval("SELECT request FROM messages WHERE id = $1", message_id)
    return json.loads(raw) if raw else None


async def count_keys_with_prefix(conn: asyncpg.Connection, prefix: str) -> int:
    count: int = await conn.fetchval(
        "SELECT count(*) FROM messages WHERE starts_with(idempotency_key, $1)", prefix
    )
    return count


async def counts_by_kind_and_status(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    """For /metrics: (kind, status, n) over every message ever accepted for sending."""
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT kind, status, count(*) AS n FROM messages GROUP BY kind, status"
    )
    return rows


async def count_overdue(conn: asyncpg.Connection, kind: str, hours: float) -> int:
    """How many messages `overdue` would list, counted where they are."""
    found: int = await conn.fetchval(
        f"SELECT count(*) FROM messages WHERE {_OVERDUE}",  # noqa: S608 - a constant
        kind,
        hours * 3600,
    )
    return found


async def oldest_pending_age_s(conn: asyncpg.Connection) -> float:
    """Seconds the oldest message still waiting to be delivered has waited; 0 for none."""
    age: float = await conn.fetchval(
        "SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8"
        " FROM messages WHERE status = 'pending'"
    )
    return age


async def erase_bodies(conn: asyncpg.Connection, round_id: str, sent_before: object) -> int:
    """The retention schedule: subject, bodies, data and request of the round's e-mails
    made before `sent_before`, once settled, erased; kind, status, recipients and times
    kept. Those already erased are left alone, so a second run erases none."""
    status: str = await conn.execute(
        "UPDATE messages SET subject = '', text_body = '', html_body = '', data = '{}',"
        " request = '{}', last_error = NULL, body_erased_at = now()"
        " WHERE round_id = $1 AND created_at < $2 AND status <> 'pending'"
        " AND body_erased_at IS NULL",
        round_id,
        sent_before,
    )
    return int(status.split()[-1])


async def anonymise_round(conn: asyncpg.Connection, round_id: str) -> int:
    """The retention schedule's last step for a round's e-mails (docs/privacy.md): their
    recipients and what each delivery's server said go with anything of the body still
    there; kind, status and times stay for the counts. A pending one is left to be sent,
    and one done before is not found again."""
    async with conn.transaction():
        await conn.execute(
            "UPDATE deliveries d SET detail = '' FROM messages m"
            " WHERE m.id = d.message_id AND m.round_id = $1 AND m.status <> 'pending'"
            " AND cardinality(m.recipients) > 0",
            round_id,
        )
        status: str = await conn.execute(
            "UPDATE messages SET recipients = '{}', subject = '', text_body = '',"
            " html_body = '', data = '{}', request = '{}', last_error = NULL,"
            " body_erased_at = coalesce(body_erased_at, now())"
            " WHERE round_id = $1 AND status <> 'pending' AND cardinality(recipients) > 0",
            round_id,
        )
    return int(status.split()[-1])


async def erase_other_bodies(
    conn: asyncpg.Connection, settled_before: datetime, rounds_ended: list[RoundEnd]
) -> int:
    """The retention schedule's housekeeping: subject, bodies, data and request of the
    e-mails no round's schedule erases (of no round, or made at or after their round's
    end in `rounds_ended`), settled before `settled_before`, erased as `erase_bodies`
    does. Settled is when it was sent, or its last attempt for one given up or skipped
    (its making, if it had none). An e-mail of a round not in `rounds_ended` is left to
    that round's RetentionWorkflow; one already erased is left alone."""
    status: str = await conn.execute(
        "UPDATE messages m SET subject = '', text_body = '', html_body = '', data = '{}',"
        " request = '{}', last_error = NULL, body_erased_at = now()"
        " WHERE m.body_erased_at IS NULL AND m.status <> 'pending'"
        " AND greatest(m.created_at, m.sent_at,"
        "   (SELECT max(d.attempted_at) FROM deliveries d WHERE d.message_id = m.id)) < $1"
        " AND (m.round_id IS NULL OR EXISTS (SELECT 1"
        "   FROM unnest($2::text[], $3::timestamptz[]) AS r (round_id, ended_at)"
        "   WHERE r.round_id = m.round_id AND m.created_at >= r.ended_at))",
        settled_before,
        [r.round_id for r in rounds_ended],
        [r.ended_at for r in rounds_ended],
    )
    return int(status.split()[-1])
