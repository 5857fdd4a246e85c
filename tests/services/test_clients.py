"""Every method of every service's client against its service's OpenAPI (issue 22 item 6).

Each public method of each `ServiceClient` in `services/*/client.py` is called with
sample arguments made from its signature, over a transport that records the request and
answers with a problem. The request must be one the service's app routes (the route
FastAPI itself would dispatch it to) and fit that route's OpenAPI operation: its path
parameters, its query parameters, its headers, its body (JSON or form) and the schema the
client reads the answer as. A renamed route, parameter or body field fails here, not in
front of a person. Nothing is listed by hand: a new method or client is checked as soon
as it exists.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import re
import types
import typing
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from email.parser import BytesParser
from email.policy import default as email_policy
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import BaseModel, EmailStr

from mip.core.errors import RemoteProblem
from mip.core.http import ServiceClient
from mip.core.problems import PROBLEM_JSON

SERVICES = Path(__file__).parents[2] / "services"
# What httpx sends on every request; any other header must be one the route declares.
_EVERY_REQUEST = {"host", "accept", "accept-encoding", "connection", "user-agent"}
_EVERY_REQUEST |= {"authorization", "content-length", "content-type"}
Operation = dict[str, Any]


def _clients() -> Iterator[tuple[str, type[ServiceClient]]]:
    for path in sorted(SERVICES.glob("*/client.py")):
        module = importlib.import_module(f"services.{path.parent.name}.client")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, ServiceClient)
                and value.__module__ == module.__name__
            ):
                yield path.parent.name, value


def _methods() -> list[tuple[str, type[ServiceClient], str]]:
    return [
        (service, client, name)
        for service, client in _clients()
        for name, member in inspect.getmembers(client, inspect.iscoroutinefunction)
        if not name.startswith("_") and name != "aclose"
    ]


METHODS = _methods()


def test_every_service_with_an_app_has_its_client_checked() -> None:
    served = {p.parent.name for p in SERVICES.glob("*/client.py") if p.with_name("app.py").exists()}
    assert served == {"applications", "expenses", "notifications", "offers"}
    assert {service for service, _, _ in METHODS} == served
    assert len(METHODS) > 80


@cache
def _openapi(service: str) -> dict[str, Any]:
    document: dict[str, Any] = (
        importlib.import_module(f"services.{service}.app").create_app().openapi()
    )
    return document


# Sample arguments, made from the method's signature: every optional one given, so that
# every query parameter the client can send is sent.


def _sample(hint: Any) -> Any:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Annotated:
        return _sample(args[0])
    if origin in (typing.Union, types.UnionType):
        return _sample(next(a for a in args if a is not type(None)))
    if origin is typing.Literal:
        return args[0]
    if origin in (list, tuple, set, frozenset):
        return origin([_sample(args[0])]) if args else origin()
    if origin is dict:
        return {_sample(args[0]): _sample(args[1])}
    simple: dict[Any, Any] = {
        uuid.UUID: uuid.UUID(int=1),
        str: "ada@example.org",
        EmailStr: "ada@example.org",
        int: 1,
        float: 1.5,
        bool: True,
        bytes: b"x",
        datetime: datetime(2030, 3, 4, 9, tzinfo=UTC),
        date: date(2030, 3, 4),
    }
    if hint in simple:
        return simple[hint]
    if isinstance(hint, type) and issubclass(hint, Enum):
        return next(iter(hint))
    if isinstance(hint, type) and issubclass(hint, BaseModel):
        fields = {n: _sample(f.annotation) for n, f in hint.model_fields.items()}
        return hint.model_construct(**fields)
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        hints = typing.get_type_hints(hint)
        return hint(**{f.name: _sample(hints[f.name]) for f in dataclasses.fields(hint)})
    raise AssertionError(f"no sample for {hint!r}: teach _sample this type")


def _arguments(function: Callable[..., Any]) -> dict[str, Any]:
    hints = typing.get_type_hints(function)
    return {
        name: _sample(hints[name])
        for name in inspect.signature(function).parameters
        if name != "self"
    }


async def _request_of(client: type[ServiceClient], name: str) -> tuple[httpx.Request, Any]:
    """The one request `client.name` sends, and the body model it was given (if any)."""
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            418, json={"title": "recorded"}, headers={"content-type": PROBLEM_JSON}
        )

    arguments = _arguments(getattr(client, name))
    async with client("http://service", "token", transport=httpx.MockTransport(answer)) as made:
        with pytest.raises(RemoteProblem):
            await getattr(made, name)(**arguments)
    assert len(seen) == 1, f"{client.__name__}.{name} sent {len(seen)} requests"
    models = [v for v in arguments.values() if isinstance(v, BaseModel)]
    return seen[0], models[0] if models else None


# The OpenAPI side.


def _route(document: dict[str, Any], request: httpx.Request) -> tuple[str, dict[str, str]]:
    """The path template `request` is dispatched to, and its path parameters: as Starlette
    does, the first route in declaration order (the document's) with its path and method."""
    for template, operations in document["paths"].items():
        pattern = re.sub(r"\\{(\w+)\\}", r"(?P<\1>[^/]+)", re.escape(template))
        found = re.fullmatch(pattern, request.url.path)
        if found and request.method.lower() in operations:
            return template, found.groupdict()
    raise AssertionError(f"no route for {request.method} {request.url.path}")


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """The schema a reference or an optional (`X | None`) stands for."""
    while True:
        options = [s for s in schema.get("anyOf", ()) if s.get("type") != "null"]
        if len(options) == 1:
            schema = options[0]
        elif "$ref" in schema:
            schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        else:
            return schema


def _schema_name(schema: dict[str, Any]) -> str | None:
    """The model a schema names; FastAPI adds -Input/-Output where a model is both."""
    options = [s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]
    ref = options[0].get("$ref") if len(options) == 1 else None
    return ref.rsplit("/", 1)[1].removesuffix("-Input").removesuffix("-Output") if ref else None


def _fits(document: dict[str, Any], value: str, schema: dict[str, Any]) -> bool:
    """Whether `value`, as text in a path or a query, is one the schema takes."""
    schema = _resolve(document, schema)
    if "anyOf" in schema:
        return any(_fits(document, value, s) for s in schema["anyOf"] if s.get("type") != "null")
    if "enum" in schema:
        return value in [str(v) for v in schema["enum"]]
    readers: dict[str, Callable[[str], object]] = {
        "uuid": uuid.UUID,
        "date": date.fromisoformat,
        "date-time": datetime.fromisoformat,
        "integer": int,
        "number": float,
    }
    read = readers.get(schema.get("format", "")) or readers.get(schema.get("type", ""))
    try:
        if read is not None:
            read(value)
    except ValueError:
        return False
    return True


def _form_fields(request: httpx.Request) -> set[str]:
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = BytesParser(policy=email_policy).parsebytes(head + request.content)
    return {
        str(part.get_param("name", header="content-disposition")) for part in message.iter_parts()
    }


def _check_query(
    document: dict[str, Any], parameters: dict[tuple[str, str], Any], sent: dict[str, str]
) -> None:
    declared = {name: p for (where, name), p in parameters.items() if where == "query"}
    assert set(sent) <= set(declared), f"takes no query {set(sent) - set(declared)}"
    for name, parameter in declared.items():
        if name in sent:
            assert _fits(document, sent[name], parameter["schema"]), f"?{name}={sent[name]}"
        else:
            assert not parameter.get("required"), f"needs ?{name}="


def _check_body(
    document: dict[str, Any], operation: Operation, request: httpx.Request, model: Any
) -> None:
    media_type = request.headers.get("content-type", "").split(";")[0]
    declared = operation.get("requestBody", {})
    if not request.content:
        assert not declared.get("required"), "the route needs a body the client does not send"
        return
    assert media_type in declared.get("content", {}), (
        f"sends {media_type or 'a body'}; takes {list(declared.get('content', {}))}"
    )
    schema = declared["content"][media_type]["schema"]
    if media_type == "application/json":
        sent = set(httpx.Response(200, content=request.content).json())
        if model is not None:
            assert _schema_name(schema) == type(model).__name__
    else:
        sent = _form_fields(request)
    fields = _resolve(document, schema)
    assert sent <= set(fields.get("properties", {})), (
        f"unknown fields {sent - set(fields['properties'])}"
    )
    assert set(fields.get("required", ())) <= sent, (
        f"missing fields {set(fields['required']) - sent}"
    )


def _check_answer(document: dict[str, Any], operation: Operation, answer: Any) -> None:
    """The client reads the answer as the model the route says it returns."""
    shapes = [
        r["content"]["application/json"]["schema"]
        for code, r in operation["responses"].items()
        if code.startswith("2") and "application/json" in r.get("content", {})
    ]
    if typing.get_origin(answer) is list and shapes:
        assert _resolve(document, shapes[0]).get("type") == "array"
        shapes, answer = [shapes[0]["items"]], typing.get_args(answer)[0]
    if isinstance(answer, type) and issubclass(answer, BaseModel):
        assert [_schema_name(s) for s in shapes] == [answer.__name__]


def _cases() -> list[Any]:
    cases = []
    for service, client, name in METHODS:
        cases.append(pytest.param(service, client, name, id=f"{client.__name__}.{name}"))
    return cases


@pytest.mark.parametrize(("service", "client", "name"), _cases())
async def test_the_client_method_fits_a_route_of_its_service(
    service: str, client: type[ServiceClient], name: str
) -> None:
    request, model = await _request_of(client, name)
    document = _openapi(service)
    template, path_params = _route(document, request)
    operation: Operation = document["paths"][template][request.method.lower()]
    # Header names are the one kind that case does not tell apart.
    parameters = {
        (p["in"], p["name"].lower() if p["in"] == "header" else p["name"]): p
        for p in operation.get("parameters", ())
    }
    for param_name, value in path_params.items():
        assert _fits(document, value, parameters["path", param_name]["schema"]), (
            f"{template}: {param_name}={value!r} is not what the route takes"
        )
    _check_query(document, parameters, dict(request.url.params))
    extra = {h for h in request.headers if h.lower() not in _EVERY_REQUEST}
    assert extra <= {n for where, n in parameters if where == "header"}, extra
    _check_body(document, operation, request, model)
    _check_answer(document, operation, typing.get_type_hints(getattr(client, name))["return"])
