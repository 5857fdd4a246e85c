"""The public keys a token issuer (the portal) publishes as a JWKS, fetched and held.

A key is looked up by the `kid` in a token's header. An unknown `kid` fetches the set
again, at most once per `REFRESH_AT_MOST_EVERY_S`, so a forged header cannot make a
service hammer the issuer; the set held is refreshed after `KEEP_S` in any case, so a
retired key stops working. Fetched with httpx on the event loop: a service and the
portal may share one loop (the tests do), where a blocking fetch would wait for itself.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx
import jwt

from mip.core.errors import ServiceUnavailable

log = logging.getLogger("mip.jwks")
KEEP_S = 600.0
REFRESH_AT_MOST_EVERY_S = 10.0


class JwksCache:
    def __init__(
        self,
        url: str,
        *,
        clock: Callable[[], float] = time.monotonic,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._url = url
        self._clock = clock
        self._transport = transport
        self._keys: dict[str | None, Any] = {}
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()

    def cached(self, kid: str | None) -> Any | None:
        """The key `kid` names, if held; a token without `kid` uses the only key held."""
        if kid is None and len(self._keys) == 1:
            return next(iter(self._keys.values()))
        return self._keys.get(kid)

    def _stale(self) -> bool:
        return self._fetched_at is None or self._clock() - self._fetched_at > KEEP_S

    def _may_refresh(self) -> bool:
        return self._fetched_at is None or (
            self._clock() - self._fetched_at > REFRESH_AT_MOST_EVERY_S
        )

    async def ensure(self, kid: str | None) -> None:
        """Fetch the set if `kid` is not held (and a fetch is allowed now) or it is old."""
        if self.cached(kid) is not None and not self._stale():
            return
        async with self._lock:
            if self.cached(kid) is not None and not self._stale():
                return
            if self._may_refresh():
                await self._fetch()

    async def _fetch(self) -> None:
        try:
            async with httpx.AsyncClient(timeout=5, transport=self._transport) as http:
                response = await http.get(self._url)
                response.raise_for_status()
            found = jwt.PyJWKSet.from_json(response.text)
        except (httpx.HTTPError, jwt.PyJWTError, json.JSONDecodeError) as exc:
            log.warning("cannot fetch the token keys from %s: %s", self._url, exc)
            raise ServiceUnavailable(
                "The keys that check sign-in tokens cannot be fetched just now; "
                "nothing was changed. Try again shortly.",
                unavailable="token keys",
            ) from exc
        self._keys = {key.key_id: key.key for key in found.keys}
        self._fetched_at = self._clock()
