"""Text MIP can store and show: the checks every service applies to what people send.

PostgreSQL cannot store the NUL character, UTF-8 cannot carry a lone surrogate, and a
control character in a name or an e-mail header is at best noise. `RefuseUnstorableText`
refuses such text in any query parameter or JSON body before a route sees it, naming the
field, so no request can reach the database with it; `OneLine` is the annotation for
fields that must be one line (names, titles, places). It also bounds every body a route
would read whole, whatever its type says: FastAPI reads a body without a Content-Type,
or with any other type, in full and parses it as JSON.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator, Sequence
from typing import Annotated, Any
from urllib.parse import unquote_plus

from pydantic import AfterValidator
from starlette.requests import Request
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mip.core.errors import PayloadTooLarge
from mip.core.problems import problem_response

# Line breaks and tabs belong in a statement or a reason; no other control character does.
MULTI_LINE_CONTROLS = {"\n", "\r", "\t"}
# A JSON body this size is far beyond any form MIP has; files come as multipart, to the
# routes that take them, which bound their bodies by their files' limits.
JSON_BODY_MAX_BYTES = 1024 * 1024
_READS_NO_BODY = frozenset({"GET", "HEAD", "OPTIONS"})


_NOT_WORD = re.compile(r"[^A-Za-z0-9]+")
_HONORIFICS = frozenset({"dr", "prof", "professor", "mr", "mrs", "ms", "mx", "miss", "sir"})


def unstorable(text: str, *, one_line: bool = False) -> str | None:
    """Why `text` cannot be kept as it is, or None if it can."""
    for char in text:
        if char == "\x00":
            return "contains the NUL character, which cannot be stored"
        if 0xD800 <= ord(char) <= 0xDFFF:
            return "contains an unpaired surrogate, which is not valid Unicode text"
        if unicodedata.category(char) == "Cc":
            if one_line and char in MULTI_LINE_CONTROLS:
                return "must be a single line"
            if char not in MULTI_LINE_CONTROLS:
                return f"contains the control character U+{ord(char):04X}"
    return None


def checked_text(value: str, *, one_line: bool = False) -> str:
    """For a form field no model checks: the same words as everywhere else."""
    reason = unstorable(value, one_line=one_line)
    if reason:
        raise ValueError(f"The text {reason}.")
    return value


def _one_line(value: str) -> str:
    return checked_text(value, one_line=True)


OneLine = Annotated[str, AfterValidator(_one_line)]


def _walk(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield path, str(key)
            yield from _walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}.{index}")


def first_unstorable(value: Any, path: str) -> tuple[str, str] | None:
    for where, text in _walk(value, path):
        reason = unstorable(text)
        if reason:
            return where, reason
    return None


class RefuseUnstorableText:
    """422 for unstorable text in a query parameter or a JSON body, and 413 for a body past
    `JSON_BODY_MAX_BYTES` on any route but an upload, before any route."""

    def __init__(self, app: ASGIApp, *, uploads: Sequence[BaseRoute] = ()) -> None:
        self.app = app
        # Routes that read their own body, no further than their file's limit.
        self.uploads = tuple(uploads)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        found = self._in_query(scope)
        body: bytes | None = None
        if found is None and self._reads_body(scope):
            if _declared_length(scope) > JSON_BODY_MAX_BYTES:
                await _too_large(scope, receive, send)
                return
            try:
                body = await read_at_most(receive, JSON_BODY_MAX_BYTES)
            except BodyTooLarge:
                await _too_large(scope, receive, send)
                return
            if _is_json(scope):
                found = _in_json(body)
        if found is not None:
            await self._refuse(scope, receive, send, *found)
            return
        await self.app(scope, replaying(body, receive) if body is not None else receive, send)

    def _reads_body(self, scope: Scope) -> bool:
        """Whether the route would read the body whole: FastAPI does for any route that
        takes a body, whatever its type, and an upload is bounded by its own reader."""
        if scope["method"] in _READS_NO_BODY:
            return False
        return not any(route.matches(scope)[0] is Match.FULL for route in self.uploads)

    @staticmethod
    def _in_query(scope: Scope) -> tuple[str, str] | None:
        raw = scope.get("query_string", b"").decode("latin-1")
        for part in filter(None, raw.split("&")):
            encoded_name, _, encoded_value = part.partition("=")
            name = unquote_plus(encoded_name, errors="replace")
            location = f"query.{name}" if not unstorable(name) else "query"
            try:
                value = unquote_plus(encoded_value, errors="strict")
                strict_name = unquote_plus(encoded_name, errors="strict")
            except UnicodeDecodeError:
                return location, "is not valid UTF-8 text"
            reason = unstorable(strict_name) or unstorable(value)
            if reason:
                return location, reason
        return None

    @staticmethod
    async def _refuse(
        scope: Scope, receive: Receive, send: Send, location: str, reason: str
    ) -> None:
        response = problem_response(
            Request(scope),
            status=422,
            slug="invalid-request",
            title="The request is not valid",
            detail=f"{location}: the text {reason}.",
            errors=[{"location": location, "message": f"The text {reason}."}],
        )
        await response(scope, receive, send)


async def _too_large(scope: Scope, receive: Receive, send: Send) -> None:
    """The 413, closing the connection: the rest of the body is left unread."""
    limit = f"{JSON_BODY_MAX_BYTES // 1_048_576} MB"
    error = PayloadTooLarge(
        f"The request body is larger than {limit}, the most an operation without a file "
        "takes; send only the fields the operation documents (see /docs)."
    )
    response = problem_response(
        Request(scope),
        status=error.status,
        slug=error.slug,
        title=error.title,
        detail=error.detail,
        headers={"Connection": "close"},
        errors=[{"location": "body", "message": f"at most {limit}"}],
    )
    await response(scope, receive, send)


def _declared_length(scope: Scope) -> int:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            return int(value) if value.isdigit() else 0
    return 0


def _is_json(scope: Scope) -> bool:
    """Whether FastAPI would parse the body as JSON: it does so without a Content-Type too."""
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            media: bytes = value.split(b";", 1)[0].strip().lower()
            return media == b"application/json" or media.endswith(b"+json")
    return True


async def read_at_most(receive: Receive, limit: int) -> bytes:
    """A whole request body, read here so it can be checked first; BodyTooLarge past
    `limit` bytes (counted as it streams, whatever Content-Length said)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


class BodyTooLarge(Exception):
    pass


def _in_json(body: bytes) -> tuple[str, str] | None:
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return None  # not JSON: the route's own validation says so, in its words
    return first_unstorable(document, "body")


def replaying(body: bytes, receive: Receive) -> Receive:
    """`receive` for the app after a middleware read the body: the body, then the rest."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def file_name(*words: str, extension: str) -> str:
    """A download's name people recognise, safe in any file system and header:
    `file_name("Okafor", "Ada", "CV", extension="pdf")` is "Okafor-Ada-CV.pdf". Accents are
    dropped and anything but letters and digits joins the words with one hyphen."""
    plain = unicodedata.normalize("NFKD", " ".join(words)).encode("ascii", "ignore").decode()
    stem = "-".join(part for part in _NOT_WORD.split(plain) if part) or "file"
    return f"{stem[:100]}.{_NOT_WORD.sub('', extension)[:8] or 'bin'}"


def surname_first(name: str) -> list[str]:
    """ "Ada Okafor" -> ["Okafor", "Ada"]: how a file of someone's is named in a folder.
    Honorifics are left out; one word stays one word."""
    words = [w for w in name.split() if w.rstrip(".").lower() not in _HONORIFICS]
    return [words[-1], *words[:-1]] if words else []
