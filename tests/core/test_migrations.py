"""Numbered SQL migrations: once each, in order, under a lock, one transaction per file."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import cast

import asyncpg
import pytest

from mip.core.db import create_pool
from mip.core.migrations import MigrationError, apply_migrations
from tests.support.migrations import migrations_below, write_migrations


async def test_migrations_apply_once_in_order(database_url: str, tmp_path: Path) -> None:
    migrations = write_migrations(
        tmp_path / "m",
        {
            "0001_create.sql": "CREATE TABLE hosts (id serial PRIMARY KEY, name text NOT NULL);",
            "0002_seed.sql": "INSERT INTO hosts (name) VALUES ('Ashmolean Museum');",
        },
    )
    pool = await create_pool(database_url, schema="demo")
    try:
        assert await apply_migrations(pool, "demo", migrations) == [1, 2]
        assert await apply_migrations(pool, "demo", migrations) == []
        assert await pool.fetchval("SELECT count(*) FROM demo.hosts") == 1
        write_migrations(migrations, {"0003_more.sql": "ALTER TABLE hosts ADD COLUMN sector text;"})
        assert await apply_migrations(pool, "demo", migrations) == [3]
    finally:
        await pool.close()


async def test_concurrent_starters_apply_each_migration_once(
    database_url: str, tmp_path: Path
) -> None:
    migrations = write_migrations(
        tmp_path / "m",
        {"0001_create.sql": "CREATE TABLE t (id int); INSERT INTO t VALUES (1);"},
    )
    pools = [await create_pool(database_url, schema="race") for _ in range(4)]
    try:
        results = await asyncio.gather(*(apply_migrations(p, "race", migrations) for p in pools))
        assert sorted(results) == [[], [], [], [1]]
        assert await pools[0].fetchval("SELECT count(*) FROM race.t") == 1
    finally:
        for pool in pools:
            await pool.close()


async def test_a_failing_migration_leaves_no_trace(database_url: str, tmp_path: Path) -> None:
    migrations = write_migrations(
        tmp_path / "m",
        {
            "0001_ok.sql": "CREATE TABLE kept (id int);",
            "0002_broken.sql": "CREATE TABLE half (id int); SELECT no_such_column FROM kept;",
        },
    )
    pool = await create_pool(database_url, schema="broken")
    try:
        with pytest.raises(MigrationError, match=r"0002_broken\.sql"):
            await apply_migrations(pool, "broken", migrations)
        versions = await pool.fetch("SELECT version FROM broken.schema_migrations")
        assert [r["version"] for r in versions] == [1]
        with pytest.raises(asyncpg.UndefinedTableError):
            await pool.fetch("SELECT * FROM broken.half")
    finally:
        await pool.close()


async def test_badly_named_files_are_refused(database_url: str, tmp_path: Path) -> None:
    migrations = write_migrations(tmp_path / "m", {"create-tables.sql": "SELECT 1;"})
    pool = await create_pool(database_url, schema="named")
    try:
        with pytest.raises(MigrationError, match=r"NNNN_description\.sql"):
            await apply_migrations(pool, "named", migrations)
    finally:
        await pool.close()


async def test_each_service_owns_its_schema(database_url: str) -> None:
    from services.applications.app import SPEC as applications
    from services.offers.app import SPEC as offers

    pool = await create_pool(database_url, schema="applications")
    try:
        for spec in (applications, offers):
            await apply_migrations(pool, spec.schema, spec.migrations)
        schemas = await pool.fetch(
            "SELECT nspname FROM pg_namespace WHERE nspname IN ('applications', 'offers')"
        )
        assert {r["nspname"] for r in schemas} == {"applications", "offers"}
    finally:
        await pool.close()


# Addresses lower-cased (issue 11 item 5): each service's migration is applied to rows
# written, mixed-case, under the migrations before it.


def _add(source: Path, version: int, directory: Path) -> None:
    (found,) = [p for p in source.glob("*.sql") if int(p.name[:4]) == version]
    write_migrations(directory, {found.name: found.read_text()})


class _Hearing:
    """One connection that keeps the server's notices, lent as a pool to the migrations
    (asyncpg refuses to pool a connection with a log listener)."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn
        self.notices: list[str] = []
        conn.add_log_listener(lambda _conn, message: self.notices.append(str(message)))

    @classmethod
    async def connect(cls, database_url: str, schema: str) -> _Hearing:
        return cls(
            await asyncpg.connect(database_url, server_settings={"search_path": f"{schema},public"})
        )

    @asynccontextmanager
    async def acquire(self) -> AsyncIterator[asyncpg.Connection]:
        yield self.conn

    async def apply(self, schema: str, directory: Path) -> list[int]:
        return await apply_migrations(cast(asyncpg.Pool, self), schema, directory)


