"""All SQL for applications, their CVs and their history.

Applicants' addresses are stored lower-cased (a token's subject is read lower-cased, and
migration 0007 lower-cased the older rows), so an address given here is lower-cased and
compared with plain `=`, which the indexes on `applicant_email` serve (issue 11 item 5).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from mip.core import ids
from mip.core.db import by_parent
from services.applications.contract import reference
from services.applications.submissions.schemas import Application, CvSummary, Event

_SELECT = """
SELECT a.*, p.title AS placement_title, h.name AS host_name, r.statement_word_limit,
       r.cv_page_limit, c.format, c.size_bytes, c.pages, ap.name AS applicant_name,
       r.code AS round_code, r.rehearsal
FROM applications a
JOIN applicants ap ON ap.email = a.applicant_email
JOIN placements p ON p.id = a.placement_id
JOIN hosts h ON h.id = p.host_id
JOIN rounds r ON r.id = a.round_id
JOIN cvs c ON c.application_id = a.id
"""


async def lock_applicant_round(conn: asyncpg.Connection, email: str, round_id: UUID) -> None:
    """Serialise one applicant's submissions to one round (R12 under concurrency)."""
    await conn.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended($1, 1))", f"{email.lower()}|{round_id}"
    )


async def active_in_phase(
    conn: asyncpg.Connection, email: str, round_id: UUID, phase: str
) -> list[asyncpg.Record]:
    return list(
        await conn.fetch(
            "SELECT a.id, a.placement_id, p.title FROM applications a"
            " JOIN placements p ON p.id = a.placement_id"
            " WHERE a.applicant_email = $1 AND a.round_id = $2 AND a.phase = $3"
            " AND a.status <> 'withdrawn'",
            email.lower(),
            round_id,
            phase,
        )
    )


async def try_hold_idempotency_key(conn: asyncpg.Connection, email: str, key: str) -> bool:
    """Hold one applicant's Idempotency-Key until the transaction ends; False while another
    request holds it (it is still being processed)."""
    held: bool = await conn.fetchval(
        "SELECT pg_try_advisory_xact_lock(hashtextextended($1, 2))",
        f"idempotency-key|{email.lower()}|{key}",
    )
    return held


async def find_by_idempotency_key(
    conn: asyncpg.Connection, email: str, key: str
) -> tuple[UUID, str | None] | None:
    """The application first made with `key`, and the fingerprint of its request."""
    row = await conn.fetchrow(
        "SELECT id, request_fingerprint FROM applications"
        " WHERE applicant_email = $1 AND idempotency_key = $2",
        email.lower(),
        key,
    )
    return None if row is None else (row["id"], row["request_fingerprint"])


async def insert(conn: asyncpg.Connection, values: dict[str, Any]) -> tuple[UUID, str]:
    """The new application's id and its reference (numbered by migration 0009's trigger)."""
    row = await conn.fetchrow(
        "INSERT INTO applications (applicant_email, round_id, placement_id, phase, status,"
        " statement, statement_words, statement_for_hosts, allowance_warning, idempotency_key,"
        " request_fingerprint, submitted_at)"
        " VALUES ($1, $2, $3, $4, 'submitted', $5, $6, $7, $8, $9, $10, $11)"
        " RETURNING id, reference_number,"
        " (SELECT code FROM rounds r WHERE r.id = round_id) AS round_code",
        values["applicant_email"].lower(),
        values["round_id"],
        values["placement_id"],
        values["phase"],
        values["statement"],
        values["statement_words"],
        values["statement_for_hosts"],
        values["allowance_warning"],
        values["idempotency_key"],
        values["request_fingerprint"],
        values["submitted_at"],
    )
    assert row is not None
    return row["id"], reference(row["round_code"], row["reference_number"])


async def insert_cv(conn: asyncpg.Connection, application_id: UUID, cv: dict[str, Any]) -> None:
    await conn.execute(
        "INSERT INTO cvs (application_id, filename, format, size_bytes, pages, content, host_copy)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7)",
        application_id,
        cv["filename"],
        cv["format"],
        len(cv["content"]),
        cv["pages"],
        cv["content"],
        # NULL: the host receives the CV as sent (the first pages are all of it).
        None if cv["host_copy"] == cv["content"] else cv["host_copy"],
    )


async def add_event(
    conn: asyncpg.Connection,
    application_id: UUID,
    *,
    actor: str,
    from_status: str | None,
    to_status: str,
    reason: str = "",
    at: datetime | None = None,
) -> None:
    await conn.execute(
        "INSERT INTO application_events (application_id, actor, from_status, to_status, reason, at)"
        " VALUES ($1, $2, $3, $4, $5, coalesce($6, now()))",
        application_id,
        actor,
        from_status,
        to_status,
        reason,
        at,
    )


async def set_status(
    conn: asyncpg.Connection, application_id: UUID, status: str, *, actor: str, reason: str
) -> bool:
    """Move to `status` and record who and why; False if it was there already (a retry)."""
    async with conn.transaction():
        before = await conn.fetchval(
            "SELECT status FROM applications WHERE id = $1 FOR UPDATE", application_id
        )
        if before is None or before == status:
            return False
        await conn.execute(
            "UPDATE applications SET status = $2, updated_at = now() WHERE id = $1",
            application_id,
            status,
        )
        await add_event(
            conn, application_id, actor=actor, from_status=before, to_status=status, reason=reason
        )
    return True


