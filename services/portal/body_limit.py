"""Bodies are bounded before any route reads them.

FastAPI parses a form before the CSRF check or any sign-in dependency runs, and Starlette
spools file parts to disk without a limit, so without this anyone could make the portal
read and store gigabytes by posting to /sign-in. Forms get FORM_MAX_BYTES, checked against
Content-Length and again while the body streams in; the two upload routes bound their
files with their own reader (applicant/uploads.py).
"""

from __future__ import annotations

import re

from starlette.responses import HTMLResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from mip.core.text import BodyTooLarge, read_at_most, replaying

FORM_MAX_BYTES = 64 * 1024
UPLOAD_ROUTES = re.compile(r"^/applicant/(apply|claims/[^/]+/lines)$")
_READS_NO_BODY = frozenset({"GET", "HEAD", "OPTIONS"})

REFUSAL = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>What you sent is too large</title>
<link rel="stylesheet" href="/static/mip.css"></head>
<body><main class="page" id="main"><h1>What you sent is too large</h1>
<p>The form or file you sent is larger than {limit}. Nothing was saved.</p>
<p>Go back and send a smaller file, or <a href="/">start again</a>.</p></main></body></html>
"""


def refusal(limit: int) -> HTMLResponse:
    page = HTMLResponse(REFUSAL.format(limit=_words(limit)), status_code=413)
    page.headers["Connection"] = "close"
    return page


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _words(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"


class BodyLimit:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        reads_body = scope["type"] == "http" and scope["method"] not in _READS_NO_BODY
        if not reads_body or UPLOAD_ROUTES.match(scope["path"]):
            # An upload route streams its file through its own bounded reader
            # (applicant/uploads.py), which refuses it past its ceiling with its own page.
            await self.app(scope, receive, send)
            return
        limit = FORM_MAX_BYTES
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            await refusal(limit)(scope, receive, send)
            return
        # A form is small: read it whole here, so a body that runs past the limit is
        # answered 413 before FastAPI's parser (which would call it a 400) sees it.
        try:
            body = await read_at_most(receive, limit)
        except BodyTooLarge:
            await refusal(limit)(scope, receive, send)
            return
        await self.app(scope, replaying(body, receive), send)
