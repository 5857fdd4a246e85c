"""Every error reaches a client as RFC 9457 problem+json, never as a stack trace."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from mip.core.auth import Role
from mip.core.errors import Conflict
from mip.core.settings import Settings
from services.applications.app import create_app
from tests.support.auth import RunApp, auth

PROBLEM = "application/problem+json"


class Placement(BaseModel):
    days: int = Field(ge=2, le=5)


def _app_with_failing_routes(settings: Settings) -> object:
    app = create_app(settings)
    router = APIRouter()

    @router.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals: password=hunter2")

    @router.post("/clash")
    async def clash() -> None:
        raise Conflict("That slot is already booked.", slot="09:15")

    @router.post("/placements")
    async def placements(body: Placement) -> Placement:
        return body

    app.include_router(router)
    return app


async def test_unexpected_errors_hide_the_trace(settings: Settings, run_app: RunApp) -> None:
    async with run_app(_app_with_failing_routes(settings)) as http:  # type: ignore[arg-type]
        response = await http.get("/boom")
    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["type"] == "urn:mip:problem:internal-error"
    assert "hunter2" not in response.text
    assert "Traceback" not in response.text
    assert body["incident"] in body["detail"]


async def test_domain_errors_carry_their_type_and_extensions(
    settings: Settings, run_app: RunApp
) -> None:
    async with run_app(_app_with_failing_routes(settings)) as http:  # type: ignore[arg-type]
        response = await http.post("/clash")
    assert response.status_code == 409
    assert response.json() == {
        "type": "urn:mip:problem:conflict",
        "title": "Conflict with the current state",
        "status": 409,
        "detail": "That slot is already booked.",
        "instance": "/clash",
        "slot": "09:15",
    }


async def test_invalid_bodies_say_which_field_and_why(settings: Settings, run_app: RunApp) -> None:
    async with run_app(_app_with_failing_routes(settings)) as http:  # type: ignore[arg-type]
        response = await http.post("/placements", json={"days": 7})
    assert response.status_code == 422
    body = response.json()
    assert body["type"] == "urn:mip:problem:invalid-request"
    assert body["errors"][0]["location"] == "body.days"
    assert "less than or equal to 5" in body["detail"]


async def test_unknown_paths_and_methods_are_problems(settings: Settings, run_app: RunApp) -> None:
    async with run_app(create_app(settings)) as http:
        missing = await http.get("/v1/nothing-here", headers=auth(settings, Role.office))
        wrong_method = await http.delete("/healthz")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == PROBLEM
    assert missing.json()["detail"] == "Nothing at /v1/nothing-here"
    assert wrong_method.status_code == 405
    assert wrong_method.json()["type"] == "urn:mip:problem:method-not-allowed"
