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
import re
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


# An http(s) URL in plain text; punctuation ending a sentence after it is not part of it.
_URL = re.compile(r"https?://[^\s<>\"']+")
_NOT_URL_END = ".,;:!?)]}"
_DOCTYPE = re.compile(r"\s*<!doctype[^>]*>", re.IGNORECASE)


def linkify(text: str) -> str:
    """Plain text as HTML, escaped, each http(s) URL in it a link that opens a new tab."""
    out, done = [], 0
    for match in _URL.finditer(text):
        url = match.group().rstrip(_NOT_URL_END)
        if url.endswith("://"):
            continue
        href = html.escape(url, quote=True)
        out.append(html.escape(text[done : match.start()]))
        out.append(f'<a href="{href}" target="_blank" rel="noopener noreferrer">{href}</a>')
        done = match.start() + len(url)
    out.append(html.escape(text[done:]))
    return "".join(out)


def links_open_a_tab(document: str) -> str:
    """An HTML mail whose links (those naming no target) open in a new tab; the <base> goes
    after a doctype, so the mail renders in the mode it asked for."""
    doctype = _DOCTYPE.match(document)
    at = doctype.end() if doctype else 0
    return f'{document[:at]}<base target="_blank">{document[at:]}'


def render_message(name: str, msg: EmailMessage) -> str:
    """A message as a person reads it: its headers, each text part decoded with its links
    live, each HTML part in a sandboxed frame (no script runs, nothing of it reaches this
    page; its links open a new tab), its attachments listed, and the raw source one click
    away."""
    esc = html.escape
    heads = "".join(
        f"<tr><th align=left>{esc(h)}<td>{esc(str(msg[h]))}</tr>"
        for h in ("Date", "From", "To", "Cc", "Subject")
        if msg[h] is not None
    )
    bodies, attachments = [], []
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        filename = part.get_filename()
        if filename or part.get_content_disposition() == "attachment":
            size = len(part.get_payload(decode=True) or b"")
            attachments.append(
                f"<li>{esc(filename or '(unnamed)')} ({esc(ctype)}, {size} bytes)</li>"
            )
        elif ctype == "text/plain":
            bodies.append(
                '<h2>Text</h2><pre style="white-space:pre-wrap;overflow-wrap:anywhere">'
                f"{linkify(str(part.get_content()))}</pre>"
            )
        elif ctype == "text/html":
            # srcdoc is an attribute, escaped as one. The sandbox keeps the mail's scripts
            # and forms off; a link followed inside the frame would only show a refusal
            # (the portal may not be framed, and this page's CSP frames nothing else), so
            # links open a new tab, left unsandboxed: the portal's sign-in form works there.
            bodies.append(
                "<h2>HTML</h2><iframe sandbox="
                '"allow-popups allow-popups-to-escape-sandbox" referrerpolicy=no-referrer '
                'style="width:100%;height:30em;border:1px solid #999" '
                f'srcdoc="{esc(links_open_a_tab(str(part.get_content())), quote=True)}">'
                "</iframe>"
            )
        else:
            size = len(part.get_payload(decode=True) or b"")
            attachments.append(f"<li>(inline) ({esc(ctype)}, {size} bytes)</li>")
    listed = f"<h2>Attachments</h2><ul>{''.join(attachments)}</ul>" if attachments else ""
    return (
        "<!doctype html><meta charset=utf-8>"
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; frame-src 'self'\">"
        f"<title>{esc(str(msg['Subject']))}</title>"
        '<p><a href="/">All mail</a> · '
        f'<a href="/messages/{esc(name)}/raw">Raw source (.eml)</a></p>'
        f"<table cellpadding=4>{heads}</table>" + "".join(bodies) + listed
    )


def web_app(store: MailStore) -> Any:
    from fastapi import FastAPI
    from fastapi.responses import HTMLResponse, Response

    app = FastAPI(title="MIP mail catcher", docs_url=None, redoc_url=None)

    def found(name: str) -> Path | None:
        path = store.directory / Path(name).name
        return path if path.is_file() and path.suffix == ".eml" else None

    @app.get("/", response_class=HTMLResponse)
    async def index() -> str:
        return render_index(store)

    @app.get("/messages.json")
    async def listing() -> list[dict[str, str]]:
        """Every message's headers that tell one from another, oldest first."""
        heads = ("Date", "From", "To", "Subject", "Message-ID", "X-MIP-Kind")
        return [
            {"name": path.name} | {h: str(msg[h]) for h in heads if msg[h] is not None}
            for path, msg in ((p, store.read(p)) for p in store.paths())
        ]

    @app.get("/messages/{name}", response_class=HTMLResponse)
    async def message(name: str) -> Response:
        path = found(name)
        if path is None:
            return HTMLResponse("no such message", status_code=404)
        return HTMLResponse(render_message(path.name, store.read(path)))

    @app.get("/messages/{name}/raw")
    async def raw(name: str) -> Response:
        path = found(name)
        if path is None:
            return Response("no such message", status_code=404, media_type="text/plain")
        return Response(
            path.read_bytes(),
            media_type="message/rfc822",
            headers={"Content-Disposition": f'inline; filename="{path.name}"'},
        )

    return app


async def _serve(directory: Path, smtp_port: int, http_port: int, host: str) -> None:
    import uvicorn

    catcher = MailCatcher(directory, host=host, port=smtp_port)
    await catcher.start()
    config = uvicorn.Config(web_app(catcher.store), host=host, port=http_port, log_level="warning")
    try:
        await uvicorn.Server(config).serve()
    finally:
        await catcher.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="Keep e-mail sent to it as .eml files")
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--smtp-port", type=int, default=1025)
    parser.add_argument("--http-port", type=int, default=8025)
    parser.add_argument("--host", default="127.0.0.1", help="0.0.0.0 in a container")
    args = parser.parse_args()
    asyncio.run(_serve(args.dir, args.smtp_port, args.http_port, args.host))


if __name__ == "__main__":
    main()
