"""The base of the small typed HTTP client each service offers the others."""

from __future__ import annotations

from typing import Any, Self, TypeVar

import httpx
from pydantic import BaseModel, TypeAdapter

from mip.core.errors import RemoteProblem
from mip.core.problems import PROBLEM_JSON
from mip.core.schemas import Health, Me, Status

M = TypeVar("M", bound=BaseModel)


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
        return await self._request("GET", "/healthz", Health)

    async def me(self) -> Me:
        return await self._request("GET", "/v1/me", Me)

    async def status(self) -> Status:
        return await self._request("GET", "/v1/admin/status", Status)

    async def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = await self._http.request(method, path, **kwargs)
        if response.is_error:
            raise RemoteProblem(response.status_code, _problem_of(response))
        return response

    async def _request(self, method: str, path: str, model: type[M], **kwargs: Any) -> M:
        response = await self._send(method, path, **kwargs)
        return model.model_validate_json(response.content)

    async def _request_list(
        self, method: str, path: str, adapter: TypeAdapter[list[M]], **kwargs: Any
    ) -> list[M]:
        response = await self._send(method, path, **kwargs)
        return adapter.validate_json(response.content)


def _problem_of(response: httpx.Response) -> dict[str, Any]:
    if response.headers.get("content-type", "").startswith(PROBLEM_JSON):
        body: dict[str, Any] = response.json()
        return body
    return {
        "status": response.status_code,
        "title": response.reason_phrase,
        "detail": response.text,
    }
