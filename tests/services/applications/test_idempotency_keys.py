"""`POST /v1/applications` keeps the Idempotency-Key contract of the IETF draft
(draft-ietf-httpapi-idempotency-key-header): a retry gets the first result, the key reused
for a different request is a 422, and a retry while the first is still being processed is
a 409 (never a second application, never "you have already applied")."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import pytest

from mip.core.settings import Settings
from services.applications.app import create_app as applications_app
from services.applications.submissions import repository as repo
from tests.support.applying import apply, make_profile, make_round, open_round, pdf
from tests.support.auth import RunApp
from tests.support.waiting import eventually

KEY = "submit-7f3a"
ADA = "ada@example.org"


async def _count(pool: asyncpg.Pool, email: str = ADA) -> int:
    found: int = await pool.fetchval(
        "SELECT count(*) FROM applications WHERE applicant_email = $1", email
    )
    return found


@pytest.mark.parametrize(
    "change",
    [
        {"placement": 1},
        {"statement": "A different statement altogether."},
        {"cv": pdf(3)},
    ],
    ids=["other-placement", "other-statement", "other-cv"],
)
async def test_a_key_reused_for_a_different_request_is_refused_and_nothing_is_stored(
    change: dict[str, Any], settings: Settings, run_app: RunApp
) -> None:
    app = applications_app(settings)
    async with run_app(app) as http:
        _, placements = await make_round(http, settings, open_round(), placements=2)
        me = await make_profile(http, settings, ADA)
        first = await apply(http, me, placements[0]["id"], key=KEY)
        placement = placements[change.pop("placement", 0)]["id"]
        reused = await apply(http, me, placement, key=KEY, **change)
        stored = await _count(app.state.runtime.pool)
    assert first.status_code == 201, first.text
    assert reused.status_code == 422, reused.text
    body = reused.json()
    assert body["type"] == "urn:mip:problem:idempotency-key-reused"
    assert "already used for a different request" in body["detail"]
    assert body["application_id"] == first.json()["id"]
    assert stored == 1


async def test_a_retry_with_the_same_key_and_request_returns_the_first_application(
    settings: Settings, run_app: RunApp
) -> None:
    app = applications_app(settings)
    async with run_app(app) as http:
        _, [placement] = await make_round(http, settings, open_round())
        me = await make_profile(http, settings, ADA)
        first = await apply(http, me, placement["id"], key=KEY)
        retry = await apply(http, me, placement["id"], key=KEY)
        other = await make_profile(http, settings, "grace@example.org")
        same_key_other_applicant = await apply(http, other, placement["id"], key=KEY)
        stored = await _count(app.state.runtime.pool)
    assert first.status_code == 201, first.text
    assert retry.status_code == 200, retry.text
    assert retry.json() == first.json()
    # A key belongs to its applicant: someone else's same key is their own request.
    assert same_key_other_applicant.status_code == 201, same_key_other_applicant.text
    assert stored == 1


async def _waiting_for_a_lock(pool: asyncpg.Pool) -> bool | None:
    waiting = await pool.fetchval(
        "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database"
        " WHERE d.datname = current_database() AND l.locktype = 'advisory' AND NOT l.granted"
    )
    return True if waiting else None


async def test_a_retry_while_the_first_request_is_in_flight_is_a_409_then_the_first_result(
    settings: Settings, run_app: RunApp
) -> None:
    app = applications_app(settings)
    async with run_app(app) as http:
        the_round, [placement, other_placement] = await make_round(
            http, settings, open_round(), placements=2
        )
        me = await make_profile(http, settings, ADA)
        pool: asyncpg.Pool = app.state.runtime.pool
        # Hold the applicant's round lock, so the first request waits inside its transaction,
        # its key held, for as long as this test says.
        # Without the key held, a retry would wait behind it (the timeout then fails the test).
        async with asyncio.timeout(20), pool.acquire() as blocker:
            transaction = blocker.transaction()
            await transaction.start()
            await repo.lock_applicant_round(blocker, ADA, the_round["id"])
            first = asyncio.create_task(apply(http, me, placement["id"], key=KEY))
            await eventually(lambda: _waiting_for_a_lock(pool))
            retry = await apply(http, me, placement["id"], key=KEY)
            reused = await apply(http, me, other_placement["id"], key=KEY)
            assert not first.done()
            await transaction.rollback()
        created = await first
        replay = await apply(http, me, placement["id"], key=KEY)
        stored = await _count(pool)
    assert retry.status_code == 409, retry.text
    assert retry.json()["type"] == "urn:mip:problem:idempotency-key-in-flight"
    assert "still being processed" in retry.json()["detail"]
    assert "retry shortly" in retry.json()["detail"]
    assert reused.status_code == 409, reused.text
    assert created.status_code == 201, created.text
    assert replay.status_code == 200, replay.text
    assert replay.json()["id"] == created.json()["id"]
    assert stored == 1
