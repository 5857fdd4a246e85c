"""The base of the small typed HTTP client each service offers the others.

A client method names its route and the shape of the answer, and nothing else:
``return await self._get(f"/v1/rounds/{round_id}", Round)``. Bodies go as JSON (a model
as its JSON form), query values as their text, None left out; an answer is read into
the shape named, `list[Round]` as well as `Round`. tests/services/test_clients.py checks
every method's route, method, query and body against its service's OpenAPI.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from email.message import Message
from enum import Enum
from typing import Any, Self, TypeVar
from uuid import UUID

import httpx
from pydantic import BaseModel, TypeAdapter

from mip.core.errors import RemoteProblem
from mip.core.problems import PROBLEM_JSON
from mip.core.schemas import Health, Me, Status

T = TypeVar("T")

# A body: a model, or a few named values where the route's model is the service's own.
Body = BaseModel | Mapping[str, object] | None

# One adapter per answer shape, kept: building one costs far more than using it.
_ADAPTERS: dict[object, TypeAdapter[Any]] = {}


@dataclass(frozen=True)
class Download:
    """A file a service serves (a CV, a receipt) as it came: bytes, type and its name."""

    content: bytes
    media_type: str
    filename: str | None


class ServiceClient:
    def __init__(
        self,
        base_url: str,
        token: str | None,
        *,
        timeout_s: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._http = httpx.AsyncClient(
            base_url=base_url,
            # No token: a visitor, for what anyone may read (advertised placements).
            headers={"Authorization": f"Bearer {token}"} if token else {},
            timeout=timeout_s,
            transport=transport,
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def health(self) -> Health:
        return await self._get("/healthz", Health)

    async def me(self) -> Me:
        return await self._get("/v1/me", Me)

    async def status(self) -> Status:
        return await self._get("/v1/admin/status", Status)

    async def _get(self, path: str, answer: type[T], **query: object) -> T:
        return await self._call("GET", path, answer, query=query)

    async def _post(self, path: str, answer: type[T], body: Body = None, **query: object) -> T:
        return await self._call("POST", path, answer, body=body, query=query)

    async def _put(self, path: str, answer: type[T], body: Body) -> T:
        return await self._call("PUT", path, answer, body=body)

    async def _delete(self, path: str, answer: type[T]) -> T:
        return await self._call("DELETE", path, answer)

    async def _call(self, method: str, path: str, answer: type[T], **kwargs: Any) -> T:
        response = await self._send(method, path, **kwargs)
        adapter = _ADAPTERS.get(answer) or _ADAPTERS.setdefault(answer, TypeAdapter(answer))
        value: T = adapter.validate_json(response.content)
        return value

    async def _send(
        self,
        method: str,
        path: str,
        *,
        body: Body = None,
        query: Mapping[str, object] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """The answer, unread; an error answer raised as the service's problem."""
        if body is not None:
            kwargs["json"] = _json(body)
        if query:
            kwargs["params"] = {k: _text(v) for k, v in query.items() if v is not None}
        response = await self._http.request(method, path, **kwargs)
        if response.is_error:
            raise RemoteProblem(response.status_code, _problem_of(response))
        return response

    async def _download(self, path: str) -> Download:
        response = await self._send("GET", path)
        return Download(
            content=response.content,
            media_type=response.headers.get("content-type", "application/octet-stream"),
            filename=_filename_of(response.headers.get("content-disposition", "")),
        )


def _json(body: BaseModel | Mapping[str, object]) -> Any:
    if isinstance(body, BaseModel):
        return body.model_dump(mode="json")
    return {k: _text(v) for k, v in body.items()}


def _text(value: object) -> object:
    """A query or body value as the service reads it back (httpx sends only primitives)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):  # a datetime too
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    return value


def _problem_of(response: httpx.Response) -> dict[str, Any]:
    if response.headers.get("content-type", "").startswith(PROBLEM_JSON):
        body: dict[str, Any] = response.json()
        return body
    return {
        "status": response.status_code,
        "title": response.reason_phrase,
        "detail": response.text,
    }


def _filename_of(disposition: str) -> str | None:
    if not disposition:
        return None
    header = Message()
    header["content-disposition"] = disposition
    return header.get_filename()
