"""The portal answers an operator's tools as every service does: /livez for a liveness
probe that no database outage trips, /metrics for Prometheus (deploy/observability's
`mip-portal` job, the Kubernetes scrape annotations)."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

from mip.core.settings import Environment, Settings
from services.portal.app import create_app
from tests.portal.support.stack import PortalStack


def _samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def test_metrics_count_the_portals_pages_and_report_its_database(
    portal_stack: PortalStack,
) -> None:
    async with httpx.AsyncClient(base_url=portal_stack.url) as http:
        assert (await http.get("/sign-in")).status_code == 200
        assert (await http.get("/no-such-page")).status_code == 404
        scraped = await http.get("/metrics")
    assert scraped.status_code == 200
    assert "set-cookie" not in scraped.headers  # a scraper is no visitor
    samples = _samples(scraped.text)
    health = ("mip_health_check", frozenset({("service", "portal"), ("check", "database")}))
    assert samples[health] == 1.0
    sign_in = {("service", "portal"), ("method", "GET"), ("route", "/sign-in"), ("status", "200")}
    assert samples["mip_http_requests_total", frozenset(sign_in)] >= 1
    missing = {("service", "portal"), ("method", "GET"), ("route", "unmatched"), ("status", "404")}
    assert samples["mip_http_requests_total", frozenset(missing)] >= 1


async def test_livez_answers_while_the_database_is_out_of_reach() -> None:
    """Kubernetes' liveness probe: a portal whose database is away is not restarted."""
    settings = Settings(
        environment=Environment.test, database_url="postgresql://mip@127.0.0.1:9/nowhere"
    )
    app = create_app(settings)  # its lifespan never ran: no pool, no database
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://portal") as http:
        answer = await http.get("/livez")
    assert answer.status_code == 200
    assert answer.json() == {"service": "portal", "status": "ok", "checks": {}}
