"""A limit on how often one client, or one address, may do something that writes or
sends e-mail without a token (joining the alerts list): a sliding window per key, held
in the process. Behind several replicas each holds its own window, which still bounds
what one client can make MIP send."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

from mip.core.errors import MIPError


class TooManyRequests(MIPError):
    status = 429
    slug = "too-many-requests"
    title = "Too many requests"


class SlidingWindow:
    def __init__(
        self, *, limit: int, per_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._limit = limit
        self._per_s = per_s
        self._clock = clock
        self._seen: dict[str, deque[float]] = {}

    def hit(self, key: str, what: str) -> None:
        """Count one use by `key`; refuse it (429, Retry-After) past the limit."""
        now = self._clock()
        seen = self._seen.setdefault(key, deque())
        while seen and seen[0] <= now - self._per_s:
            seen.popleft()
        if len(seen) >= self._limit:
            wait = max(1, math.ceil(seen[0] + self._per_s - now))
            raise TooManyRequests(
                f"Too many requests to {what} just now; try again in {wait} seconds.",
                retry_after_s=wait,
            )
        seen.append(now)
        if len(self._seen) > 10_000:  # forget the quiet keys rather than grow without end
            self._seen = {k: v for k, v in self._seen.items() if v and v[-1] > now - self._per_s}
