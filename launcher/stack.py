"""`mip dev`: every part of MIP on one machine, no Docker, no configuration.

Servers come up first (PostgreSQL, Temporal, a mail catcher), then the portal and the
four services, then the workflow worker. The portal's signing key is made once and kept
under the data directory (portal/signing-key.pem); the services check people's tokens
against its JWKS. State lives under the data directory, so a second run finds every
row and workflow of the first.

Once up, the stack heals: a part that dies is started again after a back-off (see
supervise.py), each restart shown on the console; only Ctrl-C stops everything. Each
part's process id is in <data dir>/run/<part>.pid while it runs. One `mip dev` runs on a
data directory at a time: a second refuses before it starts anything (datalock.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import sys
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx

from launcher.datalock import DataDirInUse, DataDirLock
from launcher.demo import keep_as_history, load_demo
from launcher.demo_rehearsal import load_rehearsal
from launcher.mailcatcher import MailStore
from launcher.postgres import EmbeddedPostgres
from launcher.process import Child, ReadyCheck, tcp_open
from launcher.redact import mask_secrets
from launcher.supervise import Backoff, Supervisor
from launcher.temporal import TemporalDevServer
from mip.core.auth import Role, mint_token
from mip.core.runtime import ServiceSpec
from mip.core.settings import Settings
from mip.core.temporal import connect
from services.applications.app import SPEC as APPLICATIONS
from services.applications.client import ApplicationsClient
from services.expenses.app import SPEC as EXPENSES
from services.notifications.app import SPEC as NOTIFICATIONS
from services.offers.app import SPEC as OFFERS
from services.portal.app import SPEC as PORTAL
from services.portal.keys import keep_key_file

SERVICES = [APPLICATIONS, OFFERS, EXPENSES, NOTIFICATIONS]
# The portal starts first and heads the table: it is where people open MIP.
WEB_APPS = [PORTAL, *SERVICES]
TEMPORAL_PORT, TEMPORAL_UI_PORT = 7233, 8233
# Below every OS's ephemeral range, so an outgoing connection cannot be holding it.
POSTGRES_PORT = 25432
SMTP_PORT, MAIL_WEB_PORT = 1025, 8025
WORKER_METRICS_PORT = 9464  # the worker's /metrics (each service serves its own)
# Where the portal serves Temporal's codec endpoint (services/portal/office/codec.py PATH;
# the launcher uses a service's app and contract only, so the path is written here too).
CODEC_PATH = "/codec"


@dataclass(frozen=True)
class RunningStack:
    """What a running `mip dev` writes to <data dir>/run/stack.json, for `mip check`."""

    temporal_address: str
    port_offset: int


def running_stack(data_dir: Path) -> RunningStack | None:
    """The stack `mip dev` runs on this data directory, as it wrote it; None if none runs."""
    try:
        written = json.loads((data_dir / "run" / "stack.json").read_text())
        return RunningStack(str(written["temporal_address"]), int(written["port_offset"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def port_free(port: int) -> bool:
    """Whether a server could listen on 127.0.0.1:port now."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@dataclass(frozen=True)
class DevOptions:
    data_dir: Path
    port_offset: int = 0
    demo: bool = False
    startup_timeout_s: float = 120.0
    backoff: Backoff = field(default_factory=Backoff)


def _say(text: str) -> None:
    """Print a line for the developer; a password in any URL in it is masked."""
    print(mask_secrets(text), flush=True)


def _http_ok(url: str) -> ReadyCheck:
    async def check() -> None:
        async with httpx.AsyncClient(timeout=2) as http:
            (await http.get(url)).raise_for_status()

    return check


def _traces_note() -> str:
    endpoint = os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or os.environ.get(
        "OTEL_EXPORTER_OTLP_ENDPOINT"
    )
    if endpoint:
        return f"traces go to {endpoint}"
    return "traces off (set OTEL_EXPORTER_OTLP_ENDPOINT to send them)"