_APPLICANT = (
    "INSERT INTO applicants (email, name, department, division, role, university_employed,"
    " contract_type) VALUES ($1, $2, 'Engineering Science', 'mpls', 'postdoctoral_researcher',"
    " true, 'fixed_term')"
)
_APPLICATION = (
    "INSERT INTO applications (applicant_email, round_id, placement_id, phase, status,"
    " statement, statement_words, statement_for_hosts, idempotency_key, submitted_at)"
    " VALUES ($1, $2, $3, 'first', 'submitted', 'Hello', 1, 'Hello', $4, now()) RETURNING id"
)


async def test_applicants_addresses_are_lower_cased_with_their_keys_and_twins_kept(
    database_url: str, tmp_path: Path
) -> None:
    from services.applications.app import SPEC

    migrations = migrations_below(SPEC.migrations, 7, tmp_path / "m")
    db = await _Hearing.connect(database_url, SPEC.schema)
    conn = db.conn
    try:
        assert await db.apply(SPEC.schema, migrations) == [1, 2, 3, 4, 5, 6]
        host_id = await conn.fetchval(
            "INSERT INTO hosts (name, sector, kind, location, contact_name, contact_email)"
            " VALUES ('Isis Robotics', 'Technology', 'for_profit', 'oxford', 'Sam',"
            " 'Sam@Isis.Example.com') RETURNING id"
        )
        round_id = await conn.fetchval(
            "INSERT INTO rounds (name, advertise_at, deadline_at, outcomes_at,"
            " acceptance_window_hours, applications_per_applicant,"
            " second_round_applications_per_applicant, statement_word_limit, cv_page_limit)"
            " VALUES ('R', now(), now() + interval '1 day', now() + interval '2 days',"
            " 48, 2, 1, 300, 2) RETURNING id"
        )
        await conn.execute(
            "INSERT INTO round_weeks VALUES ($1, DATE '2030-03-04', DATE '2030-03-08')", round_id
        )
        placement_id = await conn.fetchval(
            "INSERT INTO placements (round_id, host_id, title, description, week_starts_on,"
            " days, places, mode) VALUES ($1, $2, 'P', 'D', DATE '2030-03-04',"
            " ARRAY[DATE '2030-03-04', DATE '2030-03-05'], 1, 'in_person') RETURNING id",
            round_id,
            host_id,
        )
        for email, name in (
            ("Ada@Example.org", "Ada"),
            ("Bob@Example.org", "Bob, first profile"),
            ("bob@example.org", "Bob, second profile"),
            ("cy@example.org", "Cy"),
        ):
            await conn.execute(_APPLICANT, email, name)
        await conn.execute(
            "INSERT INTO equal_opportunities VALUES ('Ada@Example.org', 'no', 'yes', now())"
        )
        ada = await conn.fetchval(_APPLICATION, "Ada@Example.org", round_id, placement_id, "k1")
        bobs = [
            await conn.fetchval(_APPLICATION, email, round_id, placement_id, "k1")
            for email in ("Bob@Example.org", "bob@example.org")
        ]
        slots = [
            await conn.fetchval(
                "INSERT INTO support_slots (starts_at, adviser_name, location)"
                " VALUES (now() + $1 * interval '1 day', 'Adviser', 'Careers') RETURNING id",
                n,
            )
            for n in (1, 2)
        ]
        for slot, email in zip(slots, ("Ada@Example.org", "Bob@Example.org"), strict=True):
            await conn.execute(
                "INSERT INTO support_bookings (slot_id, applicant_email) VALUES ($1, $2)",
                slot,
                email,
            )

        _add(SPEC.migrations, 7, migrations)
        assert await db.apply(SPEC.schema, migrations) == [7]

        applicants = await conn.fetch("SELECT email, name FROM applicants ORDER BY name")
        assert [(r["email"], r["name"]) for r in applicants] == [
            ("ada@example.org", "Ada"),
            ("Bob@Example.org", "Bob, first profile"),  # a twin: kept as it was
            ("bob@example.org", "Bob, second profile"),
            ("cy@example.org", "Cy"),
        ]
        by_id = {
            r["id"]: r["applicant_email"]
            for r in await conn.fetch("SELECT id, applicant_email FROM applications")
        }
        assert by_id == {
            ada: "ada@example.org",
            bobs[0]: "Bob@Example.org",
            bobs[1]: "bob@example.org",
        }
        assert await conn.fetchval("SELECT applicant_email FROM equal_opportunities") == (
            "ada@example.org"
        )
        bookings = await conn.fetch("SELECT applicant_email FROM support_bookings")
        assert sorted(r["applicant_email"] for r in bookings) == [
            "ada@example.org",
            "bob@example.org",
        ]
        assert await conn.fetchval("SELECT contact_email FROM hosts") == "sam@isis.example.com"
        assert any("Bob@Example.org, bob@example.org" in n for n in db.notices), db.notices

        keys = await conn.fetch(
            "SELECT conname, conrelid::regclass::text AS tbl,"
            " confrelid::regclass::text AS refs FROM pg_constraint"
            " WHERE contype = 'f' AND conname LIKE '%applicant_email_fkey' ORDER BY conname"
        )
        assert [(r["conname"], r["tbl"], r["refs"]) for r in keys] == [
            ("applications_applicant_email_fkey", "applications", "applicants"),
            ("equal_opportunities_applicant_email_fkey", "equal_opportunities", "applicants"),
        ]
        with pytest.raises(asyncpg.ForeignKeyViolationError):
            await conn.execute(_APPLICATION, "Ada@Example.org", round_id, placement_id, "k2")
        with pytest.raises(asyncpg.ForeignKeyViolationError):
            await conn.execute("DELETE FROM applicants WHERE email = 'ada@example.org'")
    finally:
        await conn.close()


