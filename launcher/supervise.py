"""Keeping `mip dev`'s children up: one that dies is started again, after a back-off.

A child that exits unexpectedly is announced on the console with its exit code and
restarted after 1 s, then 2, 4 ... up to 30 s if it keeps dying; once it has stayed up a
minute, the next death starts the back-off again at 1 s. The supervisor is cancelled when
the stack stops (Ctrl-C), also while it waits out a back-off or a restart's ready check.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from launcher.process import Child

POLL_S = 0.25  # how soon a death is noticed


@dataclass(frozen=True)
class Backoff:
    first_s: float = 1.0
    cap_s: float = 30.0
    # Up at least this long and the child counts as healthy: the next delay is first_s.
    settle_s: float = 60.0

    def delay(self, streak: int) -> float:
        """The wait before restart number `streak` (0-based) of a run of quick deaths."""
        return float(min(self.cap_s, self.first_s * 2 ** min(streak, 30)))


class Supervisor:
    def __init__(
        self,
        child: Child,
        *,
        say: Callable[[str], None],
        backoff: Backoff | None = None,
        startup_timeout_s: float = 120.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.child = child
        self.say = say
        self.backoff = backoff or Backoff()
        self.startup_timeout_s = startup_timeout_s
        self.clock = clock
        self.restarts = 0

    async def run(self) -> None:
        """Watch the (started, ready) child for ever; restart it each time it dies."""
        streak = 0
        up_since = self.clock()
        while True:
            code = await self._exited()
            if self.clock() - up_since >= self.backoff.settle_s:
                streak = 0
            delay = self.backoff.delay(streak)
            streak += 1
            self.restarts += 1
            self.say(
                f"  ✗ {self.child.name} exited with code {code}; "
                f"restarting in {delay:g}s (restart {self.restarts})"
            )
            await asyncio.sleep(delay)
            up_since = self.clock()
            self.child.start()
            try:
                took = await self.child.wait_ready(self.startup_timeout_s)
            except (RuntimeError, TimeoutError) as exc:
                self.say(f"  ✗ {self.child.name} did not come back: {exc}")
                self.child.stop()  # one that hangs unready is stopped, then tried again
                continue
            pid = self.child.process.pid if self.child.process else 0
            self.say(f"  ✓ {self.child.name:<14} back in {took:.1f}s (pid {pid})")

    async def _exited(self) -> int:
        # Polled: a child's exit is no event the loop can await without a thread per child.
        while (code := self.child.exit_code) is None:  # noqa: ASYNC110
            await asyncio.sleep(POLL_S)
        return code
