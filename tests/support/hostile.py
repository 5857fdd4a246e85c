"""Requests built from a service's own OpenAPI document with one hostile value in them:
NUL and control characters, unpaired surrogates, very long strings, huge and non-finite
numbers, dates at the edges of the calendar. A careless client or an attacker sends these;
every one must get a 4xx problem, never a 5xx."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

HOSTILE_TEXT = [
    "\x00",
    "a\x00b",
    "\udcff",
    "\ud800x",
    "\x1b[31mred\x1b[0m",
    "two\r\nlines",
    "\x7f\x85\x9b",
    "\u202eevil",
    "x" * 20_000,
    "",
    " ",
    "%00",
    "' OR 1=1 --",
]
# Raw JSON number literals: Python's json cannot write Infinity for a server to refuse.
HOSTILE_NUMBERS = [
    "1e400",
    "-1e400",
    "Infinity",
    "NaN",
    "9223372036854775808",
    "-9223372036854775809",
    str(10**40),
    "1.5",
    "-1",
    "0",
]
HOSTILE_DATES = [
    "0001-01-01",
    "9999-12-31",
    "2019-02-30",
    "10000-01-01",
    "0001-01-01T00:00:00+23:59",
    "9999-12-31T23:59:59-23:59",
    "2019-04-01T12:00:00",
    "2019-04-01T25:00:00Z",
]


@dataclass
class Operation:
    method: str
    path: str
    path_params: list[str]
    query: dict[str, dict[str, Any]]
    body: dict[str, Any] | None
    media: str | None
    components: dict[str, Any] = field(repr=False)


def operations(document: dict[str, Any]) -> list[Operation]:
    found = []
    components = document.get("components", {}).get("schemas", {})
    for path, methods in document["paths"].items():
        for method, spec in methods.items():
            params = spec.get("parameters", [])
            content = spec.get("requestBody", {}).get("content", {})
            media = next(iter(content), None)
            found.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    path_params=[p["name"] for p in params if p["in"] == "path"],
                    query={p["name"]: p.get("schema", {}) for p in params if p["in"] == "query"},
                    body=content[media]["schema"] if media else None,
                    media=media,
                    components=components,
                )
            )
    return found


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            return _resolve(options[0] if options else {}, components)
    return schema


def plain(schema: dict[str, Any], components: dict[str, Any], depth: int = 0) -> Any:
    """A value the schema takes, so that the one hostile value is what gets judged."""
    schema = _resolve(schema, components)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        if depth > 4:
            return {}
        return {
            name: plain(sub, components, depth + 1)
            for name, sub in schema.get("properties", {}).items()
        }
    if kind == "array":
        return [plain(schema.get("items", {}), components, depth + 1)]
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return True
    return _plain_string(schema.get("format"))


def _plain_string(fmt: str | None) -> str:
    return {
        "uuid": str(uuid.uuid4()),
        "date": "2030-06-03",
        "date-time": "2030-06-03T12:00:00+01:00",
        "email": "someone@example.org",
        "uri": "https://example.org/",
        "binary": "file",
    }.get(fmt or "", "plain words")


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [leaf for key, item in value.items() for leaf in _leaves(item, (*path, key))]
    if isinstance(value, list):
        return [leaf for i, item in enumerate(value) for leaf in _leaves(item, (*path, i))]
    return [path]


def _set(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[head] = _set(value[head], rest, new)
    return copy


class Raw:
    """A JSON literal put into a body as it is (Infinity, 1e400)."""

    def __init__(self, literal: str) -> None:
        self.literal = literal


def dumps(value: Any) -> str:
    if isinstance(value, Raw):
        return value.literal
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(dumps(v) for v in value) + "]"
    return json.dumps(value)


def hostile_value() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(HOSTILE_TEXT),
        st.sampled_from(HOSTILE_DATES),
        st.sampled_from([Raw(n) for n in HOSTILE_NUMBERS]),
        st.text(max_size=30),
        st.none(),
    )


@st.composite
def request_for(draw: st.DrawFn, op: Operation) -> dict[str, Any]:
    """One request for `op`: plain everywhere but for one hostile query value or body leaf."""
    path = op.path
    for name in op.path_params:
        path = path.replace("{" + name + "}", str(uuid.uuid4()))
    query = {name: _as_query(plain(schema, op.components)) for name, schema in op.query.items()}
    body = plain(op.body, op.components) if op.body is not None else None
    targets = [("query", name) for name in query] + [
        ("body", leaf) for leaf in (_leaves(body) if body is not None else [])
    ]
    if targets:
        where, target = draw(st.sampled_from(targets))
        bad = draw(hostile_value())
        if where == "query":
            query[target] = bad.literal if isinstance(bad, Raw) else ("" if bad is None else bad)
        else:
            body = _set(body, target, bad)
    return {"method": op.method, "path": path, "query": query, "body": body, "media": op.media}


def _as_query(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
