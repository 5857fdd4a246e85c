"""A child process of `mip dev` (or of a test fixture): started, waited for, stopped."""

from __future__ import annotations

import asyncio
import ctypes
import os
import pwd
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

ReadyCheck = Callable[[], Awaitable[None]]


def _die_with_parent() -> None:
    # Linux only: if `mip dev` is killed outright, its children go too.
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)


@dataclass
class Child:
    name: str
    argv: Sequence[str]
    log_path: Path
    ready: ReadyCheck
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    user: str | None = None
    stop_signal: int = signal.SIGTERM
    url: str = ""
    # Where the running process's id is written, for a person (or a test) to signal it.
    pid_file: Path | None = None
    process: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = None

    def start(self) -> None:
        """Start the process; again after it exited, appending to the same log."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        if self._log is not None:
            self._log.close()
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            list(self.argv),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **self.env},
            cwd=self.cwd,
            **as_user(self.user),
            start_new_session=True,  # Ctrl-C reaches `mip dev`, which stops children in order
            preexec_fn=_die_with_parent,
        )
        if self.pid_file is not None:
            self.pid_file.parent.mkdir(parents=True, exist_ok=True)
            self.pid_file.write_text(f"{self.process.pid}\n")

    @property
    def exit_code(self) -> int | None:
        """None while it runs; its exit status after (negative: the signal that ended it)."""
        return None if self.process is None else self.process.poll()

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    async def wait_ready(self, timeout_s: float) -> float:
        """Poll the ready check until it passes; return how long it took."""
        started = time.monotonic()
        deadline = started + timeout_s
        last: Exception | None = None
        while time.monotonic() < deadline:
            if not self.running:
                raise RuntimeError(f"{self.name} exited early; see {self.log_path}")
            try:
                await self.ready()
                return time.monotonic() - started
            except Exception as exc:  # not ready yet, whatever the reason
                last = exc
                await asyncio.sleep(0.2)
        raise TimeoutError(
            f"{self.name} not ready after {timeout_s:.0f}s ({last}); see {self.log_path}"
        )

    def stop(self, timeout_s: float = 15.0) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(self.stop_signal)
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        if self._log is not None:
            self._log.close()
            self._log = None
        if self.pid_file is not None:
            self.pid_file.unlink(missing_ok=True)


def as_user(user: str | None) -> dict[str, Any]:
    """Popen arguments that drop to `user` and its group alone (no root groups kept)."""
    if user is None:
        return {}
    return {"user": user, "group": pwd.getpwnam(user).pw_gid, "extra_groups": []}


async def tcp_open(host: str, port: int) -> None:
    _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 1.0)
    writer.close()
    await writer.wait_closed()
