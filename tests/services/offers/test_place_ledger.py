"""The ledger of places both rounds share (R4, P2), on a real PostgreSQL: a place is held
once, and an offer that ends frees its place even when no workflow is left to say so."""

from __future__ import annotations

import uuid

from mip.core.settings import Settings
from services.offers.app import create_app
from services.offers.contract import OfferRecord, PlaceHold
from services.offers.decisions import repository as repo
from tests.support.auth import RunApp


async def test_r4_a_withdrawal_after_acceptance_frees_the_place_for_the_second_round(
    settings: Settings, run_app: RunApp
) -> None:
    app = create_app(settings)
    placement, first, second = (str(uuid.uuid4()) for _ in range(3))
    async with run_app(app):
        pool = app.state.runtime.pool
        async with pool.acquire() as conn:
            held = await repo.hold_place(
                conn, PlaceHold(placement_id=placement, application_id=first, capacity=1)
            )
            taken = await repo.hold_place(
                conn, PlaceHold(placement_id=placement, application_id=second, capacity=1)
            )
            # The intern withdraws after the first round's placement workflow has closed:
            # only the offer's record reaches the offers service.
            await repo.record_offer(
                conn,
                OfferRecord(
                    application_id=first,
                    round_id=str(uuid.uuid4()),
                    placement_id=placement,
                    applicant_email="ada@example.org",
                    status="withdrawn",
                ),
            )
            freed = await repo.hold_place(
                conn, PlaceHold(placement_id=placement, application_id=second, capacity=1)
            )
    assert (held, taken, freed) == (True, False, True)
