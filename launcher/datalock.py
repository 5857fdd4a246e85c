"""One `mip dev` per data directory.

Two stacks on one data directory would share PostgreSQL's data folder and Temporal's
SQLite file: the second fails half way through starting and, on its way out, removes the
first's run/ files. So `mip dev` takes an exclusive lock on <data dir>/mip-dev.lock before
it starts or writes anything, and holds it while it runs. The lock is the OS's (flock),
not the file's existence: it goes with the process however that ends, so a stack that
crashed or was killed never leaves its directory locked. The file's text says who holds
it (pid, port offset), for the refusal a second `mip dev` prints.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from dataclasses import dataclass
from pathlib import Path

LOCK_FILE = "mip-dev.lock"
PORTAL_PORT = 8000  # as services/portal/app.py's SPEC; not imported, to stay light


@dataclass(frozen=True)
class Holder:
    """Who holds a data directory, as its lock file says; None where it says nothing."""

    pid: int | None
    port_offset: int | None


class DataDirInUse(RuntimeError):
    def __init__(self, data_dir: Path, holder: Holder) -> None:
        self.data_dir = data_dir
        self.holder = holder
        who = "another `mip dev`"
        if holder.pid is not None:
            who += f" (pid {holder.pid}"
            if holder.port_offset is not None:
                portal = PORTAL_PORT + holder.port_offset
                who += f", --port-offset {holder.port_offset}, portal http://127.0.0.1:{portal}/"
            who += ")"
        super().__init__(
            f"{data_dir} is in use by {who}; nothing was started. Stop that one (Ctrl-C in "
            "its terminal), or give this one a --data-dir of its own"
        )


class DataDirLock:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_FILE
        self._fd: int | None = None

    def acquire(self, *, port_offset: int) -> None:
        """Hold the data directory, or raise DataDirInUse naming its holder."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            raise DataDirInUse(self.path.parent, holder) from None
        os.ftruncate(fd, 0)
        said = {"pid": os.getpid(), "port_offset": port_offset}
        os.pwrite(fd, (json.dumps(said) + "\n").encode(), 0)
        self._fd = fd

    def release(self) -> None:
        """Let the directory go. The file stays: removing it would let a process that had
        opened it lock a name no other process can find any more."""
        if self._fd is None:
            return
        # Emptied first, so the next holder's refusals never name this pid.
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)
        os.close(self._fd)  # closing the last descriptor drops the lock
        self._fd = None


def _holder(fd: int) -> Holder:
    try:
        said = json.loads(os.pread(fd, 4096, 0))
        return Holder(int(said["pid"]), int(said["port_offset"]))
    except (OSError, ValueError, KeyError, TypeError):
        # Held, but not yet written by its holder (or not by `mip dev`).
        return Holder(None, None)
