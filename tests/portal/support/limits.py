"""Sign-in rate limits a test sets for a while on the portal under test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from mip.core.ratelimit import SlidingWindow
from tests.portal.support.stack import PortalStack


@contextmanager
def limits(stack: PortalStack, *, per_client: int, per_address: int) -> Iterator[None]:
    runtime = stack.runtime
    before = runtime.per_client, runtime.per_address

    def clock() -> float:
        return runtime.clock().timestamp()

    runtime.per_client = SlidingWindow(limit=per_client, per_s=600, clock=clock)
    runtime.per_address = SlidingWindow(limit=per_address, per_s=3600, clock=clock)
    try:
        yield
    finally:
        runtime.per_client, runtime.per_address = before
