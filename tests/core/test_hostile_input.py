"""Hostile and careless input gets a 4xx problem that names the field, never a 5xx:
every request schema of every service, driven with hypothesis on the real stack, and the
classes of input that once broke it, one by one."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mip.core.auth import Role
from mip.core.settings import Settings
from mip.core.text import unstorable
from services.applications.app import create_app as applications_app
from services.expenses.app import create_app as expenses_app
from services.notifications.app import create_app as notifications_app
from services.offers.app import create_app as offers_app
from tests.support.applying import make_profile, make_round, open_round, pdf
from tests.support.auth import auth
from tests.support.hostile import Operation, dumps, operations, request_for
from tests.support.stack import Stack, running_stack

SERVICES = {
    "applications": applications_app,
    "offers": offers_app,
    "expenses": expenses_app,
    "notifications": notifications_app,
}
ROLES = (Role.office, Role.applicant, Role.host)


def test_text_that_cannot_be_stored_is_named() -> None:
    assert unstorable("Ada Lovelace") is None
    assert unstorable("two\nlines") is None
    assert unstorable("two\nlines", one_line=True) == "must be a single line"
    assert unstorable("a\x00b") == "contains the NUL character, which cannot be stored"
    assert unstorable("\udcff") == "contains an unpaired surrogate, which is not valid Unicode text"
    assert unstorable("\x1b[31m") == "contains the control character U+001B"


def _send(base: str, headers: dict[str, str], request: dict[str, Any]) -> httpx.Response:
    body, media = request["body"], request["media"]
    kwargs: dict[str, Any] = {"params": request["query"], "headers": dict(headers)}
    if media == "application/json":
        kwargs["content"] = dumps(body).encode()
        kwargs["headers"]["Content-Type"] = "application/json"
    elif media is not None:  # multipart: the fields as text, any file as a tiny PDF
        fields = {k: v for k, v in (body or {}).items() if v != "file"}
        files = {
            k: ("f.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
            for k, v in (body or {}).items()
            if v == "file"
        }
        kwargs["data"] = {
            k: "" if v is None else str(getattr(v, "literal", v)) for k, v in fields.items()
        }
        kwargs["files"] = files or None
    with httpx.Client(base_url=base, timeout=30) as client:
        return client.request(request["method"], request["path"], **kwargs)


def _drive(base: str, tokens: dict[Role, dict[str, str]], op: Operation) -> None:
    @settings(
        max_examples=15,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(request=request_for(op), role=st.sampled_from(ROLES))
    def check(request: dict[str, Any], role: Role) -> None:
        try:
            response = _send(base, tokens[role], request)
        except UnicodeEncodeError:
            return  # a client cannot even put this on the wire
        assert response.status_code < 500, (
            f"{op.method} {op.path} as {role.value}: {response.status_code} {response.text[:300]}"
            f"\nrequest: {str(request)[:500]}"
        )

    check()


async def _operations(stack: Stack, name: str) -> list[Operation]:
    document = (await stack.http[name].get("/openapi.json")).json()
    return operations(document)


async def test_no_request_schema_of_any_service_answers_5xx_to_hostile_values(
    mail_settings: Settings,
) -> None:
    async with running_stack(mail_settings, **SERVICES) as stack:
        tokens = {role: auth(stack.settings, role, f"{role.value}@example.org") for role in ROLES}
        driven = 0
        for name in SERVICES:
            base = stack.settings.__getattribute__(f"{name}_url")
            for op in await _operations(stack, name):
                await asyncio.to_thread(_drive, base, tokens, op)
                driven += 1
    assert driven > 60  # every operation of the four services


@pytest.mark.parametrize(
    ("path", "body", "location"),
    [
        ("/v1/hosts", {"name": "Isis\x00Robotics"}, "body.name"),
        ("/v1/hosts", {"name": "Isis\udcffRobotics"}, "body.name"),
        ("/v1/hosts", {"name": "Isis\nRobotics"}, "body.name"),
        ("/v1/hosts", {"sector": "\x1b[31mTech"}, "body.sector"),
    ],
)
async def test_text_a_database_cannot_store_is_a_422_naming_the_field(
    settings: Settings, run_app: Any, path: str, body: dict[str, Any], location: str
) -> None:
    host = {
        "name": "Isis Robotics",
        "sector": "Technology",
        "kind": "for_profit",
        "location": "oxford",
        "contact_name": "Sam",
        "contact_email": "sam@isis.example.com",
    } | body
    async with run_app(applications_app(settings)) as http:
        # json.dumps writes an unpaired surrogate as the escape a hostile client would send.
        headers = auth(settings, Role.office) | {"Content-Type": "application/json"}
        answer = await http.post(path, content=json.dumps(host), headers=headers)
        listed = await http.get("/v1/hosts", headers=auth(settings, Role.office))
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert location in answer.json()["detail"]
    assert listed.json() == []  # nothing was stored


async def test_text_that_cannot_be_stored_is_a_422_in_a_body_sent_without_a_content_type(
    settings: Settings, run_app: Any
) -> None:
    """FastAPI parses an untyped body as JSON, so it is checked as JSON."""
    host = {
        "name": "Isis\x00Robotics",
        "sector": "Technology",
        "kind": "for_profit",
        "location": "oxford",
        "contact_name": "Sam",
        "contact_email": "sam@isis.example.com",
    }
    async with run_app(applications_app(settings)) as http:
        office = auth(settings, Role.office)
        answer = await http.post("/v1/hosts", content=json.dumps(host), headers=office)
        listed = await http.get("/v1/hosts", headers=office)
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["location"] == "body.name"
    assert listed.json() == []


async def test_a_query_value_with_nul_and_a_page_beyond_any_list_are_422(
    settings: Settings, run_app: Any
) -> None:
    async with run_app(applications_app(settings)) as http:
        anyone = auth(settings, Role.applicant)
        nul = await http.get("/v1/placements", params={"sector": "a\x00b"}, headers=anyone)
        year = await http.get("/v1/placements", params={"week": "9999-12-27"}, headers=anyone)
    async with run_app(notifications_app(settings)) as http:
        page = await http.get(
            "/v1/messages", params={"offset": 10**30}, headers=auth(settings, Role.office)
        )
        since = await http.get(
            "/v1/messages",
            params={"since": "9999-12-31T23:59:59-23:59"},
            headers=auth(settings, Role.office),
        )
    assert (nul.status_code, nul.json()["errors"][0]["location"]) == (422, "query.sector")
    assert year.status_code == 422
    assert "week" in year.json()["detail"]
    assert page.status_code == 422
    assert "offset" in page.json()["detail"]
    assert since.status_code == 422
    assert "since" in since.json()["detail"]


async def test_r3_a_round_clock_beyond_the_calendar_is_a_422(
    settings: Settings, run_app: Any
) -> None:
    clock = {
        "advertise_at": "2030-01-01T00:00:00Z",
        "deadline_at": "9999-12-31T23:59:59-23:59",
        "outcomes_at": "9999-12-31T23:59:59-23:59",
    }
    body = {
        "name": "Edge of time",
        "advertising_date": "2030-01-01",
        "deadline_date": "2030-01-02",
        "outcomes_by_date": "2030-01-03",
        "weeks": [{"starts_on": "2030-01-07", "ends_on": "2030-01-11"}],
        "clock": clock,
    }
    async with run_app(applications_app(settings)) as http:
        answer = await http.post("/v1/rounds", json=body, headers=auth(settings, Role.office))
    assert answer.status_code == 422, answer.text
    assert "clock.deadline_at" in answer.json()["detail"]


async def test_an_id_another_service_does_not_know_is_a_404_not_a_502(
    mail_settings: Settings,
) -> None:
    async with running_stack(
        mail_settings, applications=applications_app, offers=offers_app, expenses=expenses_app
    ) as stack:
        unknown = uuid.uuid4()
        selection = await stack.http["offers"].get(
            f"/v1/placements/{unknown}/selection", headers=auth(stack.settings, Role.office)
        )
        claim = await stack.http["expenses"].post(
            "/v1/claims",
            json={"application_id": str(unknown)},
            headers=auth(stack.settings, Role.applicant, "ada@example.org"),
        )
    assert selection.status_code == 404, selection.text
    assert claim.status_code == 404, claim.text
    assert selection.headers["content-type"].startswith("application/problem+json")


def _multipart(boundary: str, fields: dict[str, str], file: tuple[str, bytes, bytes]) -> bytes:
    """A multipart body written byte by byte: httpx would percent-encode a NUL in a name."""
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    field, filename, content = file
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="'.encode()
        + filename
        + b'"\r\nContent-Type: application/pdf\r\n\r\n'
        + content
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode()


@pytest.mark.parametrize("filename", [b"cv\x00.pdf", b"cv\x1b[31m.pdf"], ids=["nul", "escape"])
async def test_a_cv_file_name_that_cannot_be_stored_is_a_422_naming_the_field(
    settings: Settings, run_app: Any, filename: bytes
) -> None:
    async with run_app(applications_app(settings)) as http:
        _, [placement] = await make_round(http, settings, open_round())
        me = await make_profile(http, settings, "ada@example.org")
        body = _multipart(
            "mip-boundary",
            {"placement_id": placement["id"], "statement": "I would like to learn."},
            ("cv", filename, pdf()),
        )
        headers = me | {"Content-Type": "multipart/form-data; boundary=mip-boundary"}
        answer = await http.post("/v1/applications", content=body, headers=headers)
        mine = await http.get("/v1/me/applications", headers=me)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["type"] == "urn:mip:problem:invalid-request"
    assert problem["errors"][0]["location"] == "body.cv"
    assert "file name" in problem["detail"]
    assert mine.json() == []  # nothing was stored
