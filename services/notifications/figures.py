"""What the office watches of e-mail (R15, P4), read from this service's tables at each
scrape of /metrics (mip.core.metrics): right from the first scrape after any restart."""

from __future__ import annotations

from collections.abc import Sequence

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from mip.core.runtime import ServiceRuntime
from services.notifications.contract import EmailStatus, MessageKind
from services.notifications.messages import repository as repo
from services.notifications.messages.service import CONFIRMATION_PROMISE_HOURS


async def figures(runtime: ServiceRuntime) -> Sequence[Metric]:
    async with runtime.pool.acquire() as conn:
        rows = await repo.counts_by_kind_and_status(conn)
        overdue = await repo.count_overdue(
            conn, MessageKind.confirmation.value, CONFIRMATION_PROMISE_HOURS
        )
        oldest = await repo.oldest_pending_age_s(conn)
    counted = {(str(r["kind"]), str(r["status"])): int(r["n"]) for r in rows}
    sent = CounterMetricFamily(
        "mip_emails_sent", "E-mails the SMTP server took, by kind", labels=["kind"]
    )
    failed = CounterMetricFamily(
        "mip_emails_failed_permanently",
        "E-mails that can never be delivered (refused with 5xx, no valid address), by kind",
        labels=["kind"],
    )
    # Every kind, zeros included: a counter's first failure is then an increase too.
    for kind in MessageKind:
        sent.add_metric([kind.value], counted.get((kind.value, EmailStatus.sent.value), 0))
        failed.add_metric([kind.value], counted.get((kind.value, EmailStatus.failed.value), 0))
    pending = sum(n for (_, status), n in counted.items() if status == EmailStatus.pending.value)
    return [
        sent,
        failed,
        GaugeMetricFamily(
            "mip_confirmations_overdue",
            "Confirmations not delivered within three hours of the submission, or never (R15)",
            value=overdue,
        ),
        GaugeMetricFamily(
            "mip_emails_pending", "E-mails accepted and not yet delivered", value=pending
        ),
        GaugeMetricFamily(
            "mip_emails_oldest_pending_seconds",
            "How long the oldest e-mail not yet delivered has waited; 0 for none",
            value=oldest,
        ),
    ]
