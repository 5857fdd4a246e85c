"""The codec endpoint Temporal's web UI reads workflows through (issue 23 item 5).

Temporal holds MIP's payloads sealed (mip/core/codec.py). The UI shows them decoded by
posting them to a codec server, per Temporal's codec-server protocol
(temporalio/samples-go `codec-server/`):

    POST /codec/decode   {"payloads": [...]}  Payloads as protobuf JSON (base64 data)
    POST /codec/encode   the same, the other way (the UI's "send signal" and the like)

Only a signed-in office person may use it (their portal session; the UI sends its cookie
when its codec setting includes credentials): 401 for nobody, 403 for any other role.
It answers the UI's origin alone (the origin of MIP_TEMPORAL_UI_URL): any other Origin
gets 403 and no CORS headers, so no other site's page can read personal data through an
office person's browser.

Mounted as a plain router, not a FastAPI one, so the portal's form CSRF check does not
apply: the UI cannot send a form's token, and decoding changes nothing; the Origin check
and the SameSite session cookie stand in for it. Bodies are bounded by the portal's
BodyLimit (64 KB); the UI sends one event's payloads at a time.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from google.protobuf import json_format
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, Router
from temporalio.api.common.v1 import Payloads

from mip.core.auth import Role
from mip.core.codec import codec_for
from services.portal.runtime import portal_runtime

PATH = "/codec"
ACTIONS = ("decode", "encode")
log = logging.getLogger("mip.portal.codec")


def ui_origin(temporal_ui_url: object) -> str:
    """The Temporal web UI's origin (from its address), as a browser sends it in `Origin`."""
    parts = urlsplit(str(temporal_ui_url))
    return f"{parts.scheme}://{parts.netloc}".lower()


def _cors(origin: str) -> dict[str, str]:
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Credentials": "true",
        "Vary": "Origin",
    }


def _refusal(status: int, detail: str, headers: dict[str, str]) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


def _who_may_not(request: Request, cors: dict[str, str]) -> Response | None:
    """The refusal for anyone but a signed-in office person; None for them."""
    person = getattr(request.state, "person", None)
    if person is None:
        return _refusal(401, "Sign in to the portal as the office first.", cors)
    if person.role is not Role.office:
        return _refusal(403, "Only the office may read decoded workflows.", cors)
    return None


def _preflight(cors: dict[str, str]) -> Response:
    allowed = {
        "Access-Control-Allow-Methods": "POST",
        "Access-Control-Allow-Headers": "Content-Type, X-Namespace",
        "Access-Control-Max-Age": "600",
    }
    return Response(status_code=204, headers={**cors, **allowed})


async def _convert(request: Request, action: str, cors: dict[str, str]) -> Response:
    try:
        # Fields a newer UI may add are not ours to refuse; the payloads are what count.
        given = json_format.Parse(await request.body(), Payloads(), ignore_unknown_fields=True)
    except json_format.ParseError:
        return _refusal(400, 'Send {"payloads": [...]} as Temporal\'s codec protocol has it.', cors)
    codec = codec_for(portal_runtime(request).settings)
    try:
        done = await (codec.decode if action == "decode" else codec.encode)(given.payloads)
    except ValueError as exc:  # a key no longer listed, or a payload that fails its check
        return _refusal(422, str(exc), cors)
    # Counts only: who may read is the office, and the log keeps no one's data.
    log.info("codec %s: %d payloads for the office", action, len(done))
    body = json_format.MessageToJson(Payloads(payloads=done))
    return Response(body, media_type="application/json", headers=cors)


async def codec_endpoint(request: Request) -> Response:
    origin = request.headers.get("origin")
    allowed = ui_origin(portal_runtime(request).config.temporal_ui_url)
    if origin is not None and origin.lower() != allowed:
        return _refusal(403, "This endpoint answers the Temporal web UI only.", {})
    cors = _cors(allowed) if origin is not None else {}
    if request.method == "OPTIONS":
        return _preflight(cors)
    # Only the last part of the path decides, as the protocol asks: "/codec/default/decode"
    # (a namespace in the path) works too.
    action = request.url.path.rstrip("/").rsplit("/", 1)[-1]
    if action not in ACTIONS:
        return _refusal(404, "Use /codec/decode or /codec/encode.", cors)
    return _who_may_not(request, cors) or await _convert(request, action, cors)


router = Router(routes=[Route("/{rest:path}", codec_endpoint, methods=["POST", "OPTIONS"])])
