"""What the office watches of expense claims (P5), read from this service's tables at each
scrape of /metrics (mip.core.metrics): right from the first scrape after any restart."""

from __future__ import annotations

from collections.abc import Sequence

from prometheus_client.core import GaugeMetricFamily, Metric

from mip.core.runtime import ServiceRuntime
from services.expenses.claims import repository as repo
from services.expenses.contract import ClaimStatus
from workflows.expense_claim import REMIND_AFTER


async def figures(runtime: ServiceRuntime) -> Sequence[Metric]:
    async with runtime.pool.acquire() as conn:
        rows = await repo.counts_by_status(conn)
        overdue = await repo.count_awaiting_host_since(conn, REMIND_AFTER.total_seconds())
    counted = {str(r["status"]): int(r["n"]) for r in rows}
    claims = GaugeMetricFamily("mip_claims", "Expense claims by status now", labels=["status"])
    for status in ["draft", *ClaimStatus]:
        claims.add_metric([str(status)], counted.get(str(status), 0))
    return [
        claims,
        GaugeMetricFamily(
            "mip_claims_awaiting_host_overdue",
            "Claims waiting more than five days for the host's decision (P5)",
            value=overdue,
        ),
    ]
