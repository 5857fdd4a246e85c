"""`mip dev`'s supervisor: a child that dies is restarted with a growing back-off, each
restart said on the console; cancelling it (Ctrl-C) ends a back-off at once."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from launcher.process import Child
from launcher.supervise import Backoff, Supervisor
from tests.support.waiting import eventually


async def _ready() -> None:
    return None


def _child(tmp_path: Path, code: str) -> Child:
    return Child(
        name="flaky",
        argv=[sys.executable, "-c", code],
        log_path=tmp_path / "flaky.log",
        ready=_ready,
        pid_file=tmp_path / "run" / "flaky.pid",
    )


def test_backoff_doubles_from_one_second_up_to_thirty() -> None:
    assert [Backoff().delay(n) for n in range(8)] == [1, 2, 4, 8, 16, 30, 30, 30]
    assert Backoff().delay(10_000) == 30


async def test_a_dying_child_is_restarted_with_growing_backoff_and_said_so(
    tmp_path: Path,
) -> None:
    said: list[str] = []
    child = _child(tmp_path, "import sys, time; time.sleep(0.2); sys.exit(3)")
    child.start()
    first_pid = int((tmp_path / "run" / "flaky.pid").read_text())
    supervisor = Supervisor(child, say=said.append, backoff=Backoff(first_s=0.05, cap_s=0.2))
    task = asyncio.create_task(supervisor.run())
    try:

        async def restarted_thrice() -> bool:
            return supervisor.restarts >= 3

        await eventually(restarted_thrice, timeout_s=20)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        child.stop()
    deaths = [line for line in said if "exited" in line]
    assert deaths[:3] == [
        "  ✗ flaky exited with code 3; restarting in 0.05s (restart 1)",
        "  ✗ flaky exited with code 3; restarting in 0.1s (restart 2)",
        "  ✗ flaky exited with code 3; restarting in 0.2s (restart 3)",
    ]
    assert any(line.startswith("  ✓ flaky") and "back in" in line for line in said)
    assert first_pid != (child.process.pid if child.process else 0)
    assert not (tmp_path / "run" / "flaky.pid").exists()  # gone once stopped


async def test_backoff_starts_again_after_the_child_stayed_up(tmp_path: Path) -> None:
    said: list[str] = []
    child = _child(tmp_path, "import time; time.sleep(0.2)")
    child.start()
    supervisor = Supervisor(child, say=said.append, backoff=Backoff(first_s=0.05, settle_s=0.1))
    task = asyncio.create_task(supervisor.run())
    try:

        async def restarted_twice() -> bool:
            return supervisor.restarts >= 2

        await eventually(restarted_twice, timeout_s=20)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        child.stop()
    assert "restarting in 0.05s (restart 2)" in said[2], said


async def test_cancelling_ends_a_backoff_wait_without_restarting(tmp_path: Path) -> None:
    said: list[str] = []
    child = _child(tmp_path, "raise SystemExit(1)")
    child.start()
    task = asyncio.create_task(Supervisor(child, say=said.append).run())

    async def waiting() -> bool:
        return bool(said)

    await eventually(waiting, timeout_s=10)
    assert said == ["  ✗ flaky exited with code 1; restarting in 1s (restart 1)"]
    started = time.monotonic()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert time.monotonic() - started < 0.5
    await asyncio.sleep(1.2)
    assert child.exit_code == 1  # not started again
    child.stop()
