"""The portal sweeps its own sessions (docs/privacy.md, MIP_RETAIN_SESSION_DAYS): one that
ended (signed out, or expired) that long ago is deleted; one still live, or ended lately,
stays. The portal alone on a real PostgreSQL, the period 3 s and a sweep every 0.2 s."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from mip.core.auth import Role
from mip.core.settings import Settings
from services.portal import session
from services.portal.app import create_app
from tests.portal.support.clock import clock_moved
from tests.portal.support.stack import portal_settings_for_tests
from tests.support.auth import RunApp

PERIOD_S = 3.0


async def test_the_portal_deletes_a_session_once_it_has_been_over_for_its_period(
    settings: Settings, run_app: RunApp
) -> None:
    swept = settings.model_copy(
        update={"retain_session_days": PERIOD_S / (24 * 3600), "housekeeping_every_s": 0.2}
    )
    app = create_app(swept, portal_settings_for_tests())
    async with run_app(app):
        runtime = app.state.runtime

        async def start(email: str) -> str:
            return await session.start(runtime, session.Person(email=email, role=Role.applicant))

        await start("still.here@example.org")
        await session.end(runtime, await start("signed.out@example.org"))
        # Signed in a day ago: it expired long before the period began.
        with clock_moved(runtime, -timedelta(days=1)):
            await start("expired@example.org")

        async def left() -> set[str]:
            rows = await runtime.pool.fetch("SELECT email FROM sessions")
            return {r["email"] for r in rows}

        await asyncio.sleep(1)
        lately = await left()
        await asyncio.sleep(PERIOD_S)
        later = await left()
    assert lately == {"still.here@example.org", "signed.out@example.org"}
    assert later == {"still.here@example.org"}
