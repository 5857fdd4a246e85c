"""What the round workflow asks of the applications service: who goes to which host, and
which placements the second round re-advertises. All SQL is in the repositories."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from services.applications.catalogue import repository as catalogue
from services.applications.catalogue.facts import facts_of
from services.applications.contract import (
    Candidate,
    PlacementSnapshot,
    RoundSnapshot,
    SnapshotQuery,
)
from services.applications.submissions import repository as submissions


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
