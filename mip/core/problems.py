"""Render every error as RFC 9457 problem+json; never a stack trace to a client."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mip.core.errors import (
    PROBLEM_TYPE_PREFIX,
    DatabaseUnavailable,
    MIPError,
    NotAuthenticated,
    NotFound,
    RemoteProblem,
    ServiceUnavailable,
)

PROBLEM_JSON = "application/problem+json"
RETRY_AFTER_S = 5
log = logging.getLogger("mip.problems")

# What PostgreSQL or the driver raise when the server, not the request, is the trouble:
# connection lost or refused (08xxx), shutdown, "cannot connect now" and statement
# timeouts (57xxx), and no connection slot left.
_OUTAGE_ERRORS = (
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.TooManyConnectionsError,
)
_DRIVER_DIR = str(Path(asyncpg.__file__).parent)

_HTTP_SLUGS = {
    400: "bad-request",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    413: "payload-too-large",
    415: "unsupported-media-type",
}


def problem_response(
    request: Request,
    *,
    status: int,
    slug: str,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_PREFIX + slug,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        **extensions,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def describe(exc: BaseException) -> str:
    """One line for the log: the exception's type and words, or its type alone."""
    words = str(exc)
    return f"{type(exc).__name__}: {words}" if words else type(exc).__name__


def _raised_in_driver(exc: BaseException) -> bool:
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        # Cython frames of the driver's protocol carry a path relative to the package.
        if name.startswith((_DRIVER_DIR, "asyncpg/")):
            return True
        tb = tb.tb_next
    return False


def database_outage(exc: BaseException) -> bool:
    """Whether `exc` means PostgreSQL could not be reached or did not answer in time.

    `OSError` (which includes `TimeoutError`) counts only when the driver raised it, or
    raised what it came from, so that a failing mail server is not reported as a database
    outage.
    """
    if isinstance(exc, BaseExceptionGroup):
        return all(database_outage(inner) for inner in exc.exceptions)
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, _OUTAGE_ERRORS):
            return True
        if isinstance(current, asyncpg.InterfaceError) and (
            "closed" in str(current) or "closing" in str(current)
        ):
            return True
        if isinstance(current, OSError) and any(
            _raised_in_driver(e) for e in (current, current.__cause__, current.__context__) if e
        ):
            return True
        current = current.__cause__
    return False


async def _mip_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, MIPError)
    return error_response(request, exc)


def error_response(
    request: Request, error: MIPError, headers: dict[str, str] | None = None
) -> JSONResponse:
    """The problem for `error`, with the headers its kind promises (a challenge for a
    missing token, when to retry) beside `headers`; wherever it is raised, it answers alike."""
    headers = dict(headers or {})
    if isinstance(error, NotAuthenticated):
        headers["WWW-Authenticate"] = 'Bearer realm="mip"'
    if error.retry_after_s is not None:
        headers["Retry-After"] = str(error.retry_after_s)
    return problem_response(
        request,
        status=error.status,
        slug=error.slug,
        title=error.title,
        detail=error.detail,
        headers=headers or None,
        **error.extensions,
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            "location": ".".join(str(p) for p in err.get("loc", ())),
            # pydantic prefixes a validator's own words; the person needs only the words.
            "message": str(err.get("msg", "")).removeprefix("Value error, "),
        }
        for err in exc.errors()
    ]
    first = errors[0] if errors else {"location": "request", "message": "invalid"}
    return problem_response(
        request,
        status=422,
        slug="invalid-request",
        title="The request is not valid",
        detail=f"{first['location']}: {first['message']}",
        errors=errors,
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return problem_response(
        request,
        status=exc.status_code,
        slug=_HTTP_SLUGS.get(exc.status_code, f"http-{exc.status_code}"),
        title=str(exc.detail) if exc.status_code != 404 else "Not found",
        detail=str(exc.detail) if exc.status_code != 404 else f"Nothing at {request.url.path}",
        headers=dict(exc.headers) if exc.headers else None,
    )


async def _remote(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RemoteProblem)
    if exc.status == 404:
        # An id the owning service does not know is not found here either: a 502 would
        # tell a caller more than "not found" does, and nothing is broken.
        log.info("a service this one depends on does not know it: %s", exc.problem)
        return await _mip_error(
            request, NotFound(str(exc.problem.get("detail") or "It was not found."))
        )
    if exc.status == 503:
        log.warning("a service this one depends on is unavailable: %s", exc.problem)
        return await _mip_error(
            request,
            ServiceUnavailable(
                "A service this request needs is unavailable just now; nothing was "
                "changed. Try again in a few seconds."
            ),
        )
    log.error("a service this one depends on answered %s: %s", exc.status, exc.problem)
    return problem_response(
        request,
        status=502,
        slug="upstream-error",
        title="Another MIP service could not answer",
        detail=f"A service this request needs answered {exc.status}: "
        f"{exc.problem.get('detail', '')}".strip(),
        upstream_status=exc.status,
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    if database_outage(exc):
        # An outage is expected weather, not a bug: one line, no trace, per request.
        log.warning(
            "database unavailable on %s %s: %s", request.method, request.url.path, describe(exc)
        )
        return await _mip_error(request, DatabaseUnavailable())
    incident = uuid.uuid4().hex
    log.exception(
        "unhandled error on %s %s (incident %s)", request.method, request.url.path, incident
    )
    return problem_response(
        request,
        status=500,
        slug="internal-error",
        title="Something went wrong",
        detail=f"An unexpected error occurred and was logged as incident {incident}.",
        incident=incident,
    )


class _AnswerUnhandled:
    """Turn an error no handler took into its problem response, and swallow it.

    Starlette's handler for `Exception` runs in ServerErrorMiddleware, which sends the
    500 and then re-raises: the server logs the error a second time and, the response
    having started, closes the connection under a client that may already be reusing
    it. Answering here, inside that middleware, completes the response on a connection
    that stays usable, and the error is logged once, by `_unexpected`.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception as exc:
            if started:
                # Too late for a problem: the server must cut the half-sent response
                # short, and it logs the error as it does so.
                raise
            response = await _unexpected(Request(scope), exc)
            await response(scope, receive, send)


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(MIPError, _mip_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RemoteProblem, _remote)
    # Only for errors raised outside `_AnswerUnhandled`, by middleware added after it.
    app.add_exception_handler(Exception, _unexpected)
    app.add_middleware(_AnswerUnhandled)
