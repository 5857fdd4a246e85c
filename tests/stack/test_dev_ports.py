"""A taken port is named on the console with the way round it (issue 13 item 9), and
`mip check` with nothing there names the address it tried (issue 13 item 4); `mip dev`
says where the metrics are (issue 16)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from launcher.stack import DevOptions, DevStack, _say
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


def test_mip_dev_says_where_the_metrics_are_at_its_offset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", raising=False)
    stack = DevStack(DevOptions(data_dir=tmp_path, port_offset=500))
    stack.env = {"DATABASE_URL": "postgresql://db/mip", "TEMPORAL_ADDRESS": "127.0.0.1:7733"}
    stack.children = stack.apps()  # listed, not started
    worker = stack.children[0]
    _say(stack.table())
    printed = capsys.readouterr().out
    assert "metrics http://127.0.0.1:9964/metrics" in printed
    assert worker.env["MIP_WORKER_METRICS_ADDRESS"] == "127.0.0.1:9964"
    assert "http://127.0.0.1:8501/docs, /metrics" in printed
    assert "traces off (set OTEL_EXPORTER_OTLP_ENDPOINT" in printed
    assert stack.ports()[9964] == "worker metrics"  # a taken one stops `mip dev` first
