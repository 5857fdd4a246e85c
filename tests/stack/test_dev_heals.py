"""`mip dev` heals (issue 11 item 10): a notifications process killed mid-send is restarted
and every pending confirmation still arrives within R15's minute, once (P4); a workflow
worker killed under a round is restarted and the round goes on to forward (P1)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from launcher.mailcatcher import MailStore
from mip.core import ids as workflow_ids
from mip.core.auth import Role
from mip.core.codec import data_converter
from mip.core.settings import Settings
from mip.core.temporal import connect
from services.notifications.contract import SEND_EMAIL
from tests.support.applying import apply, make_profile, make_round, open_round
from tests.support.auth import auth
from tests.support.ports import free_offset
from tests.support.waiting import eventually
from workflows.worker import ALL_WORKFLOWS

pytestmark = pytest.mark.smoke

APPLICANTS = [f"heal{n}@example.org" for n in range(4)]
R15_WITHIN_S = 60.0


@dataclass
class StallingSmtp:
    """An SMTP server that, while `stalling`, holds every send at RCPT: a send in flight."""

    store: MailStore
    stalling: bool = True
    held: list[str] = field(default_factory=list)  # each recipient of a send held
    released: asyncio.Event = field(default_factory=asyncio.Event)
    received: list[tuple[float, EmailMessage]] = field(default_factory=list)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.stalling:
            self.held.append(address)
            await self.released.wait()
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        path = self.store.save(envelope.original_content or b"")
        self.received.append((time.time(), self.store.read(path)))
        return "250 Message accepted for delivery"

    def release(self) -> None:
        self.stalling = False
        self.released.set()

    def confirmations(self) -> list[tuple[float, str]]:
        return [(t, str(m["To"])) for t, m in self.received if m["X-MIP-Kind"] == "confirmation"]


@dataclass
class DevProcess:
    process: subprocess.Popen[str]
    data_dir: Path
    lines: list[str]

    def pid_of(self, part: str) -> int:
        return int((self.data_dir / "run" / f"{part}.pid").read_text())

    def said(self, text: str) -> bool:
        return any(text in line for line in list(self.lines))


@contextmanager
def mip_dev(data_dir: Path, offset: int, smtp_url: str) -> Iterator[DevProcess]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "launcher.cli", "dev"),
            *("--data-dir", str(data_dir), "--port-offset", str(offset)),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**env, "SMTP_URL": smtp_url},
    )
    assert process.stdout is not None
    lines: list[str] = []
    up = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line.rstrip())
            if line.startswith("MIP is up") or "failed to start" in line:
                up.set()
        up.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        up.wait(120)
        assert any(line.startswith("MIP is up") for line in lines), "\n".join(lines)
        yield DevProcess(process, data_dir, lines)
    finally:
        process.send_signal(signal.SIGINT)  # what Ctrl-C sends
        process.wait(60)
        reader.join(10)
        process.stdout.close()
    assert process.returncode == 0, "\n".join(lines)
    assert lines[-1] == "MIP stopped.", "\n".join(lines)


async def status_of(http: httpx.AsyncClient, settings: Settings, app_id: str, email: str) -> str:
    found = await http.get(
        f"/v1/applications/{app_id}", headers=auth(settings, Role.applicant, email)
    )
    status: str = found.json()["status"]
    return status


def _as_before_r15(history: WorkflowHistory) -> WorkflowHistory:
    """The history as the old options (60 s start-to-close, no heartbeat) would have made."""
    for event in history.events:
        if event.HasField("activity_task_scheduled_event_attributes"):
            scheduled = event.activity_task_scheduled_event_attributes
            if scheduled.activity_type.name == SEND_EMAIL:
                scheduled.start_to_close_timeout.FromTimedelta(timedelta(seconds=60))
                scheduled.ClearField("heartbeat_timeout")
    return history


async def test_r15_p1_p4_mip_dev_heals_killed_notifications_and_worker(tmp_path: Path) -> None:
    smtp = StallingSmtp(MailStore(tmp_path / "smtp"))
    server = await asyncio.get_running_loop().create_server(
        lambda: SMTP(smtp, hostname="stalling"), "127.0.0.1", 0
    )
    smtp_port = server.sockets[0].getsockname()[1]
    offset = free_offset()
    settings = Settings(temporal_address=f"127.0.0.1:{7233 + offset}")
    applications = f"http://127.0.0.1:{8001 + offset}"
    try:
        with mip_dev(tmp_path / "mip-data", offset, f"smtp://127.0.0.1:{smtp_port}") as dev:
            async with httpx.AsyncClient(base_url=applications, timeout=20) as http:
                deadline = datetime.now(UTC) + timedelta(seconds=30)
                _, placements = await make_round(
                    http, settings, open_round("Heal round", deadline_at=deadline), placements=2
                )
                submitted: dict[str, float] = {}
                ids: dict[str, str] = {}
                for n, email in enumerate(APPLICANTS):
                    headers = await make_profile(http, settings, email)
                    submitted[email] = time.time()
                    made = await apply(http, headers, placements[n % 2]["id"])
                    assert made.status_code == 201, made.text
                    ids[email] = made.json()["id"]

                # Every confirmation is mid-send (its SMTP conversation held) when the
                # notifications process dies; the host's welcome is held too, so the
                # confirmations are counted by whom they are for.
                async def all_held() -> bool:
                    return set(APPLICANTS) <= set(smtp.held)

                await eventually(all_held, timeout_s=20)
                notifications = dev.pid_of("notifications")
                os.kill(notifications, signal.SIGKILL)
                killed_at = time.time()
                await asyncio.sleep(0.5)
                smtp.release()

                async def all_confirmed() -> bool:
                    return len({to for _, to in smtp.confirmations()}) == len(APPLICANTS)

                await eventually(all_confirmed, timeout_s=R15_WITHIN_S)
                assert dev.said("notifications exited with code -9; restarting in 1s (restart 1)")
                assert dev.pid_of("notifications") != notifications
                late = {
                    to: round(at - submitted[to], 1)
                    for at, to in smtp.confirmations()
                    if at - submitted[to] > R15_WITHIN_S
                }
                assert late == {}, late
                print(
                    "confirmations after the kill:",
                    {to: f"{at - killed_at:.1f}s" for at, to in smtp.confirmations()},
                    "after submission:",
                    {to: f"{at - submitted[to]:.1f}s" for at, to in smtp.confirmations()},
                )

                # The workflow worker dies with the round waiting for its deadline.
                worker = dev.pid_of("worker")
                os.kill(worker, signal.SIGKILL)

                async def worker_back() -> bool:
                    return dev.said("worker         back in")

                await eventually(worker_back, timeout_s=30)
                assert dev.said("worker exited with code -9; restarting in 1s (restart 1)")
                assert dev.process.poll() is None, "\n".join(dev.lines)

                async def all_forwarded() -> bool:
                    found = [await status_of(http, settings, ids[e], e) for e in APPLICANTS]
                    return all(s == "forwarded" for s in found)

                await eventually(all_forwarded, timeout_s=60)
                print("forwarded", f"{time.time() - deadline.timestamp():.1f}s after the deadline")

                # A host's link leads to the portal at this stack's port.
                async def digests() -> list[EmailMessage]:
                    return [m for _, m in smtp.received if m["X-MIP-Kind"] == "forwarded_digest"]

                [digest, *_] = await eventually(digests, timeout_s=30)
                plain = digest.get_body(("plain",))
                assert plain is not None
                text = plain.get_content()
                portal = f"http://127.0.0.1:{8000 + offset}"
                assert f"{portal}/host/placements/" in text, text

            # Exactly once (P4): no resend came in meanwhile, nor a second copy.
            assert Counter(to for _, to in smtp.confirmations()) == dict.fromkeys(APPLICANTS, 1)

            # Histories made before R15's options replay with them (options are not
            # compared on replay).
            client = await connect(settings)
            history = await client.get_workflow_handle(
                workflow_ids.application(ids[APPLICANTS[0]])
            ).fetch_history()
            replayer = Replayer(workflows=ALL_WORKFLOWS, data_converter=data_converter(settings))
            await replayer.replay_workflow(_as_before_r15(history))
    finally:
        smtp.release()
        server.close()
