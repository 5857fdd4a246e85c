"""One `mip dev` per data directory (issue 21 item 5): a second on a directory in use
refuses before it starts anything, names the one holding it, and leaves the first's
run/ files, and so `mip check --data-dir`, working; a holder that dies lets go."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from launcher.datalock import DataDirInUse, DataDirLock
from launcher.stack import TEMPORAL_PORT, port_free
from tests.support.ports import free_offset


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SMTP_URL")}


def _mip(*args: str, timeout_s: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "launcher.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout_s,
        env=_env(),
        check=False,
    )


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_a_lock_whose_holder_died_is_free_again(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from launcher.datalock import "
            "DataDirLock; DataDirLock(Path(sys.argv[1])).acquire(port_offset=7); "
            "print('held', flush=True); time.sleep(60)",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(DataDirInUse) as refused:
            DataDirLock(tmp_path).acquire(port_offset=0)
        assert f"pid {holder.pid}, --port-offset 7, portal http://127.0.0.1:8007/" in str(
            refused.value
        )
    finally:
        holder.kill()  # as a crash would: no chance to let go
        holder.communicate()
    lock = DataDirLock(tmp_path)
    lock.acquire(port_offset=0)
    lock.release()


def test_mip_dev_on_a_held_data_directory_refuses_at_once_and_touches_nothing(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "mip-data"
    held = DataDirLock(data_dir)
    held.acquire(port_offset=5)
    run = data_dir / "run"
    run.mkdir()
    (run / "stack.json").write_text('{"temporal_address": "127.0.0.1:7238", "port_offset": 5}')
    (run / "temporal.pid").write_text("12345\n")
    try:
        started = time.monotonic()
        done = _mip("dev", "--data-dir", str(data_dir), "--port-offset", str(free_offset()))
        took = time.monotonic() - started
    finally:
        held.release()
    console = done.stdout + done.stderr
    assert done.returncode == 1, console
    assert took < 15, console
    assert f"in use by another `mip dev` (pid {os.getpid()}, --port-offset 5" in console
    assert "--data-dir" in console
    assert "starting" not in console
    assert "Traceback" not in console
    assert sorted(p.name for p in data_dir.iterdir()) == ["mip-dev.lock", "run"]
    assert _files(run) == {
        "stack.json": b'{"temporal_address": "127.0.0.1:7238", "port_offset": 5}',
        "temporal.pid": b"12345\n",
    }


@contextmanager
def _mip_dev(data_dir: Path, offset: int) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "launcher.cli", "dev"),
            *("--data-dir", str(data_dir), "--port-offset", str(offset)),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=_env(),
    )
    assert process.stdout is not None
    lines: list[str] = []
    try:
        for line in process.stdout:
            lines.append(line.rstrip())
            if line.startswith("MIP is up") or "✗" in line:
                break
        assert any(line.startswith("MIP is up") for line in lines), "\n".join(lines)
        yield process
    finally:
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=60)
        lines.extend(rest.splitlines())
    assert process.returncode == 0, "\n".join(lines)


@pytest.mark.smoke
def test_a_second_mip_dev_on_a_running_stacks_data_refuses_and_the_first_runs_on(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "mip-data"
    first_offset = free_offset()
    with _mip_dev(data_dir, first_offset) as first:
        run = data_dir / "run"
        before = _files(run)
        assert "stack.json" in before
        assert "temporal.pid" in before
        second_offset = free_offset(avoid=(first_offset,))
        second = _mip("dev", "--data-dir", str(data_dir), "--port-offset", str(second_offset))
        console = second.stdout + second.stderr
        assert second.returncode == 1, console
        assert f"pid {first.pid}, --port-offset {first_offset}" in console
        # Nothing of the second was started, and the first's run/ files are as they were.
        assert port_free(TEMPORAL_PORT + second_offset)
        assert _files(run) == before
        for pid_file in run.glob("*.pid"):
            os.kill(int(pid_file.read_text()), 0)  # each names a live part of the first
        checked = _mip("check", "--data-dir", str(data_dir))
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "applications" in checked.stdout
