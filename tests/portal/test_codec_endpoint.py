"""The Temporal web UI decodes MIP's sealed payloads through the portal (issue 23 item 5):
for a signed-in office person, from the UI's origin, and for nobody else."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from temporalio.api.common.v1 import Payload

from mip.core.auth import Role
from mip.core.codec import ENCODING, codec_for
from mip.core.settings import Settings
from services.portal import session
from services.portal.app import create_app
from services.portal.config import PortalSettings
from services.portal.office.codec import ui_origin
from tests.portal.support.stack import OFFICE, portal_settings_for_tests
from tests.support.auth import RunApp

CLEAR = Payload(metadata={"encoding": b"json/plain"}, data=b'{"applicant":"ada@example.org"}')


def _json(payloads: list[Payload]) -> dict[str, Any]:
    def one(p: Payload) -> dict[str, Any]:
        meta = {k: base64.b64encode(v).decode() for k, v in p.metadata.items()}
        return {"metadata": meta, "data": base64.b64encode(p.data).decode()}

    return {"payloads": [one(p) for p in payloads]}


def _data(answer: httpx.Response) -> list[bytes]:
    return [base64.b64decode(p["data"]) for p in answer.json()["payloads"]]


@asynccontextmanager
async def _portal(settings: Settings, run_app: RunApp) -> AsyncIterator[Any]:
    """The portal, and a way to be a person signed in to it (None: nobody)."""
    app = create_app(settings, portal_settings_for_tests())
    async with run_app(app) as http:

        async def as_(role: Role | None, email: str = OFFICE) -> httpx.AsyncClient:
            http.cookies.clear()
            if role is not None:
                person = session.Person(email=email, role=role)
                http.cookies.set(session.COOKIE, await session.start(app.state.runtime, person))
            return http

        yield as_


async def _sealed(settings: Settings) -> dict[str, Any]:
    return _json(await codec_for(settings).encode([CLEAR]))


def _ui() -> str:
    """The origin the portal under test lets decode: its configured Temporal UI's."""
    return ui_origin(PortalSettings().temporal_ui_url)


async def test_the_office_reads_decoded_payloads_in_the_temporal_ui(
    settings: Settings, run_app: RunApp
) -> None:
    ui = {"Origin": _ui(), "X-Namespace": "default"}
    async with _portal(settings, run_app) as as_:
        office = await as_(Role.office)
        decoded = await office.post("/codec/decode", json=await _sealed(settings), headers=ui)
        encoded = await office.post("/codec/encode", json=_json([CLEAR]), headers=ui)
        again = await office.post("/codec/decode", json=encoded.json(), headers=ui)
    assert decoded.status_code == 200, decoded.text
    assert _data(decoded) == [CLEAR.data]
    assert decoded.headers["access-control-allow-origin"] == _ui()
    assert decoded.headers["access-control-allow-credentials"] == "true"
    sealed = encoded.json()["payloads"][0]
    assert base64.b64decode(sealed["metadata"]["encoding"]) == ENCODING
    assert b"ada@example.org" not in base64.b64decode(sealed["data"])
    assert _data(again) == [CLEAR.data]


async def test_nobody_signed_in_gets_401_and_an_applicant_or_host_403(
    settings: Settings, run_app: RunApp
) -> None:
    ui = {"Origin": _ui()}
    sealed = await _sealed(settings)
    async with _portal(settings, run_app) as as_:
        nobody = await (await as_(None)).post("/codec/decode", json=sealed, headers=ui)
        applicant = await (await as_(Role.applicant, "ada@example.org")).post(
            "/codec/decode", json=sealed, headers=ui
        )
        host = await (await as_(Role.host, "sam@example.com")).post(
            "/codec/decode", json=sealed, headers=ui
        )
    assert nobody.status_code == 401
    assert applicant.status_code == 403
    assert host.status_code == 403
    for refused in (nobody, applicant, host):
        assert b"ada@example.org" not in refused.content


async def test_another_site_cannot_decode_through_the_office_s_browser(
    settings: Settings, run_app: RunApp
) -> None:
    evil = {"Origin": "https://evil.example", "X-Namespace": "default"}
    asking = {**evil, "Access-Control-Request-Method": "POST"}
    async with _portal(settings, run_app) as as_:
        office = await as_(Role.office)
        posted = await office.post("/codec/decode", json=await _sealed(settings), headers=evil)
        preflight = await office.options("/codec/decode", headers=asking)
        ui_preflight = await office.options("/codec/decode", headers={**asking, "Origin": _ui()})
    for refused in (posted, preflight):
        assert refused.status_code == 403
        assert "access-control-allow-origin" not in refused.headers
    assert b"ada@example.org" not in posted.content
    assert ui_preflight.status_code == 204
    assert ui_preflight.headers["access-control-allow-origin"] == _ui()
    assert ui_preflight.headers["access-control-allow-credentials"] == "true"
    assert "POST" in ui_preflight.headers["access-control-allow-methods"]
    assert "x-namespace" in ui_preflight.headers["access-control-allow-headers"].lower()
