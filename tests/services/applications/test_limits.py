"""A form can say, and check before sending, how large a CV may be (R11)."""

from __future__ import annotations

from mip.core.auth import Role
from mip.core.settings import Settings
from services.applications.app import create_app as applications_app
from services.applications.config import ApplicationsSettings
from tests.support.auth import RunApp, auth


async def test_r11_the_configured_cv_limit_is_published_to_signed_in_people(
    settings: Settings, run_app: RunApp
) -> None:
    config = ApplicationsSettings(cv_max_bytes=2 * 1024 * 1024, statement_max_chars=4000)
    async with run_app(applications_app(settings, config)) as http:
        anonymous = await http.get("/v1/limits")
        limits = await http.get("/v1/limits", headers=auth(settings, Role.applicant))
    assert anonymous.status_code == 401
    assert limits.json() == {"cv_max_bytes": 2 * 1024 * 1024, "statement_max_chars": 4000}
