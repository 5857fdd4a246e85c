"""`mip dev` brings up every part, stops them all on Ctrl-C, and finds its data again."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from mip.core.auth import Role
from mip.core.settings import Settings
from mip.core.temporal import connect
from workflows.queues import WORKFLOWS
from workflows.stack_check import StackCheckInput, StackCheckWorkflow

pytestmark = pytest.mark.smoke

OFFSET = 100  # beside, not on top of, a developer's own `mip dev`
SERVICE_PORTS = [8001 + OFFSET, 8002 + OFFSET, 8003 + OFFSET, 8004 + OFFSET]
TEMPORAL = f"127.0.0.1:{7233 + OFFSET}"
UI = f"http://127.0.0.1:{8233 + OFFSET}"
MAIL = f"http://127.0.0.1:{8025 + OFFSET}"
CHECK_ID = "smoke-stack-check"


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if text in cmdline:
            found.append(int(entry.name))
    return found


@contextmanager
def mip_dev(data_dir: Path, *extra: str) -> Iterator[list[str]]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SMTP_URL")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "launcher.cli",
            "dev",
            "--data-dir",
            str(data_dir),
            "--port-offset",
            str(OFFSET),
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    lines: list[str] = []
    try:
        for line in process.stdout:
            lines.append(line.rstrip())
            if line.startswith("MIP is up") or "failed to start" in line:
                break
        assert any(line.startswith("MIP is up") for line in lines), "\n".join(lines)
        yield lines
    finally:
        process.send_signal(signal.SIGINT)  # what Ctrl-C sends
        rest, _ = process.communicate(timeout=60)
        lines.extend(rest.splitlines())
    assert process.returncode == 0, "\n".join(lines)
    assert lines[-1] == "MIP stopped."


async def _check_every_part(settings: Settings) -> dict[str, object]:
    headers = {"Authorization": f"Bearer {_office_token(settings)}"}
    async with httpx.AsyncClient(timeout=10) as http:
        for port in SERVICE_PORTS:
            health = await http.get(f"http://127.0.0.1:{port}/healthz")
            assert health.status_code == 200, health.text
            assert (await http.get(f"http://127.0.0.1:{port}/docs")).status_code == 200
        assert (await http.get(UI)).status_code == 200
        assert (await http.get(MAIL)).status_code == 200
        status = await http.get(
            f"http://127.0.0.1:{SERVICE_PORTS[0]}/v1/admin/status", headers=headers
        )
        body: dict[str, object] = status.json()
        return body


def _office_token(settings: Settings) -> str:
    from mip.core.auth import mint_token

    return mint_token(settings, role=Role.office, subject="office@example.org")


async def test_mip_dev_runs_everything_stops_cleanly_and_keeps_its_data(tmp_path: Path) -> None:
    data_dir = tmp_path / "mip-data"
    settings = Settings(temporal_address=TEMPORAL)

    with mip_dev(data_dir) as lines:
        table = "\n".join(lines)
        for part in (
            "postgres",
            "temporal",
            "mail",
            "worker",
            "applications",
            "offers",
            "expenses",
            "notifications",
        ):
            assert re.search(rf"^\s+{part}\s+\d+\s", table, re.MULTILINE), table
        first_status = await _check_every_part(settings)
        client = await connect(settings)
        result = await client.execute_workflow(
            StackCheckWorkflow.run, StackCheckInput(), id=CHECK_ID, task_queue=WORKFLOWS
        )
        assert result.ok

    await asyncio.sleep(0.5)
    assert _processes_mentioning(str(data_dir)) == []
    assert _processes_mentioning(f"--port {7233 + OFFSET}") == []

    with mip_dev(data_dir, "--demo") as lines:
        assert any("demo round 'Micro-internships 2019 (as advertised)'" in line for line in lines)
        second_status = await _check_every_part(settings)
        async with httpx.AsyncClient(timeout=10) as http:
            listed = await http.get(
                f"http://127.0.0.1:{SERVICE_PORTS[0]}/v1/placements",
                headers={"Authorization": f"Bearer {_office_token(settings)}"},
            )
        assert len(listed.json()) == 5
        client = await connect(settings)
        described = await client.get_workflow_handle(CHECK_ID).describe()
        assert described.status is not None
        assert described.status.name == "COMPLETED"
    # The rows of the first run are still there, not re-created.
    assert second_status["migrations"] == first_status["migrations"]
