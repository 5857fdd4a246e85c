"""What the round workflow asks of the applications service: who goes to which host,
forwarding a placement's applications, and which placements the second round
re-advertises. All SQL is in the repositories."""

from __future__ import annotations

import asyncio
from functools import partial
from uuid import UUID

import asyncpg
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from mip.core import ids, outbox
from mip.core.aio import at_most
from services.applications.catalogue import repository as catalogue
from services.applications.catalogue.facts import facts_of
from services.applications.contract import (
    Candidate,
    Forwarding,
    PlacementSnapshot,
    RoundSnapshot,
    SnapshotQuery,
)
from services.applications.submissions import repository as submissions
from workflows.application import ApplicationWorkflow

# Signals in flight at once for one placement: a hundred placements are forwarded together.
SIGNALS_AT_ONCE = 8
# Placements told at once when a round's are told in one activity: 32 signals in flight.
PLACEMENTS_AT_ONCE = 4
FORWARDED = "forwarded to the host"


async def snapshot(conn: asyncpg.Connection, query: SnapshotQuery) -> RoundSnapshot:
    round_id = UUID(query.round_id)
    found = await catalogue.get_round(conn, round_id)
    if found is None:
        raise LookupError(f"no round {round_id}")
    placements = await catalogue.search_placements(conn, round_id=round_id)
    places = await catalogue.second_round_places(conn, round_id)
    candidates = await submissions.candidates(conn, round_id, query.phase)
    snapshots = []
    for placement in placements:
        if query.phase == "second" and not placement.readvertised:
            continue
        snapshots.append(
            PlacementSnapshot(
                placement_id=str(placement.id),
                facts=facts_of(placement),
                places=places.get(placement.id, placement.places)
                if query.phase == "second"
                else placement.places,
                capacity=placement.places,
                candidates=[
                    Candidate(
                        application_id=str(r["id"]),
                        applicant_name=r["name"],
                        applicant_email=r["applicant_email"],
                    )
                    for r in candidates
                    if r["placement_id"] == placement.id
                ],
            )
        )
    return RoundSnapshot(round_id=query.round_id, round_name=found.name, placements=snapshots)


async def forward(pool: asyncpg.Pool, client: Client, forwarding: Forwarding) -> int:
    """R16: tell each application's workflow it is forwarded, then move the read model for
    all of them in one transaction; how many moved. The workflows hear it first, so an
    offer made from what the host reads always finds its application forwarded. A retry
    tells only those the table still shows submitted."""
    told = await _tell_each(pool, client, await _in_status(pool, forwarding, "submitted"))
    async with pool.acquire() as conn:
        return await submissions.mark_forwarded(conn, told, actor="office", reason=FORWARDED)


async def mark(pool: asyncpg.Pool, client: Client, forwarding: Forwarding) -> int:
    """R16, the first step: start every workflow the outbox still holds, then move the
    read model in one transaction; how many moved (none on a retry). The host may rank as
    soon as it moves: a workflow offered a place before `tell` reaches it takes the offer
    as its news that it was forwarded (ApplicationWorkflow._on_offer)."""
    pending = await _in_status(pool, forwarding, "submitted")
    await outbox.start_pending(pool, client, [ids.application(a) for a in pending])
    async with pool.acquire() as conn:
        return await submissions.mark_forwarded(conn, pending, actor="office", reason=FORWARDED)


async def tell(pool: asyncpg.Pool, client: Client, forwarding: Forwarding) -> int:
    """R16, the second step, beside the host's digest: tell each workflow the table
    shows forwarded (not one withdrawn, nor one an offer reached first); how many were
    told. A retry tells them again, which moves nothing twice."""
    forwarded = await _in_status(pool, forwarding, "forwarded")
    return len(await _tell_each(pool, client, forwarded))


async def mark_all(pool: asyncpg.Pool, client: Client, placements: list[Forwarding]) -> int:
    """`mark` for every placement of a round at once (the pool bounds how many at a time)."""
    return sum(await asyncio.gather(*(mark(pool, client, p) for p in placements)))


async def tell_all(pool: asyncpg.Pool, client: Client, placements: list[Forwarding]) -> int:
    """`tell` for every placement of a round, a few placements at a time: each signals a
    few of its workflows at a time."""
    return sum(
        await at_most(PLACEMENTS_AT_ONCE, (partial(tell, pool, client, p) for p in placements))
    )


async def _in_status(pool: asyncpg.Pool, forwarding: Forwarding, status: str) -> list[UUID]:
    async with pool.acquire() as conn:
        return await submissions.in_status(
            conn, [UUID(a) for a in forwarding.application_ids], status
        )


async def _tell_each(pool: asyncpg.Pool, client: Client, application_ids: list[UUID]) -> list[UUID]:
    """Signal each workflow, a few at a time; those that were there to hear it."""
    heard = await at_most(
        SIGNALS_AT_ONCE, (partial(_tell, pool, client, a) for a in application_ids)
    )
    return [a for a, told in zip(application_ids, heard, strict=True) if told]


async def _tell(pool: asyncpg.Pool, client: Client, application_id: UUID) -> bool:
    """Signal one workflow; one the outbox has yet to start starts first. False if it has
    closed meanwhile (withdrawn or erased): there is nothing to forward."""
    workflow_id = ids.application(application_id)
    if await _signal_forwarded(client, workflow_id):
        return True
    return await outbox.ensure_started(pool, client, workflow_id) and await _signal_forwarded(
        client, workflow_id
    )


async def _signal_forwarded(client: Client, workflow_id: str) -> bool:
    """False if there is no running workflow of that id."""
    try:
        await client.get_workflow_handle(workflow_id).signal(ApplicationWorkflow.forwarded)
    except RPCError as exc:
        if exc.status is not RPCStatusCode.NOT_FOUND:
            raise
        return False
    return True
