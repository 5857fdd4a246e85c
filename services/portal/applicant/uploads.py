"""Files people upload through the portal (a CV, R11; a receipt, R28), bounded twice.

The portal itself reads no body beyond `CEILING` (checked before the form is parsed, and
counted while it streams, as `mip.core.uploads` does for the services). Under that, each
file is checked against the limit its service publishes (`GET /v1/limits`) before it is
sent on: a service refuses an over-long body before reading it, and the portal would then
see a broken connection rather than the service's 413.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute

from mip.core.uploads import CountedBody, declared_over, megabytes, read_within
from services.portal.applicant.words import megabytes_label
from services.portal.reading import Form
from services.portal.rendering import render

MB = 1024 * 1024
# Far above any service's default (5 MB); a service configured higher is still bounded here.
CEILING = 32 * MB


def _refusal(request: Request) -> Response:
    return render(
        request,
        "applicant/too_large.html",
        {"limit": megabytes(CEILING), "back": _back(request)},
        413,
        headers={"Connection": "close"},
    )


def _back(request: Request) -> str:
    """The page the form was on, as a path on this site (never another site's address)."""
    came_from = urlsplit(request.headers.get("referer", ""))
    if not came_from.path.startswith("/") or came_from.path.startswith("//"):
        return "/applicant"
    return came_from.path + (f"?{came_from.query}" if came_from.query else "")


class BoundedUpload(APIRoute):
    """A page that takes a file: the body is read no further than `CEILING`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def bounded(request: Request) -> Response:
            if declared_over(request, CEILING):
                return _refusal(request)
            if getattr(request.state, "person", None) is None:
                # Only a signed-in person may make the portal read a file: a visitor is
                # sent to sign in before a byte of the body is read.
                return RedirectResponse(
                    "/sign-in", status_code=303, headers={"Connection": "close"}
                )
            body = CountedBody(request, CEILING)
            try:
                return await handler(body.request)
            except Exception:
                if body.over:
                    return _refusal(request)
                raise
            finally:
                await body.request.close()  # the parsed form's spooled files

        return bounded


@dataclass(frozen=True)
class Chosen:
    filename: str
    content: bytes


@dataclass(frozen=True)
class FileField:
    """A form's file box and what is said beside it when no file, or too large a one, is
    sent; `{limit}` in `too_large` is the service's limit ("5 MB")."""

    name: str
    missing: str
    too_large: str


async def read_file(form: Form, field: FileField, limit: int) -> Chosen | None:
    """The file chosen, read no further than `limit` bytes (its service's limit); None,
    with the field's message beside it, when there is none to send."""
    chosen = form.file(field.name)
    if chosen is None:
        form.errors.add(field.name, field.missing)
        return None
    content = await read_within(chosen, limit)
    if content is None:
        form.errors.add(field.name, field.too_large.format(limit=megabytes_label(limit)))
        return None
    return Chosen(chosen.filename or "", content)
