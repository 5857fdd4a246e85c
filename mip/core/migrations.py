"""Numbered SQL migrations, applied at start-up, once, in order.

Each service keeps its migrations as ``NNNN_description.sql`` files beside its code and
its record of applied ones in ``<schema>.schema_migrations``. A session-level advisory lock
serialises concurrent starters (two replicas, a test and a dev server), and each file runs
in its own transaction together with its record row, so a failing file leaves no trace.
Schema names are interpolated into SQL only after matching ``_SCHEMA``.

The core keeps migrations of its own for the tables it owns (the outbox), in
``mip/core/migrations/``, applied in each schema that needs them before the service's own
and recorded apart, in ``<schema>.core_migrations``: the two sets number independently.
Files are not checksummed: a recorded version is never run again, whatever its file says.
"""

from __future__ import annotations

import logging
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import asyncpg

log = logging.getLogger("mip.migrations")

_FILE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_SCHEMA = re.compile(r"^[a-z][a-z0-9_]*$")


# The tables mip.core owns, and where a schema records which of their migrations it has.
CORE_MIGRATIONS = Path(__file__).parent / "migrations"
CORE_RECORD = "core_migrations"
SERVICE_RECORD = "schema_migrations"


class MigrationError(RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    path: Path


def discover(directory: Path) -> list[Migration]:
    found = []
    for path in sorted(directory.glob("*.sql")):
        match = _FILE.match(path.name)
        if match is None:
            raise MigrationError(f"{path.name}: migration files are named NNNN_description.sql")
        found.append(Migration(int(match.group(1)), match.group(2), path))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"{directory}: two migrations share a number")
    return found


def _lock_key(schema: str) -> int:
    # Advisory locks take a signed 64-bit key; a CRC keeps it stable across processes.
    return zlib.crc32(f"mip-migrations:{schema}".encode())


async def apply_migrations(
    pool: asyncpg.Pool, schema: str, directory: Path, *, record: str = SERVICE_RECORD
) -> list[int]:
    """Apply every migration not yet recorded in `schema`.`record`; return the versions
    applied now."""
    for name in (schema, record):
        if not _SCHEMA.match(name):
            raise MigrationError(f"{name!r} is not a valid schema or table name")
    migrations = discover(directory)
    applied_now: list[int] = []
    async with pool.acquire() as conn:
        await conn.execute("SELECT pg_advisory_lock($1)", _lock_key(schema))
        try:
            await conn.execute(
                f"CREATE SCHEMA IF NOT EXISTS {schema};"
                f"CREATE TABLE IF NOT EXISTS {schema}.{record} ("
                " version integer PRIMARY KEY, name text NOT NULL,"
                " applied_at timestamptz NOT NULL DEFAULT now())"
            )
            done = {
                r["version"]
                for r in await conn.fetch(f"SELECT version FROM {schema}.{record}")  # noqa: S608
            }
            for migration in migrations:
                if migration.version in done:
                    continue
                await _apply_one(conn, schema, record, migration)
                applied_now.append(migration.version)
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", _lock_key(schema))
    return applied_now


async def _apply_one(
    conn: asyncpg.Connection, schema: str, record: str, migration: Migration
) -> None:
    sql = migration.path.read_text(encoding="utf-8")
    async with conn.transaction():
        await conn.execute(f"SET LOCAL search_path TO {schema}, public")
        try:
            # A retired migration keeps its number with a file of comments only, which
            # the server answers with nothing asyncpg can read: recorded, not run.
            if _statements(sql):
                await conn.execute(sql)
        except asyncpg.PostgresError as exc:
            raise MigrationError(f"{schema} migration {migration.path.name} failed: {exc}") from exc
        await conn.execute(
            f"INSERT INTO {schema}.{record} (version, name) VALUES ($1, $2)",  # noqa: S608
            migration.version,
            migration.name,
        )
    log.info("applied %s migration %s (%s)", schema, migration.path.name, record)


def _statements(sql: str) -> str:
    return "\n".join(
        line for line in sql.splitlines() if line.strip() and not line.lstrip().startswith("--")
    )


async def applied_versions(pool: asyncpg.Pool, schema: str) -> list[dict[str, object]]:
    rows = await pool.fetch(
        f"SELECT version, name, applied_at FROM {schema}.schema_migrations"  # noqa: S608
        " ORDER BY version"
    )
    return [dict(r) for r in rows]