class DevStack:
    def __init__(self, options: DevOptions) -> None:
        self.options = options
        self.data = options.data_dir.resolve()
        self.logs = self.data / "logs"
        self.run_dir = self.data / "run"
        self.children: list[Child] = []
        self.env: dict[str, str] = {}
        self.mail_note = ""
        self.database_note = ""

    def _port(self, port: int) -> int:
        return port + self.options.port_offset

    def ports(self) -> dict[int, str]:
        """Every port this stack listens on, with the part that needs it."""
        needed = {TEMPORAL_PORT: "temporal", TEMPORAL_UI_PORT: "temporal web UI"}
        if "DATABASE_URL" not in os.environ:
            needed[POSTGRES_PORT] = "postgres"
        if "SMTP_URL" not in os.environ:
            needed |= {SMTP_PORT: "mail (SMTP)", MAIL_WEB_PORT: "mail (web page)"}
        needed |= {spec.port: spec.name for spec in WEB_APPS}
        needed[WORKER_METRICS_PORT] = "worker metrics"
        return {self._port(port): part for port, part in needed.items()}

    def check_ports(self) -> None:
        """Refuse to start on a port that is taken, naming it and the way round it."""
        taken = {port: part for port, part in self.ports().items() if not port_free(port)}
        if taken:
            names = ", ".join(f"{port} ({part})" for port, part in sorted(taken.items()))
            raise RuntimeError(
                f"port{'s' if len(taken) > 1 else ''} {names} already taken on 127.0.0.1, "
                "by another program or another `mip dev`; stop it, or run beside it with "
                "--port-offset N (every port moves up by N, e.g. --port-offset 100)"
            )

    def _write_running(self) -> None:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        written = {
            "temporal_address": f"127.0.0.1:{self._port(TEMPORAL_PORT)}",
            "port_offset": self.options.port_offset,
        }
        (self.run_dir / "stack.json").write_text(json.dumps(written) + "\n")

    def servers(self) -> list[Child]:
        children = []
        if "DATABASE_URL" in os.environ:
            self.env["DATABASE_URL"] = os.environ["DATABASE_URL"]
            self.database_note = f"the database is {os.environ['DATABASE_URL']}"
        else:
            pg = EmbeddedPostgres(self.data / "postgres", port=self._port(POSTGRES_PORT))
            pg.initialize()
            children.append(pg.child(self.logs / "postgres.log"))
            self.env["DATABASE_URL"] = pg.url
        temporal = TemporalDevServer(
            port=self._port(TEMPORAL_PORT),
            ui_port=self._port(TEMPORAL_UI_PORT),
            db_file=self.data / "temporal" / "temporal.db",
            # The UI shows payloads decoded by the portal, to the office signed in there.
            codec_endpoint=self._service_url(PORTAL.port) + CODEC_PATH,
        )
        children.append(temporal.child(self.logs / "temporal.log"))
        self.env["TEMPORAL_ADDRESS"] = temporal.address
        if "SMTP_URL" in os.environ:
            self.env["SMTP_URL"] = os.environ["SMTP_URL"]
            self.mail_note = f"e-mail goes to {os.environ['SMTP_URL']}"
        else:
            children.append(self._mailcatcher())
        return children

    def _mailcatcher(self) -> Child:
        smtp, web = self._port(SMTP_PORT), self._port(MAIL_WEB_PORT)
        mail_dir = self.data / "mail"
        MailStore(mail_dir)
        self.env["SMTP_URL"] = f"smtp://127.0.0.1:{smtp}"
        self.mail_note = f"e-mail is caught: read it at http://127.0.0.1:{web} or in {mail_dir}"
        return Child(
            name="mail",
            argv=[
                sys.executable,
                "-m",
                "launcher.mailcatcher",
                "--dir",
                str(mail_dir),
                "--smtp-port",
                str(smtp),
                "--http-port",
                str(web),
            ],
            log_path=self.logs / "mail.log",
            ready=_http_ok(f"http://127.0.0.1:{web}/"),
            url=f"smtp://127.0.0.1:{smtp} (inbox http://127.0.0.1:{web})",
        )

    def apps(self) -> list[Child]:
        urls = {f"MIP_{s.name.upper()}_URL": self._service_url(s.port) for s in WEB_APPS}
        # The services check people's tokens against the portal's key, and still take
        # `mip token`'s (the dev secret) for scripts.
        jwks = self._service_url(PORTAL.port) + "/.well-known/jwks.json"
        env = {**self.env, **urls, "MIP_JWT_JWKS_URL": jwks}
        metrics = f"127.0.0.1:{self._port(WORKER_METRICS_PORT)}"
        worker = Child(
            name="worker",
            argv=[sys.executable, "-m", "workflows.worker"],
            log_path=self.logs / "worker.log",
            ready=lambda: tcp_open("127.0.0.1", self._port(TEMPORAL_PORT)),
            env={**env, "MIP_WORKER_METRICS_ADDRESS": metrics},
            url=f"task queue mip-workflows, metrics http://{metrics}/metrics",
        )
        key = keep_key_file(self.data / "portal" / "signing-key.pem")
        portal = self._web_app(
            PORTAL,
            {
                **env,
                "MIP_PORTAL_SIGNING_KEY_FILE": str(key),
                # The office's links into the Temporal web UI this stack starts.
                "MIP_TEMPORAL_UI_URL": f"http://127.0.0.1:{self._port(TEMPORAL_UI_PORT)}",
            },
            f"{self._service_url(PORTAL.port)}/ (sign in; mail at the mail catcher)",
        )
        services = [
            self._web_app(
                spec,
                env,
                f"{self._service_url(spec.port)}/docs, /metrics (queue {spec.task_queue})",
            )
            for spec in SERVICES
        ]
        return [worker, portal, *services]

    def _web_app(self, spec: ServiceSpec, env: dict[str, str], url: str) -> Child:
        return Child(
            name=spec.name,
            argv=[
                sys.executable,
                "-m",
                "uvicorn",
                f"services.{spec.name}.app:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(self._port(spec.port)),
                "--log-level",
                "warning",
                # As `mip serve` (launcher/serve.py): longer than clients keep one idle.
                "--timeout-keep-alive",
                str(Settings.model_fields["http_keep_alive_s"].default),
            ],
            log_path=self.logs / f"{spec.name}.log",
            ready=_http_ok(self._service_url(spec.port) + "/healthz"),
            env=env,
            url=url,
        )

    def _service_url(self, port: int) -> str:
        return f"http://127.0.0.1:{self._port(port)}"

    async def start(self) -> None:
        _say(f"MIP dev stack: data in {self.data}, logs in {self.logs}")
        self.check_ports()
        self._write_running()
        await self._start_stage(self.servers())
        worker, *services = self.apps()
        await self._start_stage(services)
        if self.options.demo:
            # Before the workflow worker: the 2019 round's workflow is ended unrun.
            await self.load_demo()
        await self._start_stage([worker])

    async def _start_stage(self, stage: list[Child]) -> None:
        for child in stage:
            child.pid_file = self.run_dir / f"{child.name}.pid"
            child.start()
            self.children.append(child)
            _say(f"  … {child.name:<14} starting")
        results = await asyncio.gather(
            *(c.wait_ready(self.options.startup_timeout_s) for c in stage),
            return_exceptions=True,
        )
        for child, result in zip(stage, results, strict=True):
            if isinstance(result, BaseException):
                raise RuntimeError(f"{child.name} failed to start: {result}")
            _say(f"  ✓ {child.name:<14} ready in {result:.1f}s")

    async def load_demo(self) -> None:
        settings = Settings(temporal_address=self.env["TEMPORAL_ADDRESS"])
        token = mint_token(settings, role=Role.office, subject="office@example.org")
        url = self._service_url(APPLICATIONS.port)

        def as_applicant(email: str) -> ApplicationsClient:
            return ApplicationsClient(url, mint_token(settings, role=Role.applicant, subject=email))

        async with ApplicationsClient(url, token) as client:
            historic, *playable = await load_demo(client, date.today())
            hosts = {h.name: h.id for h in await client.hosts()}
            rehearsal = await load_rehearsal(client, as_applicant, hosts, datetime.now(UTC))
        await keep_as_history(await connect(settings), historic)
        _say(
            f"  ✓ demo round {historic.name!r}: history, closed "
            f"{historic.clock.deadline_at:%a %d %b %Y %H:%M}"
        )
        for loaded in playable:
            _say(
                f"  ✓ demo round {loaded.name!r}: applications close "
                f"{loaded.clock.deadline_at:%a %d %b %Y %H:%M}"
            )
        if rehearsal is not None:
            _say(
                f"  ✓ demo round {rehearsal.name!r}: three applicants have applied; close "
                "applications from the office's round page to play it through (README)"
            )

    def table(self) -> str:
        lines = ["", f"  {'part':<14} {'pid':>7}  where", f"  {'-' * 14} {'-' * 7}  {'-' * 48}"]
        # The portal first: it is the address people open.
        first = sorted(self.children, key=lambda child: child.name != PORTAL.name)
        for child in first:
            pid = child.process.pid if child.process else 0
            lines.append(f"  {child.name:<14} {pid:>7}  {child.url}")
        notes = [note for note in (self.database_note, self.mail_note) if note]
        lines += [
            "",
            *(f"  {note}" for note in notes),
            "  Each service's /metrics and the worker's are for Prometheus "
            "(deploy/observability/); " + _traces_note() + ".",
            "  A part that dies is restarted; Ctrl-C stops everything.",
            "",
        ]
        return "\n".join(lines)

    def stop(self) -> None:
        for child in reversed(self.children):
            if child.running:
                _say(f"  ■ stopping {child.name}")
            child.stop()
        if self.children:  # written by this run, not by one running beside it
            (self.run_dir / "stack.json").unlink(missing_ok=True)

    async def supervise(self) -> None:
        """Restart any part that dies, for as long as the stack runs (until cancelled)."""
        supervisors = [
            Supervisor(
                child,
                say=_say,
                backoff=self.options.backoff,
                startup_timeout_s=self.options.startup_timeout_s,
            )
            for child in self.children
        ]
        await asyncio.gather(*(s.run() for s in supervisors))


