"""Numbered SQL migrations: once each, in order, under a lock, one transaction per file."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest

from mip.core.db import create_pool
from mip.core.migrations import MigrationError, apply_migrations


def _write(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, sql in files.items():
        (directory / name).write_text(sql)
    return directory


async def test_migrations_apply_once_in_order(database_url: str, tmp_path: Path) -> None:
    migrations = _write(
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
        _write(migrations, {"0003_more.sql": "ALTER TABLE hosts ADD COLUMN sector text;"})
        assert await apply_migrations(pool, "demo", migrations) == [3]
    finally:
        await pool.close()


async def test_concurrent_starters_apply_each_migration_once(
    database_url: str, tmp_path: Path
) -> None:
    migrations = _write(
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
    migrations = _write(
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
    migrations = _write(tmp_path / "m", {"create-tables.sql": "SELECT 1;"})
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
