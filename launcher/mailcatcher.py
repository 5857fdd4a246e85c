"""A local SMTP server that keeps every message it receives as an .eml file.

`mip dev` runs it when no SMTP_URL is set, so e-mail a developer's stack sends can be read
in a browser (a small page listing the messages) or in any mail client (the .eml files).
Tests use the same class in-process as a real SMTP peer on loopback.
"""

from __future__ import annotations

import argparse
import asyncio
import email
import email.policy
import html
import itertools
import time
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session


class MailStore:
    """A folder of .eml files, written atomically so a reader never sees half a message."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self._counter = itertools.count()

    def save(self, raw: bytes) -> Path:
        name = f"{time.time_ns()}-{next(self._counter):06d}.eml"
        tmp = self.directory / f".{name}.tmp"
        tmp.write_bytes(raw)
        final = self.directory / name
        tmp.rename(final)
        return final

    def paths(self) -> list[Path]:
        return sorted(self.directory.glob("*.eml"))

    def messages(self) -> list[EmailMessage]:
        return [self.read(p) for p in self.paths()]

    @staticmethod
    def read(path: Path) -> EmailMessage:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        return message


class _Handler:
    def __init__(self, store: MailStore, refuse: Callable[[str], bool]) -> None:
        self.store = store
        self.refuse = refuse

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.refuse(address):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        self.store.save(content)
        return "250 Message accepted for delivery"


class MailCatcher:
    def __init__(
        self,
        directory: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        refuse: Callable[[str], bool] = lambda _: False,
    ) -> None:
        """`refuse` picks recipients to answer with 550, as a real server does for a typo."""
        self.store = MailStore(directory)
        self._refuse = refuse
        self.host = host
        self.port = port
        self._server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        handler = _Handler(self.store, self._refuse)
        self._server = await loop.create_server(
            lambda: SMTP(handler, hostname="mip-mailcatcher"), self.host, self.port
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()


SHOWN = 200  # the newest; a rehearsal round leaves thousands


def render_index(store: MailStore) -> str:
    rows = []
    paths = store.paths()
    for path in reversed(paths[-SHOWN:]):
        msg = store.read(path)
        cells = (msg["Date"], msg["From"], msg["To"], msg["Subject"])
        link = f'<a href="/messages/{html.escape(path.name)}">{html.escape(str(cells[3]))}</a>'
        rows.append(
            "<tr>"
            + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells[:3])
            + f"<td>{link}</td></tr>"
        )
    return (
        "<!doctype html><meta charset=utf-8><title>MIP mail</title>"
        "<h1>Mail sent by MIP</h1>"
        f"<p>{len(paths)} message(s) in {html.escape(str(store.directory))}"
        f"{f'; the newest {SHOWN} below' if len(paths) > SHOWN else ''}</p>"
        "<table border=1 cellpadding=4><tr><th>Date<th>From<th>To<th>Subject</tr>"
        + "".join(rows)
        + "</table>"
    )


def web_app(store: MailStore) -> Any:
    from fastapi import FastAPI
    from fastapi.responses import HTMLResponse, PlainTextResponse

    app = FastAPI(title="MIP mail catcher", docs_url=None, redoc_url=None)

    @app.get("/", response_class=HTMLResponse)
    async def index() -> str:
        return render_index(store)

    @app.get("/messages/{name}", response_class=PlainTextResponse)
    async def message(name: str) -> str:
        path = store.directory / Path(name).name
        if not path.is_file() or path.suffix != ".eml":
            return PlainTextResponse("no such message", status_code=404)  # type: ignore[return-value]
        return path.read_text(encoding="utf-8", errors="replace")

    return app


async def _serve(directory: Path, smtp_port: int, http_port: int) -> None:
    import uvicorn

    catcher = MailCatcher(directory, port=smtp_port)
    await catcher.start()
    config = uvicorn.Config(
        web_app(catcher.store), host="127.0.0.1", port=http_port, log_level="warning"
    )
    try:
        await uvicorn.Server(config).serve()
    finally:
        await catcher.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="Keep e-mail sent to it as .eml files")
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--smtp-port", type=int, default=1025)
    parser.add_argument("--http-port", type=int, default=8025)
    args = parser.parse_args()
    asyncio.run(_serve(args.dir, args.smtp_port, args.http_port))


if __name__ == "__main__":
    main()
