"""What a person sees when something goes wrong: a page in the portal's own layout, in
plain words, with the right status, never a trace.

    SignInNeeded            303 to /sign-in?next=<the page>
    WrongRole               403 errors/forbidden.html
    csrf.CsrfRefused        403 errors/csrf.html
    clients.Unavailable     503 errors/unavailable.html, naming what failed
    RemoteProblem           404/403 pages; 401 -> sign in again; else errors/problem.html
    TooManyRequests         429 errors/too_many.html with Retry-After
    no such page / method   404 errors/not_found.html
    unreadable form         400 errors/bad_request.html
    the portal's database   503 errors/unavailable.html
    anything else           500 errors/server.html with an incident id (trace in the log)
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from mip.core.auth import Role
from mip.core.errors import RemoteProblem
from mip.core.problems import database_outage, describe
from mip.core.ratelimit import TooManyRequests
from services.portal.clients import Unavailable
from services.portal.csrf import CsrfRefused
from services.portal.rendering import render

if TYPE_CHECKING:
    from starlette.types import ExceptionHandler

log = logging.getLogger("mip.portal")


class SignInNeeded(Exception):
    def __init__(self, back_to: str, *, email: str | None = None) -> None:
        super().__init__(back_to)
        self.back_to = back_to
        self.email = email


class WrongRole(Exception):
    def __init__(self, *, needed: Role, has: Role) -> None:
        super().__init__(f"needs {needed.value}, has {has.value}")
        self.needed = needed
        self.has = has


def _page(
    request: Request,
    name: str,
    status: int,
    *,
    headers: dict[str, str] | None = None,
    **context: object,
) -> Response:
    return render(request, name, dict(context), status, headers=headers)


async def _sign_in(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInNeeded)
    query = {"next": exc.back_to} | ({"email": exc.email} if exc.email else {})
    return RedirectResponse(f"/sign-in?{urlencode(query, safe='/')}", status_code=303)


async def _wrong_role(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WrongRole)
    return _page(request, "errors/forbidden.html", 403, needed=exc.needed.value)


async def _csrf(request: Request, exc: Exception) -> Response:
    return _page(request, "errors/csrf.html", 403)


async def _unavailable(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Unavailable)
    log.warning("%s unavailable for %s: %s", exc.service, request.url.path, exc.detail)
    return _page(
        request, "errors/unavailable.html", 503, what=exc.what, headers={"Retry-After": "30"}
    )


async def _remote(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RemoteProblem)
    if exc.status == 404:
        return _page(request, "errors/not_found.html", 404)
    if exc.status == 403:
        return _page(request, "errors/forbidden.html", 403, needed=None)
    if exc.status == 401:
        return await _sign_in(request, SignInNeeded(request.url.path))
    detail = str(exc.problem.get("detail") or exc.problem.get("title") or "")
    return _page(request, "errors/problem.html", exc.status, detail=detail)


async def _too_many(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, TooManyRequests)
    wait = exc.retry_after_s or 60
    return _page(
        request,
        "errors/too_many.html",
        429,
        minutes=max(1, (wait + 59) // 60),
        headers={"Retry-After": str(wait)},
    )


async def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code in (404, 405):
        return _page(request, "errors/not_found.html", 404)
    return _page(request, "errors/bad_request.html", exc.status_code)


async def _invalid(request: Request, exc: Exception) -> Response:
    log.info("unreadable form at %s: %s", request.url.path, describe(exc))
    return _page(request, "errors/bad_request.html", 400)


async def _unexpected(request: Request, exc: Exception) -> Response:
    if database_outage(exc):
        log.warning("portal database unreachable: %s", describe(exc))
        return _page(
            request,
            "errors/unavailable.html",
            503,
            what="Signing in",
            headers={"Retry-After": "30"},
        )
    incident = uuid.uuid4().hex[:12]
    log.error("incident %s at %s", incident, request.url.path, exc_info=exc)
    try:
        return _page(request, "errors/server.html", 500, incident=incident)
    except Exception:  # the page itself failed: a plain answer rather than none
        return Response(f"Sorry, something went wrong (incident {incident}).", status_code=500)


def install(app: FastAPI) -> None:
    handlers: dict[type[Exception], ExceptionHandler] = {
        SignInNeeded: _sign_in,
        WrongRole: _wrong_role,
        CsrfRefused: _csrf,
        Unavailable: _unavailable,
        RemoteProblem: _remote,
        TooManyRequests: _too_many,
        StarletteHTTPException: _http,
        RequestValidationError: _invalid,
    }
    for kind, handler in handlers.items():
        app.add_exception_handler(kind, handler)


async def unexpected(request: Request, exc: Exception) -> Response:
    """For the middleware that catches what no handler did (see app.py)."""
    return await _unexpected(request, exc)
