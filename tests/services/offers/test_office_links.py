"""Links in e-mails that come from office input are http(s) only (issue 11, item 8): the
announcement's link, a placement's description and preparation notes, and a support
session's place are refused with 422 naming the field if they carry any other link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from mip.core.auth import Role
from mip.core.links import web_links_only, web_url
from mip.core.settings import Settings
from services.applications.app import create_app as applications_app
from services.notifications.app import create_app as notifications_app
from tests.support.applying import HOST, next_monday, open_round
from tests.support.auth import RunApp, auth

HOSTILE = [
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "file:///etc/passwd",
    "vbscript:msgbox(1)",
    "ftp://files.example.org/cv",
]


@pytest.mark.parametrize("url", [*HOSTILE, "https://", "//evil.example.org/", 'https://a.org/"x'])
def test_a_link_field_is_an_absolute_http_or_https_address(url: str) -> None:
    with pytest.raises(ValueError, match="address"):
        web_url(url)


@pytest.mark.parametrize(
    "text",
    [
        "Bring a laptop; the brief is at https://host.example.org/brief.",
        "Teams: https://teams.microsoft.com/l/meetup-join/x at 10:15",
        "Bring the data: a spreadsheet. Think about: your goals. Note:ID",
        "Questions to office@example.org",
    ],
)
def test_plain_text_and_web_links_pass(text: str) -> None:
    assert web_links_only(text) == text


@pytest.mark.parametrize("link", HOSTILE)
def test_any_other_link_in_text_is_refused(link: str) -> None:
    with pytest.raises(ValueError, match="http:// or https://"):
        web_links_only(f"Before you start, read {link} please.")


def _only_error(response: Any) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body["errors"][0]["location"], body["errors"][0]["message"]


async def test_the_office_cannot_put_other_links_into_placements_or_sessions(
    settings: Settings, run_app: RunApp
) -> None:
    office = auth(settings, Role.office)
    monday = next_monday(datetime.now(UTC).date())
    async with run_app(applications_app(settings)) as http:
        host = (await http.post("/v1/hosts", json=HOST, headers=office)).json()
        the_round = (await http.post("/v1/rounds", json=open_round(), headers=office)).json()

        async def placement(**text: str) -> Any:
            return await http.post(
                f"/v1/rounds/{the_round['id']}/placements",
                json={
                    "host_id": host["id"],
                    "title": "Launch",
                    "description": "Help with a launch",
                    "week_starts_on": str(monday),
                    "days": [str(monday + timedelta(days=d)) for d in range(2)],
                    "preparation": "Bring a laptop.",
                    **text,
                },
                headers=office,
            )

        async def slots(location: str) -> Any:
            starts = (datetime.now(UTC) + timedelta(days=2)).replace(minute=15, microsecond=0)
            return await http.post(
                "/v1/support/slots",
                json={
                    "starts_at": [starts.isoformat()],
                    "adviser_name": "Sam Adviser",
                    "location": location,
                },
                headers=office,
            )

        bad_preparation = await placement(preparation="Read javascript:alert(1) first.")
        bad_description = await placement(description="See data:text/html,<b>hi</b>")
        good = await placement(preparation="The brief: https://host.example.org/brief")
        bad_place = await slots("Teams: file://server/share")
        good_place = await slots("Teams: https://teams.microsoft.com/l/meetup-join/x")
    assert _only_error(bad_preparation)[:2] == (422, "body.preparation")
    assert "javascript: link is not allowed" in _only_error(bad_preparation)[2]
    assert _only_error(bad_description)[:2] == (422, "body.description")
    assert good.status_code == 201, good.text
    assert _only_error(bad_place)[:2] == (422, "body.location")
    assert good_place.status_code == 201, good_place.text


async def test_an_announcement_links_only_to_an_http_or_https_address(
    settings: Settings, run_app: RunApp
) -> None:
    announcement = {
        "kind": "advertised",
        "announcement_id": "hostile-link",
        "round_name": "Micro-internships 2019",
        "placements_count": 12,
        "deadline_label": "Mon 1 April 2019, 12:00",
    }
    async with run_app(notifications_app(settings)) as http:
        refused = [
            await http.post(
                "/v1/alerts/announcements",
                json={**announcement, "placements_url": url},
                headers=auth(settings, Role.office),
            )
            for url in HOSTILE
        ]
    for response in refused:
        status, location, message = _only_error(response)
        assert (status, location) == (422, "body.placements_url"), response.text
        assert "http:// or https://" in message