async def _bring_up(stack: DevStack) -> None:
    await stack.start()


async def _unless_stopped(work: Coroutine[Any, Any, None], stop: asyncio.Event) -> bool:
    """Run `work` unless Ctrl-C comes first; a server slow to start is no reason to wait."""
    task = asyncio.ensure_future(work)
    stopper = asyncio.ensure_future(stop.wait())
    await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    stopper.cancel()
    if not task.done():
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return False
    task.result()
    return True


async def run(options: DevOptions) -> int:
    # Before anything is started or written: a second stack on this directory would wreck
    # the first's databases and, stopping, delete its run/ files.
    lock = DataDirLock(options.data_dir.resolve())
    try:
        lock.acquire(port_offset=options.port_offset)
    except DataDirInUse as exc:
        _say(f"  ✗ {exc}")
        return 1
    try:
        return await _run_holding(options)
    finally:
        lock.release()


async def _run_holding(options: DevOptions) -> int:
    stack = DevStack(options)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        loop.add_signal_handler(sig, stop.set)
    started = time.monotonic()
    code = 0
    try:
        if not await _unless_stopped(_bring_up(stack), stop):
            _say("  ■ interrupted while starting")
            return 130
        _say(stack.table())
        _say(f"MIP is up in {time.monotonic() - started:.1f}s.")
        # Returns only on Ctrl-C: a part that dies meanwhile is restarted, not fatal.
        await _unless_stopped(stack.supervise(), stop)
    except RuntimeError as exc:
        _say(f"  ✗ {exc}")
        code = 1
    finally:
        stack.stop()
        _say("MIP stopped.")
    return code