def _application(row: asyncpg.Record, events: list[Event]) -> Application:
    data = dict(row)
    warnings = [data["allowance_warning"]] if data["allowance_warning"] else []
    cut = data["statement_for_hosts"] != data["statement"]
    if cut:
        warnings.append(
            f"Your statement has {data['statement_words']} words; hosts will read its first "
            f"{data['statement_word_limit']}. It is kept whole for the record."
        )
    long_pdf = data["pages"] is not None and data["pages"] > data["cv_page_limit"]
    if long_pdf:
        warnings.append(
            f"Your CV has {data['pages']} pages; hosts will receive "
            f"its first {data['cv_page_limit']}."
        )
    return Application(
        **data,
        reference=reference(data["round_code"], data["reference_number"]),
        workflow_id=ids.application(data["id"]),
        statement_cut=cut,
        cv=CvSummary(
            format=data["format"],
            size_bytes=data["size_bytes"],
            pages=data["pages"],
            hosts_receive_pages=min(data["pages"], data["cv_page_limit"])
            if data["pages"]
            else None,
        ),
        warnings=warnings,
        history=events,
    )


async def _events(conn: asyncpg.Connection, ids: list[UUID]) -> dict[UUID, list[Event]]:
    rows = await conn.fetch(
        "SELECT application_id, at, actor, from_status, to_status, reason FROM application_events"
        " WHERE application_id = ANY($1) ORDER BY at, id",
        ids,
    )
    return by_parent(rows, ids, "application_id", lambda r: Event.model_validate(dict(r)))


async def get(conn: asyncpg.Connection, application_id: UUID) -> Application | None:
    row = await conn.fetchrow(_SELECT + " WHERE a.id = $1", application_id)
    if row is None:
        return None
    return _application(row, (await _events(conn, [application_id]))[application_id])


async def find_by_reference(
    conn: asyncpg.Connection, round_code: str, number: int
) -> Application | None:
    row = await conn.fetchrow(
        _SELECT + " WHERE r.code = $1 AND a.reference_number = $2", round_code, number
    )
    if row is None:
        return None
    return _application(row, (await _events(conn, [row["id"]]))[row["id"]])


async def list_for_applicant(conn: asyncpg.Connection, email: str) -> list[Application]:
    rows = await conn.fetch(
        _SELECT + " WHERE a.applicant_email = $1 ORDER BY a.submitted_at", email.lower()
    )
    events = await _events(conn, [r["id"] for r in rows])
    return [_application(r, events[r["id"]]) for r in rows]


async def candidates(conn: asyncpg.Connection, round_id: UUID, phase: str) -> list[asyncpg.Record]:
    """Applications still standing at the deadline of `phase`, with the applicant's name."""
    return list(
        await conn.fetch(
            "SELECT a.id, a.placement_id, a.applicant_email, p.name FROM applications a"
            " JOIN applicants p ON p.email = a.applicant_email"
            " WHERE a.round_id = $1 AND a.phase = $2 AND a.status <> 'withdrawn'"
            " ORDER BY a.submitted_at",
            round_id,
            phase,
        )
    )


async def in_status(
    conn: asyncpg.Connection, application_ids: list[UUID], status: str
) -> list[UUID]:
    """Those of `application_ids` whose status is still `status`."""
    rows = await conn.fetch(
        "SELECT id FROM applications WHERE id = ANY($1::uuid[]) AND status = $2",
        application_ids,
        status,
    )
    return [r["id"] for r in rows]


async def mark_forwarded(
    conn: asyncpg.Connection, application_ids: list[UUID], *, actor: str, reason: str
) -> int:
    """Move those of `application_ids` still submitted to forwarded, each with its event, in
    one transaction; how many moved (none on a retry)."""
    async with conn.transaction():
        moved = await conn.fetch(
            "UPDATE applications SET status = 'forwarded', updated_at = now()"
            " WHERE id = ANY($1::uuid[]) AND status = 'submitted' RETURNING id",
            application_ids,
        )
        await conn.execute(
            "INSERT INTO application_events (application_id, actor, from_status, to_status,"
            " reason) SELECT id, $2, 'submitted', 'forwarded', $3 FROM unnest($1::uuid[]) id",
            [r["id"] for r in moved],
            actor,
            reason,
        )
    return len(moved)


async def open_applications_of(
    conn: asyncpg.Connection, round_id: UUID, email: str, except_id: UUID
) -> list[UUID]:
    """`email` is an application's own stored address (from the workflow), matched exactly:
    a profile migration 0007 left mixed-case because of a twin keeps its own applications."""
    rows = await conn.fetch(
        "SELECT id FROM applications WHERE round_id = $1 AND applicant_email = $2 AND id <> $3"
        " AND status IN ('submitted', 'forwarded', 'offered')",
        round_id,
        email,
        except_id,
    )
    return [r["id"] for r in rows]


async def has_accepted_place(conn: asyncpg.Connection, email: str, round_id: UUID) -> bool:
    found = await conn.fetchval(
        "SELECT 1 FROM applications WHERE applicant_email = $1 AND round_id = $2"
        " AND status IN ('accepted', 'introduced')",
        email.lower(),
        round_id,
    )
    return found is not None


async def counts_by_placement(
    conn: asyncpg.Connection, round_id: UUID
) -> dict[UUID, dict[str, int]]:
    rows = await conn.fetch(
        "SELECT placement_id, status, count(*) AS n FROM applications WHERE round_id = $1"
        " GROUP BY placement_id, status",
        round_id,
    )
    counts: dict[UUID, dict[str, int]] = {}
    for r in rows:
        counts.setdefault(r["placement_id"], {})[r["status"]] = r["n"]
    return counts


async def counts_by_round_and_status(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    """For /metrics: (round_id, round_name, status, n) for every round, every application
    ever submitted in it counted under its status now (a round with none: status NULL)."""
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT r.id AS round_id, r.name AS round_name, a.status, count(a.id) AS n"
        " FROM rounds r LEFT JOIN applications a ON a.round_id = r.id"
        " GROUP BY r.id, r.name, a.status ORDER BY r.name, a.status"
    )
    return rows
