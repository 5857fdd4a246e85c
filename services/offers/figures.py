"""What the office watches of offers (R19), read from this service's tables at each scrape
of /metrics (mip.core.metrics): right from the first scrape after any restart."""

from __future__ import annotations

from collections.abc import Sequence
from typing import get_args

from prometheus_client.core import GaugeMetricFamily, Metric

from mip.core.runtime import ServiceRuntime
from services.offers.contract import OfferRecord
from services.offers.decisions import repository as repo

# offered (open, within its 48 hours), accepted, declined, lapsed, withdrawn
STATUSES: tuple[str, ...] = get_args(OfferRecord.model_fields["status"].annotation)


async def figures(runtime: ServiceRuntime) -> Sequence[Metric]:
    async with runtime.pool.acquire() as conn:
        rows = await repo.counts_by_round_and_status(conn)
    offers = GaugeMetricFamily(
        "mip_offers",
        "Offers in each round by status: offered (open), accepted, declined, lapsed (R19)",
        labels=["round_id", "status"],
    )
    counted = {(str(r["round_id"]), str(r["status"])): int(r["n"]) for r in rows}
    # Every status of every round, zeros included, so a rate or an alert has a series.
    for round_id in sorted({round_id for round_id, _ in counted}):
        for status in STATUSES:
            offers.add_metric([round_id, status], counted.get((round_id, status), 0))
    return [offers]