async def test_offers_addresses_are_lower_cased_and_twin_acceptances_kept(
    database_url: str, tmp_path: Path
) -> None:
    from services.offers.app import SPEC

    migrations = migrations_below(SPEC.migrations, 4, tmp_path / "m")
    db = await _Hearing.connect(database_url, SPEC.schema)
    conn = db.conn
    try:
        assert await db.apply(SPEC.schema, migrations) == [1, 2, 3]
        one, two = uuid.uuid4(), uuid.uuid4()
        await conn.execute(
            "INSERT INTO offers (application_id, round_id, placement_id, applicant_email, status)"
            " VALUES ($1, $2, $3, 'Ada@Example.org', 'accepted')",
            uuid.uuid4(),
            one,
            uuid.uuid4(),
        )
        for round_id, email in (
            (one, "Ada@Example.org"),
            (two, "Bob@Example.org"),
            (two, "bob@example.org"),
        ):
            await conn.execute(
                "INSERT INTO acceptances (round_id, applicant_email, application_id)"
                " VALUES ($1, $2, $3)",
                round_id,
                email,
                uuid.uuid4(),
            )

        _add(SPEC.migrations, 4, migrations)
        assert await db.apply(SPEC.schema, migrations) == [4]

        assert await conn.fetchval("SELECT applicant_email FROM offers") == "ada@example.org"
        accepted = await conn.fetch("SELECT round_id, applicant_email FROM acceptances")
        assert sorted((r["round_id"] == one, r["applicant_email"]) for r in accepted) == [
            (False, "Bob@Example.org"),
            (False, "bob@example.org"),
            (True, "ada@example.org"),
        ]
        assert any("Bob@Example.org, bob@example.org" in n for n in db.notices), db.notices
    finally:
        await conn.close()


async def test_expenses_and_alerts_addresses_are_lower_cased(
    database_url: str, tmp_path: Path
) -> None:
    from services.expenses.app import SPEC as expenses
    from services.notifications.app import SPEC as notifications

    claims = migrations_below(expenses.migrations, 5, tmp_path / "expenses")
    alerts = migrations_below(notifications.migrations, 3, tmp_path / "notifications")
    pools = [await create_pool(database_url, schema=s.schema) for s in (expenses, notifications)]
    try:
        assert await apply_migrations(pools[0], expenses.schema, claims) == [1, 2, 3, 4]
        assert await apply_migrations(pools[1], notifications.schema, alerts) == [1, 2]
        await pools[0].execute(
            "INSERT INTO claims (application_id, placement_id, placement_title, days,"
            " intern_email, intern_name, host_name, host_kind, host_location,"
            " host_contact_name, host_contact_email) VALUES ($1, $2, 'P', ARRAY[]::date[],"
            " 'Ada@Example.org', 'Ada', 'Isis', 'for_profit', 'oxford', 'Sam',"
            " 'Sam@Isis.Example.com')",
            uuid.uuid4(),
            uuid.uuid4(),
        )
        await pools[1].execute(
            "INSERT INTO alert_subscribers (email, token) VALUES ('Fan@Example.org', 't')"
        )

        _add(expenses.migrations, 5, claims)
        _add(notifications.migrations, 3, alerts)
        assert await apply_migrations(pools[0], expenses.schema, claims) == [5]
        assert await apply_migrations(pools[1], notifications.schema, alerts) == [3]

        claim = await pools[0].fetchrow("SELECT intern_email, host_contact_email FROM claims")
        assert tuple(claim) == ("ada@example.org", "sam@isis.example.com")
        assert await pools[1].fetchval("SELECT email FROM alert_subscribers") == ("fan@example.org")
    finally:
        for pool in pools:
            await pool.close()
