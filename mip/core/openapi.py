"""Every operation's OpenAPI lists the problems it really answers, as
`application/problem+json` with one shared `Problem` schema, in place of FastAPI's
default validation error, whose shape MIP never returns."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field

from mip.core.errors import PROBLEM_TYPE_PREFIX

PROBLEM_JSON = "application/problem+json"


class ProblemError(BaseModel):
    location: str = Field(examples=["body.contact_email"])
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details; `type` is stable, `detail` is for a person."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=[f"{PROBLEM_TYPE_PREFIX}invalid-input"])
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[ProblemError] | None = None


WHY = {
    401: "No token, a forged one or an expired one (`not-authenticated`)",
    403: "A valid token whose role may not do this (`permission-denied`)",
    404: "Nothing with that id that you can see (`not-found`)",
    409: "The request clashes with the current state (`conflict` and its kinds); nothing changed",
    413: "The body or its file is larger than allowed (`payload-too-large`)",
    422: "The request is malformed (`invalid-request`) or breaks a rule (`invalid-input` and "
    "its kinds); `errors` names the fields",
    500: "A fault of the service, logged with the `incident` id (`internal-error`)",
    503: "The database, the workflow engine or another service is down for now "
    "(`service-unavailable`); see `Retry-After`",
}


def problems_of(path: str, method: str, operation: dict[str, Any]) -> list[int]:
    """The problems an operation can answer, read from what the document says of it."""
    statuses = [500, 503]
    if operation.get("security"):  # the bearer-token dependency puts it there
        statuses += [401, 403]
    if "{" in path:
        statuses.append(404)
    if method.upper() in {"POST", "PUT", "PATCH", "DELETE"}:
        statuses += [409, 413]
    if operation.get("parameters") or operation.get("requestBody"):
        statuses.append(422)
    return sorted(set(statuses))


def _with_problems(document: dict[str, Any]) -> dict[str, Any]:
    for path, methods in document.get("paths", {}).items():
        for method, operation in methods.items():
            responses = operation.setdefault("responses", {})
            declared = [int(s) for s in responses if s[0] in "45" and int(s) in WHY]
            for status in sorted(set(problems_of(path, method, operation) + declared)):
                documented = responses.setdefault(str(status), {})
                if str(status) == "422" or "description" not in documented:
                    documented["description"] = WHY[status]
                documented["content"] = {
                    PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}
                }
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(problem.pop("$defs", {}))
    schemas["Problem"] = problem
    if "HTTPValidationError" not in json.dumps(document.get("paths", {})):
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
    return document


def document_problems(app: FastAPI) -> None:
    """Every operation of `app`'s document lists its problem responses."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _with_problems(original())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
