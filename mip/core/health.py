"""What /healthz and /metrics ask of the parts a service needs."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from mip.core import db
from mip.core.problems import describe

if TYPE_CHECKING:
    from mip.core.runtime import ServiceRuntime

log = logging.getLogger("mip.app")


async def check_parts(runtime: ServiceRuntime) -> dict[str, str]:
    """Each part's state: "ok", or a word for what is wrong with it.

    The words are public: they name the part that is down, never its address or the
    driver's words about it; those go to the log for whoever runs the service.
    """
    checks: dict[str, str] = {}
    try:
        await db.ping(runtime.pool)
        checks["database"] = "ok"
    except Exception as exc:  # a health check reports every failure rather than raising it
        log.warning("health check: database unreachable: %s", describe(exc))
        checks["database"] = "unreachable"
    try:
        await runtime.temporal.check()
        checks["temporal"] = (
            "ok" if runtime.temporal.worker_running else "connected, worker starting"
        )
    except Exception as exc:  # the check reports any failure rather than raising it
        log.warning("health check: temporal unreachable: %s", describe(exc))
        checks["temporal"] = "unreachable"
    return checks
