"""`mip serve NAME`: one MIP service behind uvicorn, as a container (or any host) runs it.

The registry below is every service `mip serve` and `mip migrate` know: adding one is one
line. Each entry names the module holding the service's `create_app` factory and, where
the service keeps tables, its `SPEC` (whose migrations `mip migrate` applies).

Behind a reverse proxy or the portal, uvicorn believes X-Forwarded-For and -Proto only
from the peers `MIP_FORWARDED_ALLOW_IPS` names, so the client address a service sees (the
alerts rate limit counts by it) is the real client's behind a trusted proxy and the
peer's own otherwise. On SIGTERM uvicorn stops accepting, lets requests in flight finish
for up to `MIP_SHUTDOWN_GRACE_S`, then the service's activity worker does the same.
"""

from __future__ import annotations

import importlib
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import uvicorn

from mip.core.runtime import ServiceSpec
from mip.core.settings import Settings


@dataclass(frozen=True)
class Served:
    name: str
    module: str
    # Where `mip serve` listens without --port or MIP_PORT (the port `mip dev` gives it).
    port: int

    def create(self) -> Any:
        """The app, made now: what its factory refuses (a production portal without its
        key, a key file it cannot read) is said before a port is opened."""
        factory: Callable[[], Any] = importlib.import_module(self.module).create_app
        return factory()

    def spec(self) -> ServiceSpec | None:
        """The service's spec, if it has one (its schema and migrations)."""
        spec = getattr(importlib.import_module(self.module), "SPEC", None)
        return spec if isinstance(spec, ServiceSpec) else None


SERVED: dict[str, Served] = {
    served.name: served
    for served in (
        Served("applications", "services.applications.app", 8001),
        Served("offers", "services.offers.app", 8002),
        Served("expenses", "services.expenses.app", 8003),
        Served("notifications", "services.notifications.app", 8004),
        Served("portal", "services.portal.app", 8000),
    )
}


# Where `mip worker` answers its health checks without --port or MIP_PORT: not the
# portal's 8000 nor any other port `mip dev` takes, so one can run beside a dev stack.
WORKER_PORT = 8005


def default_host() -> str:
    """Loopback unless told otherwise: the image sets MIP_HOST=0.0.0.0 for its network."""
    return os.environ.get("MIP_HOST", "127.0.0.1")


def default_port(served: Served) -> int:
    return int(os.environ.get("MIP_PORT", served.port))


def uvicorn_config(
    app: str | Callable[..., Any], settings: Settings, *, host: str, port: int
) -> uvicorn.Config:
    """How every service is served: `app` is an import string of a factory, or an app."""
    return uvicorn.Config(
        app,
        factory=isinstance(app, str),
        host=host,
        port=port,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        timeout_graceful_shutdown=math.ceil(settings.shutdown_grace_s),
        timeout_keep_alive=settings.http_keep_alive_s,
        log_level=settings.log_level.lower(),
        server_header=False,
        lifespan="on",
    )


def serve(app: Any, settings: Settings, *, host: str, port: int) -> int:
    server = uvicorn.Server(uvicorn_config(app, settings, host=host, port=port))
    server.run()
    return 0 if server.started else 3  # 3: as uvicorn says a start-up failed
