"""Every body past its limit is a 413 `payload-too-large` problem, as the README promises,
on every operation of every service that takes a body: JSON bodies, a body sent without a
Content-Type or as a form (FastAPI would read either whole), and the uploads (issue 20,
item 7)."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from fastapi import FastAPI

from mip.core.auth import Role
from mip.core.settings import Settings
from mip.core.text import JSON_BODY_MAX_BYTES
from mip.core.uploads import FORM_ROOM, MB
from services.applications.app import create_app as applications_app
from services.applications.config import ApplicationsSettings
from services.expenses.app import create_app as expenses_app
from services.expenses.config import ExpensesSettings
from services.notifications.app import create_app as notifications_app
from services.offers.app import create_app as offers_app
from tests.support.auth import RunApp, auth

PROBLEM = "application/problem+json"
TOO_LARGE = (413, PROBLEM, "urn:mip:problem:payload-too-large")
# Uploads of at most 1 MB, so that a body past the limit is small enough to send quickly.
SERVICES: dict[str, Callable[[Settings], FastAPI]] = {
    "applications": lambda s: applications_app(s, ApplicationsSettings(cv_max_bytes=MB)),
    "offers": offers_app,
    "expenses": lambda s: expenses_app(s, ExpensesSettings(receipt_max_bytes=MB)),
    "notifications": notifications_app,
}
BOUNDARY = "mip-boundary"


def _taking_a_body(app: FastAPI) -> list[tuple[str, str, str]]:
    """(method, path with its ids filled in, media type) of every operation with a body."""
    found = []
    for path, methods in app.openapi()["paths"].items():
        for method, operation in methods.items():
            content = operation.get("requestBody", {}).get("content", {})
            for media in content:
                filled = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)
                found.append((method.upper(), filled, media))
    return found


def _big_json() -> bytes:
    return json.dumps({"name": "x" * JSON_BODY_MAX_BYTES}).encode()


def _big_upload() -> bytes:
    head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="f.pdf"\r\n\r\n'
    tail = f"\r\n--{BOUNDARY}--\r\n"
    return head.encode() + b"%PDF-1.7\n" + b"x" * (MB + FORM_ROOM) + tail.encode()


async def _streamed(body: bytes) -> AsyncIterator[bytes]:
    """The body without a Content-Length: it is counted as it arrives."""
    for start in range(0, len(body), 64 * 1024):
        yield body[start : start + 64 * 1024]


def _ways_to_send(media: str) -> dict[str, dict[str, Any]]:
    if media == "multipart/form-data":
        typed = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
        return {
            "declared": {"content": _big_upload(), "headers": typed},
            "streamed": {"content": _streamed(_big_upload()), "headers": typed},
        }
    form = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    return {
        "declared": {"content": _big_json(), "headers": {"Content-Type": media}},
        "streamed": {"content": _streamed(_big_json()), "headers": {"Content-Type": media}},
        "untyped": {"content": _big_json(), "headers": {}},
        "as a form": {"content": _streamed(_big_upload()), "headers": form},
    }


@pytest.mark.parametrize("service", SERVICES)
async def test_every_body_over_its_limit_is_a_413_payload_too_large(
    settings: Settings, run_app: RunApp, service: str
) -> None:
    app = SERVICES[service](settings)
    operations = _taking_a_body(app)
    # Uploads check the token before reading; the applicant may send every one of them.
    token = auth(settings, Role.applicant, "ada@example.org")
    answers = {}
    async with run_app(app) as http:
        for method, path, media in operations:
            for way, request in _ways_to_send(media).items():
                headers = token | request["headers"]
                answer = await http.request(
                    method, path, content=request["content"], headers=headers
                )
                answers[f"{method} {path} {way}"] = (
                    answer.status_code,
                    answer.headers.get("content-type"),
                    answer.json().get("type") if answer.headers.get("content-type") else None,
                )
    assert operations
    assert {k: v for k, v in answers.items() if v != TOO_LARGE} == {}
