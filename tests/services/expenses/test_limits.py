"""A form can say, and check before sending, how large a receipt may be (R28)."""

from __future__ import annotations

from mip.core.auth import Role
from mip.core.settings import Settings
from services.expenses.app import create_app as expenses_app
from services.expenses.config import ExpensesSettings
from tests.support.auth import RunApp, auth


async def test_r28_the_configured_receipt_limit_is_published_to_signed_in_people(
    settings: Settings, run_app: RunApp
) -> None:
    config = ExpensesSettings(receipt_max_bytes=3 * 1024 * 1024, line_max_pence=20_000)
    async with run_app(expenses_app(settings, config)) as http:
        anonymous = await http.get("/v1/limits")
        limits = await http.get("/v1/limits", headers=auth(settings, Role.applicant))
    assert anonymous.status_code == 401
    assert limits.json() == {"receipt_max_bytes": 3 * 1024 * 1024, "line_max_pence": 20_000}
