"""Moving the portal's clock (link and session expiry, its rate limits) without sleeping."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from services.portal.runtime import PortalRuntime


@contextmanager
def clock_moved(runtime: PortalRuntime, by: timedelta) -> Iterator[None]:
    real = runtime.clock
    runtime.clock = lambda: real() + by
    try:
        yield
    finally:
        runtime.clock = real
