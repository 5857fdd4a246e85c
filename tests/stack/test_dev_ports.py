"""A taken port is named on the console with the way round it (issue 13 item 9), and
`mip check` with nothing there names the address it tried (issue 13 item 4)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.support.ports import free_offset


def _mip(*args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SMTP_URL")}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "launcher.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    return done, time.monotonic() - started


def test_mip_dev_names_a_taken_port_and_suggests_an_offset(tmp_path: Path) -> None:
    offset = free_offset()
    taken = 8002 + offset  # the offers service's port
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", taken))
        squatter.listen()
        done, took = _mip(
            "dev", "--data-dir", str(tmp_path / "mip-data"), "--port-offset", str(offset)
        )
    console = done.stdout + done.stderr
    assert done.returncode != 0, console
    assert took < 15, console
    [said] = [line for line in console.splitlines() if str(taken) in line]
    assert "offers" in said, console
    assert "--port-offset" in said, console
    assert "Traceback" not in console
    assert not (tmp_path / "mip-data" / "run" / "stack.json").exists()


def test_mip_check_with_nothing_listening_prints_one_line_naming_the_address() -> None:
    offset = free_offset()
    done, _ = _mip("check", "--port-offset", str(offset), "--within", "5")
    assert done.returncode != 0
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert f"127.0.0.1:{7233 + offset}" in lines[0]


def test_mip_check_finds_the_stack_a_data_directory_names(tmp_path: Path) -> None:
    offset = free_offset()
    run = tmp_path / "run"
    run.mkdir()
    address = f"127.0.0.1:{7233 + offset}"
    (run / "stack.json").write_text(f'{{"temporal_address": "{address}", "port_offset": {offset}}}')
    done, _ = _mip("check", "--data-dir", str(tmp_path), "--within", "5")
    assert done.returncode != 0
    assert address in done.stderr, done.stderr
