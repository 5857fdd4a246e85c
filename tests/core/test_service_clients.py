"""Services ask each other over HTTP with a small typed client per service."""

from __future__ import annotations

import httpx
import pytest

from mip.core.auth import Role
from mip.core.errors import RemoteProblem
from mip.core.settings import Settings
from services.expenses.app import create_app as expenses_app
from services.expenses.client import ExpensesClient
from tests.support.auth import token


async def test_typed_client_reads_another_service_with_a_service_token(settings: Settings) -> None:
    app = expenses_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        service_token = app.state.runtime.service_token()
        async with ExpensesClient("http://expenses", service_token, transport=transport) as client:
            me = await client.me()
            status = await client.status()
        async with ExpensesClient(
            "http://expenses", token(settings, Role.applicant), transport=transport
        ) as client:
            with pytest.raises(RemoteProblem) as refused:
                await client.status()
    assert me.role == "service"
    assert me.subject == "service:expenses"
    assert status.schema_name == "expenses"
    assert refused.value.status == 403
    assert refused.value.problem["type"] == "urn:mip:problem:permission-denied"
