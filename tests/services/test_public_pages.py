"""What the programme says "anyone" may do needs no token (R3, R30): read the advertised
placements and join the alerts list, the latter rate limited since it sends e-mail."""

from __future__ import annotations

from launcher.mailcatcher import MailCatcher
from mip.core.auth import Role
from mip.core.settings import Settings
from services.applications.app import create_app as applications_app
from services.notifications.app import create_app as notifications_app
from tests.support.applying import make_round, open_round
from tests.support.auth import RunApp, auth


async def test_r3_anyone_reads_the_advertised_placements_without_a_token(
    settings: Settings, run_app: RunApp
) -> None:
    async with run_app(applications_app(settings)) as http:
        _, placements = await make_round(http, settings, open_round())
        placement_id = placements[0]["id"]
        listed = await http.get("/v1/placements")
        one = await http.get(f"/v1/placements/{placement_id}")
        with_token = await http.get(
            f"/v1/placements/{placement_id}", headers=auth(settings, Role.applicant)
        )
        forged = await http.get("/v1/placements", headers={"Authorization": "Bearer forged"})
    assert listed.status_code == 200, listed.text
    assert [p["id"] for p in listed.json()] == [placement_id]
    assert one.status_code == 200
    # A visitor sees the placement, not the host's contact; a signed-in person sees both.
    assert one.json()["host"]["contact_email"] == ""
    assert one.json()["host"]["name"] == with_token.json()["host"]["name"]
    assert with_token.json()["host"]["contact_email"] != ""
    assert forged.status_code == 401  # a token, if sent, must be valid


async def test_r30_anyone_joins_the_alerts_list_without_a_token_within_limits(
    mail_settings: Settings, smtp: MailCatcher, run_app: RunApp
) -> None:
    async with run_app(notifications_app(mail_settings)) as http:
        joined = await http.post("/v1/alerts/subscriptions", json={"email": "fan@example.org"})
        same_address = [
            await http.post("/v1/alerts/subscriptions", json={"email": "fan@example.org"})
            for _ in range(3)
        ]
        others = [
            await http.post("/v1/alerts/subscriptions", json={"email": f"f{n}@example.org"})
            for n in range(9)
        ]
    assert joined.status_code == 202, joined.text
    assert [r.status_code for r in same_address] == [202, 202, 429]
    refused = same_address[-1]
    assert refused.headers["content-type"] == "application/problem+json"
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.json()["type"] == "urn:mip:problem:too-many-requests"
    # Ten a minute from one client (four so far, the refused one counted): the rest wait.
    assert [r.status_code for r in others] == [202] * 6 + [429] * 3
