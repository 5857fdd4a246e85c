"""The office sets up hosts, rounds and placements; applicants see them once advertised."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from mip.core.auth import Role
from mip.core.settings import Settings
from services.applications.app import create_app
from tests.support.applying import ROUND_2019
from tests.support.auth import RunApp, auth

HOST = {
    "name": "Ashmolean Museum",
    "sector": "Museums and heritage",
    "kind": "non_profit",
    "location": "oxford",
    "contact_name": "Ada Curator",
    "contact_email": "ada@ashmolean.example.org",
}


def _shifted_round(name: str, *, advertised_days_ago: int) -> dict[str, Any]:
    """A round on the 2019 calendar, moved so it was advertised `advertised_days_ago` days ago."""
    monday = date.today() + timedelta(days=63 - date.today().weekday())
    advertised = date.today() - timedelta(days=advertised_days_ago)
    return {
        "name": name,
        "weeks": [{"starts_on": str(monday), "ends_on": str(monday + timedelta(days=4))}],
        "advertising_date": str(advertised),
        "deadline_date": str(date.today() + timedelta(days=20)),
        "outcomes_by_date": str(date.today() + timedelta(days=30)),
    }


async def _office_setup(
    http: httpx.AsyncClient, office: dict[str, str], rnd: dict[str, Any]
) -> tuple[str, str]:
    host = await http.post("/v1/hosts", json=HOST, headers=office)
    assert host.status_code == 201, host.text
    created = await http.post("/v1/rounds", json=rnd, headers=office)
    assert created.status_code == 201, created.text
    return host.json()["id"], created.json()["id"]


async def test_r2_r3_the_2019_round_keeps_its_weeks_and_midday_deadline(
    settings: Settings, run_app: RunApp
) -> None:
    office = auth(settings, Role.office)
    async with run_app(create_app(settings)) as http:
        _, round_id = await _office_setup(http, office, ROUND_2019)
        body = (await http.get(f"/v1/rounds/{round_id}", headers=office)).json()
    assert [w["starts_on"] for w in body["weeks"]] == ["2019-06-03", "2019-06-10"]
    # Midday in London was 12:00 BST = 11:00 UTC on 1 April 2019.
    assert body["clock"]["deadline_at"] == "2019-04-01T12:00:00+01:00"
    assert body["clock"]["advertise_at"] == "2019-03-13T00:00:00Z"
    assert body["clock"]["second_round_deadline_at"] == "2019-04-29T12:00:00+01:00"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"weeks": [{"starts_on": "2019-06-04", "ends_on": "2019-06-08"}]}, "starts on a Monday"),
        ({"deadline_date": "2019-03-01"}, "advertising time must come before the deadline"),
        ({"outcomes_by_date": "2019-03-30"}, "deadline time must come before the outcomes-by"),
        (
            {"weeks": [{"starts_on": "2019-04-22", "ends_on": "2019-04-26"}]},
            "after applications close",
        ),
        ({"second_round_closes_on": None}, "needs both an opening and a deadline"),
        ({"weeks": []}, "at least 1 item"),
    ],
    ids=[
        "week-not-monday",
        "deadline-before-advert",
        "outcomes-before-deadline",
        "week-before-close",
        "half-a-second-round",
        "no-weeks",
    ],
)
async def test_r2_r3_invalid_round_dates_are_refused_with_the_reason(
    change: dict[str, Any], reason: str, settings: Settings, run_app: RunApp
) -> None:
    office = auth(settings, Role.office)
    async with run_app(create_app(settings)) as http:
        response = await http.post("/v1/rounds", json={**ROUND_2019, **change}, headers=office)
        rounds = await http.get("/v1/rounds", headers=office)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert reason in response.json()["detail"]
    assert rounds.json() == []


async def test_r3_a_rehearsal_round_is_created_with_a_clock_alone(
    settings: Settings, run_app: RunApp
) -> None:
    office = auth(settings, Role.office)
    body = {
        "name": "Rehearsal",
        "weeks": [{"starts_on": "2030-06-03", "ends_on": "2030-06-07"}],
        "clock": {
            "advertise_at": "2030-03-13T09:00:00+00:00",
            "deadline_at": "2030-04-01T11:30:00+01:00",
            "outcomes_at": "2030-04-25T23:30:00+00:00",
        },
    }
    async with run_app(create_app(settings)) as http:
        created = await http.post("/v1/rounds", json=body, headers=office)
        no_dates = await http.post(
            "/v1/rounds", json={k: v for k, v in body.items() if k != "clock"}, headers=office
        )
    assert created.status_code == 201, created.text
    assert created.json()["clock"]["deadline_at"] == "2030-04-01T11:30:00+01:00"
    assert no_dates.status_code == 422
    assert "or a rehearsal clock instead" in no_dates.json()["detail"]


@pytest.mark.parametrize(
    ("days", "reason"),
    [
        (["2019-06-03"], "2 to 5 working days; this one has 1"),
        (
            ["2019-06-03", "2019-06-04", "2019-06-05", "2019-06-06", "2019-06-07", "2019-06-08"],
            "2 to 5 working days; this one has 6",
        ),
        (["2019-06-06", "2019-06-10"], "Monday 10 June 2019 is outside the placement week"),
        (["2019-06-04", "2019-06-04"], "same day twice"),
    ],
    ids=["one-day", "six-days", "outside-week", "repeated-day"],
)
async def test_r1_placement_days_must_be_2_to_5_inside_its_week(
    days: list[str], reason: str, settings: Settings, run_app: RunApp
) -> None:
    office = auth(settings, Role.office)
    async with run_app(create_app(settings)) as http:
        host_id, round_id = await _office_setup(http, office, ROUND_2019)
        placement = {
            "host_id": host_id,
            "title": "Silver collection",
            "description": "Catalogue",
            "week_starts_on": "2019-06-03",
            "days": days,
        }
        response = await http.post(
            f"/v1/rounds/{round_id}/placements", json=placement, headers=office
        )
        listed = await http.get(f"/v1/rounds/{round_id}/placements", headers=office)
    assert response.status_code == 422
    assert reason in response.json()["detail"]
    assert listed.json() == []


async def test_r1_a_placement_in_a_week_the_round_does_not_have_is_refused(
    settings: Settings, run_app: RunApp
) -> None:
    office = auth(settings, Role.office)
    async with run_app(create_app(settings)) as http:
        host_id, round_id = await _office_setup(http, office, ROUND_2019)
        response = await http.post(
            f"/v1/rounds/{round_id}/placements",
            json={
                "host_id": host_id,
                "title": "T",
                "description": "D",
                "week_starts_on": "2019-06-17",
                "days": ["2019-06-17", "2019-06-18"],
            },
            headers=office,
        )
    assert response.status_code == 422
    weeks = "its weeks start on Monday 3 June 2019 and Monday 10 June 2019"
    assert weeks in response.json()["detail"]


@pytest.mark.parametrize("kind", ["for_profit", "non_profit", "college_or_department"])
async def test_r5_hosts_of_any_sector_and_kind(
    kind: str, settings: Settings, run_app: RunApp
) -> None:
    office = auth(settings, Role.office)
    async with run_app(create_app(settings)) as http:
        created = await http.post("/v1/hosts", json={**HOST, "kind": kind}, headers=office)
        again = await http.post("/v1/hosts", json={**HOST, "kind": kind}, headers=office)
        by_host = await http.post("/v1/hosts", json=HOST, headers=auth(settings, Role.host))
    assert created.status_code == 201
    assert created.json()["kind"] == kind
    assert again.status_code == 409
    assert by_host.status_code == 403


async def test_r3_placements_are_invisible_before_the_advertising_date(
    settings: Settings, run_app: RunApp
) -> None:
    office = auth(settings, Role.office)
    applicant = auth(settings, Role.applicant, "postdoc@example.org")
    async with run_app(create_app(settings)) as http:
        host_id, open_id = await _office_setup(
            http, office, _shifted_round("Open", advertised_days_ago=1)
        )
        future = _shifted_round("Not yet", advertised_days_ago=-3)
        future_id = (await http.post("/v1/rounds", json=future, headers=office)).json()["id"]
        ids = {}
        for round_id, rnd in ((open_id, "open"), (future_id, "future")):
            monday = (await http.get(f"/v1/rounds/{round_id}", headers=office)).json()["weeks"][0][
                "starts_on"
            ]
            day2 = str(date.fromisoformat(monday) + timedelta(days=1))
            made = await http.post(
                f"/v1/rounds/{round_id}/placements",
                json={
                    "host_id": host_id,
                    "title": f"{rnd} placement",
                    "description": "D",
                    "week_starts_on": monday,
                    "days": [monday, day2],
                    "places": 2,
                },
                headers=office,
            )
            assert made.status_code == 201, made.text
            ids[rnd] = made.json()["id"]
        listed = await http.get("/v1/placements", headers=applicant)
        hidden = await http.get(f"/v1/placements/{ids['future']}", headers=applicant)
        office_view = await http.get(f"/v1/placements/{ids['future']}", headers=office)
        by_sector = await http.get(
            "/v1/placements", params={"sector": "museums and heritage"}, headers=applicant
        )
        other_sector = await http.get(
            "/v1/placements", params={"sector": "Consulting"}, headers=applicant
        )
    assert [p["title"] for p in listed.json()] == ["open placement"]
    assert listed.json()[0]["host"]["name"] == "Ashmolean Museum"
    assert hidden.status_code == 404
    assert office_view.status_code == 200
    assert len(by_sector.json()) == 1
    assert other_sector.json() == []


def test_r3_a_passed_date_is_named_in_plain_words_when_it_cannot_move() -> None:
    from datetime import UTC, datetime

    from mip.core.errors import Conflict
    from services.applications.catalogue.clock import check_untouched_past
    from services.applications.contract import RoundClock

    old = RoundClock(
        advertise_at=datetime(2030, 3, 13, tzinfo=UTC),
        deadline_at=datetime(2030, 4, 1, 11, tzinfo=UTC),
        outcomes_at=datetime(2030, 4, 25, tzinfo=UTC),
    )
    moved = old.model_copy(update={"advertise_at": datetime(2030, 3, 14, tzinfo=UTC)})
    with pytest.raises(Conflict) as refused:
        check_untouched_past(old, moved, now=datetime(2030, 3, 20, tzinfo=UTC))
    assert refused.value.detail.startswith(
        "The advertising date, 12am (midnight) on Wednesday 13 March 2030, UK time, has passed"
    )
