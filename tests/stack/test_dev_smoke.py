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
from temporalio.service import RPCError

from mip.core import ids
from mip.core.auth import Role
from mip.core.settings import Settings
from mip.core.temporal import connect
from tests.support.docs_pages import asset_urls
from tests.support.ports import free_offset
from workflows.queues import WORKFLOWS
from workflows.stack_check import StackCheckInput, StackCheckWorkflow

pytestmark = pytest.mark.smoke

OFFSET = free_offset()  # beside, not on top of, a developer's own `mip dev` or another test's
SERVICE_PORTS = [8001 + OFFSET, 8002 + OFFSET, 8003 + OFFSET, 8004 + OFFSET]
TEMPORAL = f"127.0.0.1:{7233 + OFFSET}"
UI = f"http://127.0.0.1:{8233 + OFFSET}"
MAIL = f"http://127.0.0.1:{8025 + OFFSET}"
PORTAL = f"http://127.0.0.1:{8000 + OFFSET}"
CHECK_ID = "smoke-stack-check"


def _pids(table: list[str]) -> list[int]:
    """The process ids `mip dev` printed in its table: its own children, none other."""
    return [int(m[1]) for line in table if (m := re.match(r"^\s+\S+\s+(\d+)\s", line))]


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _mip_check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "launcher.cli", "check", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


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
            for page in ("/docs", "/redoc"):
                shown = await http.get(f"http://127.0.0.1:{port}{page}")
                assert shown.status_code == 200
                # Served with no outside request: every asset is this service's own.
                for url in asset_urls(shown.text):
                    assert url.startswith("/"), url
                    assert (await http.get(f"http://127.0.0.1:{port}{url}")).status_code == 200
        assert (await http.get(UI)).status_code == 200
        assert (await http.get(MAIL)).status_code == 200
        assert (await http.get(f"{PORTAL}/")).status_code == 200
        assert (await http.get(f"{PORTAL}/.well-known/jwks.json")).json()["keys"]
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
            "portal",
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
        pids = _pids(lines)
        # `mip check` follows the stack it is pointed at: by offset, or by data directory.
        for how in (("--port-offset", str(OFFSET)), ("--data-dir", str(data_dir))):
            checked = _mip_check(*how)
            assert checked.returncode == 0, checked.stdout + checked.stderr
            assert "applications" in checked.stdout, checked.stdout

    await asyncio.sleep(0.5)
    assert len(pids) == 9
    assert [pid for pid in pids if not _gone(pid)] == []

    with mip_dev(data_dir, "--demo") as lines:
        assert any("demo round 'Micro-internships 2019 (as advertised)'" in line for line in lines)
        second_status = await _check_every_part(settings)
        async with httpx.AsyncClient(timeout=10) as http:
            listed = await http.get(
                f"http://127.0.0.1:{SERVICE_PORTS[0]}/v1/placements",
                headers={"Authorization": f"Bearer {_office_token(settings)}"},
            )
        # The open copy of 2019's five, and the day's rehearsal round's two, marked so.
        placements = listed.json()
        assert len(placements) == 7
        assert sum(1 for p in placements if p["rehearsal"]) == 2
        client = await connect(settings)
        async with httpx.AsyncClient(timeout=10) as http:
            rounds = await http.get(
                f"http://127.0.0.1:{SERVICE_PORTS[0]}/v1/rounds",
                headers={"Authorization": f"Bearer {_office_token(settings)}"},
            )
        by_name = {r["name"]: r["id"] for r in rounds.json()}
        historic = by_name["Micro-internships 2019 (as advertised)"]
        [playable] = [i for n, i in by_name.items() if n.endswith("(2019 calendar)")]
        # The 2019 round is history: its workflow never ran, so nothing was announced.
        ended = await client.get_workflow_handle(ids.round_(historic)).describe()
        assert ended.status is not None
        assert ended.status.name == "TERMINATED"
        with pytest.raises(RPCError):
            await client.get_workflow_handle(f"alerts-round-{historic}-advertised").describe()
        running = await client.get_workflow_handle(ids.round_(playable)).describe()
        assert running.status is not None
        assert running.status.name == "RUNNING"
        described = await client.get_workflow_handle(CHECK_ID).describe()
        assert described.status is not None
        assert described.status.name == "COMPLETED"
    # The rows of the first run are still there, not re-created.
    assert second_status["migrations"] == first_status["migrations"]
