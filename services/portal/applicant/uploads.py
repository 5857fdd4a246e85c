"""Files people upload through the portal (a CV, R11; a receipt, R28), bounded twice.

The portal itself reads no body beyond `CEILING` (checked before the form is parsed, and
counted while it streams, as `mip.core.uploads` does for the services). Under that, each
file is checked against the limit its service publishes (`GET /v1/limits`) before it is
sent on: a service refuses an over-long body before reading it, and the portal would then
see a broken connection rather than the service's 413.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute
from starlette.datastructures import UploadFile

from mip.core.uploads import CountedBody, declared_over, megabytes
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


def chosen_file(value: object) -> UploadFile | None:
    """The form's file, or None when none was chosen (an empty file part)."""
    if isinstance(value, UploadFile) and value.filename:
        return value
    return None


def too_large_message(what: str, max_bytes: int) -> str:
    return (
        f"The {what} must be smaller than {megabytes(max_bytes)} MB; "
        "a smaller export or a lower-resolution scan will do"
    )
