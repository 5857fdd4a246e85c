"""What the office watches of applications, read from this service's tables at each scrape
of /metrics (mip.core.metrics): right from the first scrape after any restart."""

from __future__ import annotations

from collections.abc import Sequence

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from mip.core.runtime import ServiceRuntime
from services.applications.submissions import repository as repo


async def figures(runtime: ServiceRuntime) -> Sequence[Metric]:
    async with runtime.pool.acquire() as conn:
        rows = await repo.counts_by_round_and_status(conn)
    labels = ["round_id", "round"]
    submitted = CounterMetricFamily(
        "mip_applications_submitted",
        "Applications submitted in each round, whatever became of them since",
        labels=labels,
    )
    by_status = GaugeMetricFamily(
        "mip_applications",
        "Applications in each round by their status now (P1)",
        labels=[*labels, "status"],
    )
    totals: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (str(row["round_id"]), str(row["round_name"]))
        totals[key] = totals.get(key, 0) + int(row["n"])
        if row["status"] is not None:
            by_status.add_metric([*key, str(row["status"])], int(row["n"]))
    for key, total in totals.items():
        submitted.add_metric(list(key), total)
    return [submitted, by_status]
