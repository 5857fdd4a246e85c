"""Peak resident memory of each part of a `mip dev` stack during a run, sampled from /proc.

Each part is found by the process id `mip dev` writes to <data dir>/run/<part>.pid, and
checked by its command line (a stale file's id may be another process's by now); a part
counts with every process below it, so PostgreSQL is its postmaster and all its backends
summed at the same instant. Each backend's RSS counts the shared buffers it touched, so
that sum overstates what PostgreSQL holds; "postgres_pss" is the same sum of proportional
set sizes (shared pages split between the processes that map them). Without a run
directory (a stack not started by `mip dev`), parts are found by command line alone, on
the whole machine. The benchmark's own process is "benchmark". Linux only.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

# What each part's command line holds (launcher/stack.py, launcher/temporal.py).
PARTS = {
    "temporal": "server start-dev",
    "postgres": "postgres",
    "mail": "launcher.mailcatcher",
    "portal": "services.portal.app",
    "applications": "services.applications.app",
    "offers": "services.offers.app",
    "expenses": "services.expenses.app",
    "notifications": "services.notifications.app",
    "worker": "workflows.worker",
}
_PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


def _cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _rss_kib(pid: int) -> int:
    try:
        return int((Path("/proc") / str(pid) / "statm").read_text().split()[1]) * _PAGE_KIB
    except (OSError, IndexError, ValueError):
        return 0


def _pss_kib(pid: int) -> int:
    try:
        with (Path("/proc") / str(pid) / "smaps_rollup").open() as rollup:
            line = next((line for line in rollup if line.startswith("Pss:")), "Pss: 0")
    except OSError:
        return 0
    return int(line.split()[1])


def _children() -> dict[int, list[int]]:
    """Each process's children, from every /proc/<pid>/stat now."""
    below: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rpartition(")")[2].split()[1])
        below[parent].append(int(entry.name))
    return below


def _tree(pid: int, below: dict[int, list[int]]) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(below.get(current, []))
    return found


def _roots(run_dir: Path) -> dict[str, list[int]]:
    """Each part's top process(es): from its pid file, or else by command line."""
    roots: dict[str, list[int]] = {}
    if run_dir.is_dir():
        for part, needle in PARTS.items():
            try:
                pid = int((run_dir / f"{part}.pid").read_text())
            except (OSError, ValueError):
                continue
            if needle in _cmdline(pid):
                roots[part] = [pid]
        return roots
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            line = _cmdline(int(entry.name))
            for part, needle in PARTS.items():
                if needle in line:
                    roots.setdefault(part, []).append(int(entry.name))
    return roots


@dataclass
class Peaks:
    """The highest RSS seen for each part, in KiB, over `samples` samples."""

    kib: dict[str, int] = field(default_factory=dict)
    samples: int = 0

    def take(self, run_dir: Path) -> None:
        below = _children()
        now = {"benchmark": _rss_kib(os.getpid())}
        for part, pids in _roots(run_dir).items():
            tree = {p for root in pids for p in _tree(root, below)}
            now[part] = sum(_rss_kib(p) for p in tree)
            if part == "postgres":
                now["postgres_pss"] = sum(_pss_kib(p) for p in tree)
        for part, kib in now.items():
            self.kib[part] = max(self.kib.get(part, 0), kib)
        self.samples += 1

    def mib(self) -> dict[str, float]:
        return {part: round(kib / 1024, 1) for part, kib in sorted(self.kib.items())}


@contextlib.asynccontextmanager
async def sampled(data_dir: Path, every_s: float = 1.0) -> AsyncIterator[Peaks]:
    """Sample every `every_s` seconds while the block runs (an asyncio task)."""
    peaks = Peaks()
    run_dir = data_dir / "run"

    async def sample() -> None:
        while True:
            peaks.take(run_dir)  # a few milliseconds of reading /proc
            await asyncio.sleep(every_s)

    task = asyncio.create_task(sample())
    try:
        yield peaks
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        peaks.take(run_dir)  # the end's state too
