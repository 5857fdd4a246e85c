"""What every benchmark needs: where the stack runs, tokens, a real CV, a clock, figures.

Benchmarks talk to a running stack (`mip dev`, or any deployment) over HTTP like any
client, and to its Temporal server and mail folder to check that nothing was lost.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from pypdf import PdfWriter
from pypdf.generic import NameObject, StreamObject

from mip.core.aio import at_most
from mip.core.auth import Role, mint_token
from mip.core.settings import Settings


@dataclass
class Target:
    applications: str = os.environ.get("MIP_APPLICATIONS_URL", "http://127.0.0.1:8001")
    offers: str = os.environ.get("MIP_OFFERS_URL", "http://127.0.0.1:8002")
    notifications: str = os.environ.get("MIP_NOTIFICATIONS_URL", "http://127.0.0.1:8004")
    temporal: str = os.environ.get("TEMPORAL_ADDRESS", "127.0.0.1:7233")
    mail_dir: Path = Path(os.environ.get("MIP_DATA_DIR", ".mip")) / "mail"
    settings: Settings = field(default_factory=Settings)

    def headers(self, role: Role, subject: str) -> dict[str, str]:
        token = mint_token(self.settings, role=role, subject=subject, ttl_s=6 * 3600)
        return {"Authorization": f"Bearer {token}"}


def two_page_cv(target_bytes: int = 100_000) -> bytes:
    """A real two-page PDF of about `target_bytes`: pages with an incompressible stream."""
    writer = PdfWriter()
    for page_number in range(2):
        page = writer.add_blank_page(width=595, height=842)
        stream = StreamObject()
        noise = os.urandom(target_bytes // 4).hex().encode()
        stream._data = b"BT /F1 10 Tf 50 780 Td (" + noise + b") Tj ET"
        page[NameObject("/Contents")] = writer._add_object(stream)
        del page_number
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def latency_figures(seconds: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(percentile(seconds, 50) * 1000, 1),
        "p95_ms": round(percentile(seconds, 95) * 1000, 1),
        "p99_ms": round(percentile(seconds, 99) * 1000, 1),
        "mean_ms": round(statistics.fmean(seconds) * 1000, 1) if seconds else float("nan"),
    }


async def bounded(concurrency: int, jobs: Iterable[Callable[[], Awaitable[Any]]]) -> list[Any]:
    """Run `jobs` with at most `concurrency` at once; results in order."""
    return await at_most(concurrency, jobs)


@dataclass
class Retries:
    """Transport errors retried, counted for the figures."""

    count: int = 0


async def send_once(
    http: httpx.AsyncClient,
    method: str,
    url: str,
    retries: Retries,
    *,
    attempts: int = 5,
    **kw: Any,
) -> httpx.Response:
    """A write with an `Idempotency-Key`, sent again with the same key after a transport
    error (a dropped connection): what a client of MIP should do, so a retry never makes a
    second application (docs/architecture.md, "What a client may rely on")."""
    headers = {**kw.pop("headers", {}), "Idempotency-Key": str(uuid.uuid4())}
    for attempt in range(attempts):
        try:
            return await http.request(method, url, headers=headers, **kw)
        except httpx.TransportError:
            if attempt == attempts - 1:
                raise
            retries.count += 1
            await asyncio.sleep(0.2 * 2**attempt)
    raise AssertionError("unreachable")


async def timed(call: Awaitable[httpx.Response]) -> tuple[float, httpx.Response]:
    started = time.perf_counter()
    response = await call
    return time.perf_counter() - started, response


# A needle in a process's command line, and the part of MIP it is.
PROCESSES = {
    "services.applications": "applications",
    "services.offers": "offers",
    "services.expenses": "expenses",
    "services.notifications": "notifications",
    "workflows.worker": "worker",
    "mailcatcher": "mail",
    "server start-dev": "temporal",
    "postgres -D": "postgres",
}


def _processes(needles: dict[str, str]) -> Iterator[tuple[str, Path]]:
    """(part, /proc entry) of each process whose command line holds a needle (Linux)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        for needle, name in needles.items():
            if needle in cmdline:
                yield name, entry


def peak_memory_by_process() -> dict[str, int]:
    """Peak resident memory (VmHWM, KiB) of each MIP process on this machine (Linux)."""
    found: dict[str, int] = {}
    for name, entry in _processes(PROCESSES):
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        hwm = next(
            (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")),
            0,
        )
        found[name] = max(found.get(name, 0), hwm)
    return found


def cpu_seconds_by_process() -> dict[str, float]:
    """CPU time (user and system) each part of MIP has used so far, PostgreSQL's backends
    with their server, and this benchmark's own: the difference of two readings is what a
    run cost each part of the machine's cores."""
    ticks = os.sysconf("SC_CLK_TCK")
    found: dict[str, float] = {"benchmark": sum(os.times()[:2])}
    for name, entry in _processes({**PROCESSES, "postgres: ": "postgres"}):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # utime and stime: the 14th and 15th fields, counted after the ")" of the name.
        found[name] = found.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / ticks
    return found


def cpu_used(before: dict[str, float], after: dict[str, float], seconds: float) -> dict[str, float]:
    """Cores each part kept busy between two readings `seconds` apart, and in all."""
    used = {name: (after[name] - before.get(name, 0.0)) / seconds for name in after}
    used["all"] = sum(used.values())
    return {name: round(cores, 2) for name, cores in sorted(used.items())}


def print_table(title: str, rows: list[tuple[str, Any]]) -> None:
    width = max(len(name) for name, _ in rows)
    print(f"\n{title}\n{'-' * len(title)}")
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")


def write_json(path: Path, figures: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures, indent=2, default=str))
    print(f"\nfigures written to {path}")


def flat_rows(figures: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Table rows for nested figures: a dict's entries as "outer.inner" rows."""
    rows: list[tuple[str, Any]] = []
    for name, value in figures.items():
        if isinstance(value, dict) and value:
            rows += flat_rows(value, f"{prefix}{name}.")
        else:
            rows.append((f"{prefix}{name}", value))
    return rows
