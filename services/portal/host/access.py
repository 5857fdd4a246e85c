"""What a host may open: their own placements, the applications forwarded to them and the
claims on their placements. The services answer 404 for anything else (they say nothing of
another host's things, not even that they exist); on a host's page that becomes the same
403 page whether the thing is another host's or does not exist, and shows none of it."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from mip.core.errors import RemoteProblem
from services.portal.rendering import render


class HostRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def only_yours(request: Request) -> Response:
            try:
                return await handler(request)
            except RemoteProblem as problem:
                if problem.status != 404:
                    raise
                return not_yours(request)

        return only_yours


def not_yours(request: Request) -> Response:
    return render(request, "host/not_yours.html", {}, status_code=403)
