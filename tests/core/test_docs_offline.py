"""/docs and /redoc work without internet (issue 13 item 1): every script, style sheet and
icon the pages load comes from the service itself, and each of them is there."""

from __future__ import annotations

import re

import httpx
import pytest

from mip.core.app import create_service_app
from mip.core.runtime import ServiceSpec
from mip.core.settings import Settings
from services.applications.app import SPEC as APPLICATIONS
from services.expenses.app import SPEC as EXPENSES
from services.notifications.app import SPEC as NOTIFICATIONS
from services.offers.app import SPEC as OFFERS
from tests.support.docs_pages import asset_urls


@pytest.mark.parametrize("spec", [APPLICATIONS, OFFERS, EXPENSES, NOTIFICATIONS], ids=str)
@pytest.mark.parametrize("page", ["/docs", "/redoc"])
async def test_docs_pages_load_every_asset_from_the_service(spec: ServiceSpec, page: str) -> None:
    app = create_service_app(spec, Settings())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://service") as http:
        shown = await http.get(page)
        assert shown.status_code == 200, shown.text
        urls = asset_urls(shown.text)
        assert any(u.endswith(".js") for u in urls), shown.text
        assert all(u.startswith("/") and not u.startswith("//") for u in urls), urls
        assert not re.search(r"https?://", shown.text), shown.text
        for url in urls:
            fetched = await http.get(url)
            assert fetched.status_code == 200, url
