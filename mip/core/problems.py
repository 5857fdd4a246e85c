"""Render every error as RFC 9457 problem+json; never a stack trace to a client."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from mip.core.errors import PROBLEM_TYPE_PREFIX, MIPError, NotAuthenticated, RemoteProblem

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("mip.problems")

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


async def _mip_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, MIPError)
    headers = (
        {"WWW-Authenticate": 'Bearer realm="mip"'} if isinstance(exc, NotAuthenticated) else None
    )
    return problem_response(
        request,
        status=exc.status,
        slug=exc.slug,
        title=exc.title,
        detail=exc.detail,
        headers=headers,
        **exc.extensions,
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


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(MIPError, _mip_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RemoteProblem, _remote)
    app.add_exception_handler(Exception, _unexpected)
