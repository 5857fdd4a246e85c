"""Addresses compared case-insensitively (issue 11 item 5): a host the office registered in
capitals signs in lower-case; an applicant whose token names them in capitals is the same
person as in lower case. Real servers; see tests/test_migrations.py for the older rows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import jwt

from launcher.mailcatcher import MailCatcher
from mip.core.auth import Role, token_claims
from mip.core.settings import Settings
from services.applications.app import create_app as applications_app
from tests.support.applying import PROFILE, apply, open_round
from tests.support.auth import RunApp, auth
from tests.support.rehearsal import wait_status
from tests.support.stack import round_stack

SAM_AS_ENTERED, SAM = "Sam@Isis.Example.com", "sam@isis.example.com"
ADA_IN_TOKEN, ADA = "Ada@Example.org", "ada@example.org"


def _raw_token(settings: Settings, role: Role, subject: str) -> dict[str, str]:
    """A token signed with `sub` exactly as given, as an identity provider might send it
    (`mint_token` would lower-case it first)."""
    secret = settings.signing_secret
    assert secret is not None
    claims = token_claims(settings, role=role, subject=subject, ttl_s=600)
    return {"Authorization": f"Bearer {jwt.encode(claims, secret, algorithm='HS256')}"}


async def _placement_of(http: Any, settings: Settings, spec: dict[str, Any]) -> dict[str, Any]:
    office = auth(settings, Role.office)
    host = await http.post(
        "/v1/hosts",
        json={
            "name": "Isis Robotics Ltd",
            "sector": "Technology start-up",
            "kind": "for_profit",
            "location": "oxford",
            "contact_name": "Sam Okafor",
            "contact_email": SAM_AS_ENTERED,
        },
        headers=office,
    )
    assert host.status_code == 201, host.text
    assert host.json()["contact_email"] == SAM  # stored as a token's subject is read
    the_round = await http.post("/v1/rounds", json=spec, headers=office)
    assert the_round.status_code == 201, the_round.text
    monday = date.fromisoformat(the_round.json()["weeks"][0]["starts_on"])
    placement = await http.post(
        f"/v1/rounds/{the_round.json()['id']}/placements",
        json={
            "host_id": host.json()["id"],
            "title": "Help with a launch",
            "description": "A product launch",
            "week_starts_on": str(monday),
            "days": [str(monday + timedelta(days=d)) for d in range(3)],
            "places": 1,
        },
        headers=office,
    )
    assert placement.status_code == 201, placement.text
    created: dict[str, Any] = placement.json()
    return created


async def test_an_applicant_named_in_capitals_is_the_same_person_in_lower_case(
    settings: Settings, run_app: RunApp
) -> None:
    capitals = _raw_token(settings, Role.applicant, ADA_IN_TOKEN)
    lower = auth(settings, Role.applicant, ADA)
    app = applications_app(settings)
    async with run_app(app) as http:
        placement = await _placement_of(http, settings, open_round())
        saved = await http.put("/v1/me/profile", json=PROFILE, headers=capitals)
        assert saved.status_code == 200, saved.text
        applied = await apply(http, capitals, placement["id"])
        assert applied.status_code == 201, applied.text
        application_id = applied.json()["id"]
        reads = {
            name: await http.get(f"/v1/applications/{application_id}", headers=headers)
            for name, headers in (("capitals", capitals), ("lower", lower))
        }
        mine = await http.get("/v1/me/applications", headers=lower)
        profile = await http.get("/v1/me/profile", headers=lower)
        cv = await http.get(f"/v1/applications/{application_id}/cv", headers=capitals)
        stranger = await http.get(
            f"/v1/applications/{application_id}",
            headers=auth(settings, Role.applicant, "grace@example.org"),
        )
        stored = await app.state.runtime.pool.fetchrow(
            "SELECT applicant_email FROM applications WHERE id = $1", application_id
        )
    assert applied.json()["applicant_email"] == ADA
    assert stored["applicant_email"] == ADA
    for response in reads.values():
        assert response.status_code == 200, response.text
        assert response.json()["id"] == application_id
    assert [a["id"] for a in mine.json()] == [application_id]
    assert profile.status_code == 200, profile.text
    assert cv.status_code == 200
    assert cv.headers["content-type"] == "application/pdf"
    assert stranger.status_code == 404


async def test_a_host_registered_in_capitals_signs_in_lower_case_and_sees_its_applications(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    spec = open_round(deadline_at=datetime.now(UTC) + timedelta(seconds=4))
    async with round_stack(mail_settings) as stack:
        apps, settings = stack.http["applications"], stack.settings
        placement = await _placement_of(apps, settings, spec)
        ada = auth(settings, Role.applicant, ADA)
        saved = await apps.put("/v1/me/profile", json=PROFILE, headers=ada)
        assert saved.status_code == 200, saved.text
        applied = await apply(apps, ada, placement["id"])
        assert applied.status_code == 201, applied.text
        await wait_status(stack, applied.json()["id"], ADA, "forwarded")
        seen = {}
        for name, host in (
            ("lower", auth(settings, Role.host, SAM)),
            ("capitals", _raw_token(settings, Role.host, SAM_AS_ENTERED)),
        ):
            mine = await apps.get("/v1/host/placements", headers=host)
            forwarded = await apps.get(
                f"/v1/host/placements/{placement['id']}/applications", headers=host
            )
            cv = await apps.get(f"/v1/applications/{applied.json()['id']}/cv", headers=host)
            seen[name] = (mine, forwarded, cv)
        other_host = await apps.get(
            f"/v1/host/placements/{placement['id']}/applications",
            headers=auth(settings, Role.host, "kim@bloomsbury.example.com"),
        )
    for mine, forwarded, cv in seen.values():
        assert [p["id"] for p in mine.json()] == [placement["id"]]
        assert forwarded.status_code == 200, forwarded.text
        assert [(a["id"], a["applicant_email"]) for a in forwarded.json()] == [
            (applied.json()["id"], ADA)
        ]
        assert cv.status_code == 200
    assert other_host.status_code == 404
