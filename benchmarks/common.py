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
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from pypdf import PdfWriter
from pypdf.generic import NameObject, StreamObject

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
    gate = asyncio.Semaphore(concurrency)

    async def one(job: Callable[[], Awaitable[Any]]) -> Any:
        async with gate:
            return await job()

    return await asyncio.gather(*(one(j) for j in jobs))


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


def peak_memory_by_process() -> dict[str, int]:
    """Peak resident memory (VmHWM, KiB) of each MIP process on this machine (Linux)."""
    found: dict[str, int] = {}
    names = {
        "services.applications": "applications",
        "services.offers": "offers",
        "services.expenses": "expenses",
        "services.notifications": "notifications",
        "workflows.worker": "worker",
        "mailcatcher": "mail",
        "server start-dev": "temporal",
        "postgres -D": "postgres",
    }
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            status = (entry / "status").read_text()
        except OSError:
            continue
        for needle, name in names.items():
            if needle in cmdline:
                hwm = next(
                    (
                        int(line.split()[1])
                        for line in status.splitlines()
                        if line.startswith("VmHWM:")
                    ),
                    0,
                )
                found[name] = max(found.get(name, 0), hwm)
    return found


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
