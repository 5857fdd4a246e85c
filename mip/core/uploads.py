"""Uploads bounded while they stream (the content checks CVs and receipts share are
`mip.core.documents`).

FastAPI parses a whole multipart body before any dependency runs, so neither a token check
nor a size check in the endpoint can stop a large body from being read. `bounded_upload`
gives an upload route a handler that, before the body is touched, checks the bearer token
and role and refuses a declared `Content-Length` over the limit; then it counts the body as
it arrives and stops reading once the count passes the limit. Such early answers carry
``Connection: close``, so the client stops sending the rest.

`read_within` and `read_bounded` read a parsed file in chunks, never more than one byte past
its limit (`read_bounded` first refuses a file name no database could store).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute, APIRouter
from starlette.datastructures import UploadFile
from starlette.routing import BaseRoute
from starlette.types import Message

from mip.core.auth import Principal, Role, TokenVerifier
from mip.core.errors import MIPError, NotAuthenticated, PayloadTooLarge, PermissionDenied
from mip.core.problems import error_response
from mip.core.text import unstorable

MB = 1_048_576
CHUNK = 64 * 1024
# Room in a multipart body for its other fields and boundaries besides the file itself.
FORM_ROOM = 256 * 1024


class UnstorableName(MIPError):
    status = 422
    slug = "invalid-request"
    title = "The request is not valid"


def megabytes(n: int) -> str:
    return f"{n / MB:.1f}".removesuffix(".0")


def too_large(field: str, max_bytes: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"The file is larger than {megabytes(max_bytes)} MB ({field}); "
        "a smaller export or a lower-resolution scan will do.",
        errors=[{"location": f"body.{field}", "message": f"at most {megabytes(max_bytes)} MB"}],
    )


async def _principal(request: Request) -> Principal:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated("This endpoint needs an 'Authorization: Bearer <token>' header.")
    verifier: TokenVerifier = request.app.state.token_verifier
    return await verifier.authenticate(token.strip())


def _refusal(request: Request, error: MIPError) -> Response:
    """The problem for `error`, closing the connection: the rest of the body is unread."""
    return error_response(request, error, {"Connection": "close"})


class _BodyTooLarge(Exception):
    pass


def declared_over(request: Request, max_file_bytes: int) -> bool:
    """Whether the declared `Content-Length` is past the file's limit plus the form's room."""
    declared = request.headers.get("content-length", "")
    return declared.isdigit() and int(declared) > max_file_bytes + FORM_ROOM


class CountedBody:
    """`request` with its body counted as it arrives: reading fails once the count passes
    the file's limit plus the form's room, so a body without a length is bounded too."""

    def __init__(self, request: Request, max_file_bytes: int) -> None:
        self.received = 0
        self._ceiling = max_file_bytes + FORM_ROOM
        self._upstream = request.receive
        self.request = Request(request.scope, self._receive)

    @property
    def over(self) -> bool:
        return self.received > self._ceiling

    async def _receive(self) -> Message:
        message = await self._upstream()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.over:
                raise _BodyTooLarge
        return message


def bounded_upload(
    *, field: str, max_file_bytes: Callable[[Request], int], roles: tuple[Role, ...]
) -> type[APIRoute]:
    """A route class for an upload of `field`: token and role are checked before the body
    is read, and the body is read only up to the file's limit plus room for the form."""
    allowed = ", ".join(r.value for r in roles)

    class BoundedUploadRoute(APIRoute):
        # RefuseUnstorableText leaves this body to be read here, within the file's limit.
        bounds_its_body = True

        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            handler = super().get_route_handler()

            async def bounded(request: Request) -> Response:
                try:
                    principal = await _principal(request)
                    if principal.role not in roles:
                        raise PermissionDenied(
                            f"This needs the role {allowed}; your token has the role "
                            f"{principal.role.value}.",
                            required_roles=[r.value for r in roles],
                        )
                    limit = max_file_bytes(request)
                    if declared_over(request, limit):
                        raise too_large(field, limit)
                except MIPError as error:
                    return _refusal(request, error)
                body = CountedBody(request, limit)
                try:
                    return await handler(body.request)
                except Exception:
                    if body.over:
                        return _refusal(request, too_large(field, limit))
                    raise

            return bounded

    return BoundedUploadRoute


def upload_routes(routers: Iterable[APIRouter]) -> list[BaseRoute]:
    """The routes among `routers` made by `bounded_upload`."""
    return [r for router in routers for r in router.routes if getattr(r, "bounds_its_body", False)]


async def read_within(upload: UploadFile, max_bytes: int) -> bytes | None:
    """The file's bytes, or None if it is larger than `max_bytes` (read one byte past it)."""
    parts: list[bytes] = []
    size = 0
    while size <= max_bytes:
        chunk = await upload.read(min(CHUNK, max_bytes + 1 - size))
        if not chunk:
            return b"".join(parts)
        parts.append(chunk)
        size += len(chunk)
    return None


def check_name(upload: UploadFile, field: str) -> None:
    """Refuse a file name that cannot be kept: a browser percent-encodes a NUL or a control
    character in it, but a raw one in the part's header reaches here as it was sent, and
    PostgreSQL would refuse the row only after every check had passed."""
    reason = unstorable(upload.filename or "", one_line=True)
    if reason:
        raise UnstorableName(
            f"body.{field}: the file name {reason}; rename the file and send it again.",
            errors=[{"location": f"body.{field}", "message": f"The file name {reason}."}],
        )


async def read_bounded(upload: UploadFile, *, field: str, max_bytes: int) -> bytes:
    """The file's bytes, read in chunks; over `max_bytes` it is refused with 413, and a
    name that cannot be stored with 422."""
    check_name(upload, field)
    content = await read_within(upload, max_bytes)
    if content is None:
        raise too_large(field, max_bytes)
    return content
