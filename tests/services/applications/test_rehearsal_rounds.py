"""Rehearsal rounds (issue 21 item 1): made with an exact clock anywhere but production,
marked as rehearsals with their placements, and moved on a step at a time, each step only
once the one before it has happened; a real round's steps happen at its dates."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from mip.core.auth import Role
from mip.core.settings import Environment, Settings
from services.applications.app import create_app
from tests.support.applying import (
    ROUND_2019,
    apply,
    make_profile,
    make_round,
    next_monday,
    open_round,
)
from tests.support.auth import RunApp, auth
from tests.support.keys import HARDENED_KEYS

SECRET = "a-production-secret-" * 3
LONDON = ZoneInfo("Europe/London")


def _dated_round(name: str) -> dict[str, Any]:
    """A real round, on the programme's calendar: advertised since yesterday."""
    today = datetime.now(UTC).date()
    monday = next_monday(today, weeks_ahead=6)
    return {
        "name": name,
        "weeks": [{"starts_on": str(monday), "ends_on": str(monday + timedelta(days=4))}],
        "advertising_date": str(today - timedelta(days=1)),
        "deadline_date": str(today + timedelta(days=14)),
        "outcomes_by_date": str(today + timedelta(days=21)),
    }


def _rehearsal(name: str, *, second_round: bool = True) -> dict[str, Any]:
    """Advertised a minute ago; each later step an hour after the one before."""
    now = datetime.now(UTC)
    times = {
        "advertise_at": now - timedelta(minutes=1),
        "deadline_at": now + timedelta(hours=1),
        "outcomes_at": now + timedelta(hours=2),
    }
    if second_round:
        times["second_round_opens_at"] = now + timedelta(hours=3)
        times["second_round_deadline_at"] = now + timedelta(hours=4)
    return open_round(name, **times)


def _refused(response: httpx.Response, words: str) -> None:
    assert response.status_code == 409, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert words in response.json()["detail"], response.json()["detail"]


async def test_a_round_made_with_a_clock_is_a_rehearsal_and_its_placements_and_applications_say_so(
    settings: Settings, run_app: RunApp
) -> None:
    async with run_app(create_app(settings)) as http:
        rehearsal, (practice,) = await make_round(http, settings, open_round("Practice"))
        real, (placement,) = await make_round(http, settings, _dated_round("Real"))
        listed = {p["id"]: p for p in (await http.get("/v1/placements")).json()}
        one = await http.get(f"/v1/placements/{practice['id']}")
        ada = await make_profile(http, settings, "ada@example.org")
        applied = await apply(http, ada, practice["id"])
        assert applied.status_code == 201, applied.text
        application = await http.get(f"/v1/applications/{applied.json()['id']}", headers=ada)
    assert rehearsal["rehearsal"] is True
    assert real["rehearsal"] is False
    assert practice["rehearsal"] is True
    assert listed[practice["id"]]["rehearsal"] is True
    assert listed[placement["id"]]["rehearsal"] is False
    assert one.json()["rehearsal"] is True
    assert application.json()["rehearsal"] is True


def test_rehearsals_are_allowed_everywhere_but_production() -> None:
    public = "https://mip.example.ac.uk"
    staging = Settings(
        environment=Environment.staging,
        portal_public_url=public,
        jwt_secret=SECRET,
        **HARDENED_KEYS,
    )
    production = staging.model_validate(
        {**staging.model_dump(), "environment": Environment.production}
    )
    assert Settings(environment=Environment.development).allows_rehearsals
    assert Settings(environment=Environment.test).allows_rehearsals
    assert staging.allows_rehearsals
    assert not production.allows_rehearsals


async def test_production_refuses_rehearsal_rounds_and_their_steps(
    settings: Settings, run_app: RunApp
) -> None:
    production = Settings.model_validate(
        {
            **settings.model_dump(),
            "environment": Environment.production,
            "jwt_secret": SECRET,
            "portal_public_url": "https://mip.example.ac.uk",
            **HARDENED_KEYS,
        }
    )
    office = auth(production, Role.office)
    async with run_app(create_app(production)) as http:
        clocked = await http.post("/v1/rounds", json=_rehearsal("Practice"), headers=office)
        by_seconds = await http.post(
            "/v1/rounds",
            json={**_dated_round("Quick offers"), "acceptance_window_seconds": 60},
            headers=office,
        )
        real = await http.post("/v1/rounds", json=_dated_round("Real"), headers=office)
        assert real.status_code == 201, real.text
        step = await http.post(
            f"/v1/rounds/{real.json()['id']}/rehearsal/close_applications", headers=office
        )
        rounds = await http.get("/v1/rounds", headers=office)
    for refused in (clocked, by_seconds):
        assert refused.status_code == 422, refused.text
        assert "Rehearsal clocks are refused in production" in refused.json()["detail"]
    _refused(step, "Rehearsals are not allowed in production")
    assert [r["name"] for r in rounds.json()] == ["Real"]


async def test_a_rehearsal_is_moved_on_one_step_at_a_time_in_order(
    settings: Settings, run_app: RunApp
) -> None:
    office = auth(settings, Role.office)
    async with run_app(create_app(settings)) as http:
        created = await http.post("/v1/rounds", json=_rehearsal("Practice"), headers=office)
        assert created.status_code == 201, created.text
        url = f"/v1/rounds/{created.json()['id']}/rehearsal"

        async def take(step: str) -> httpx.Response:
            return await http.post(f"{url}/{step}", headers=office)

        too_soon = await take("send_outcomes")
        second_too_soon = await take("open_second_round")
        before = datetime.now(UTC)
        closed = await take("close_applications")
        after = datetime.now(UTC)
        again = await take("close_applications")
        not_open = await take("close_second_round")
        opened = await take("open_second_round")
        outcomes = await take("send_outcomes")
        second_closed = await take("close_second_round")
        unknown = await take("advertise")
        by_applicant = await http.post(
            f"{url}/close_applications", headers=auth(settings, Role.applicant)
        )
        missing = await http.post(
            f"/v1/rounds/{uuid.uuid4()}/rehearsal/send_outcomes", headers=office
        )
    _refused(too_soon, "Applications are open until")
    _refused(too_soon, "close applications first")
    _refused(second_too_soon, "close applications first")
    assert closed.status_code == 200, closed.text
    deadline = datetime.fromisoformat(closed.json()["clock"]["deadline_at"])
    assert before <= deadline <= after
    original = created.json()["clock"]
    assert closed.json()["clock"]["outcomes_at"] == original["outcomes_at"]
    _refused(again, "Applications closed at")
    _refused(not_open, "The second round opens at")
    assert opened.status_code == 200, opened.text
    assert outcomes.status_code == 200, outcomes.text
    assert second_closed.status_code == 200, second_closed.text
    final = second_closed.json()["clock"]
    in_order = [
        datetime.fromisoformat(final[k])
        for k in ("deadline_at", "second_round_opens_at", "outcomes_at", "second_round_deadline_at")
    ]
    assert in_order == sorted(in_order)
    assert in_order[-1] <= datetime.now(UTC)
    assert unknown.status_code == 422
    assert by_applicant.status_code == 403
    assert missing.status_code == 404


async def test_a_real_round_or_one_without_a_second_round_refuses_those_steps(
    settings: Settings, run_app: RunApp
) -> None:
    office = auth(settings, Role.office)
    async with run_app(create_app(settings)) as http:
        real = await http.post("/v1/rounds", json=ROUND_2019, headers=office)
        short = await http.post(
            "/v1/rounds", json=_rehearsal("Short", second_round=False), headers=office
        )
        on_real = await http.post(
            f"/v1/rounds/{real.json()['id']}/rehearsal/close_applications", headers=office
        )
        no_second = await http.post(
            f"/v1/rounds/{short.json()['id']}/rehearsal/open_second_round", headers=office
        )
    _refused(on_real, "is a real round, so its steps happen at its dates")
    _refused(no_second, "Short has no second round")


async def test_a_rehearsal_saved_unchanged_on_the_dates_form_keeps_every_time(
    settings: Settings, run_app: RunApp
) -> None:
    """The dates form shows days; a rehearsal's times minutes apart fall on one day, and
    resaving them used to be refused ("the deadline time must come before...")."""
    office = auth(settings, Role.office)
    now = datetime.now(UTC)
    spec = open_round(
        "Minutes apart",
        advertise_at=now - timedelta(minutes=1),
        deadline_at=now + timedelta(minutes=10),
        outcomes_at=now + timedelta(minutes=15),
        second_round_opens_at=now + timedelta(minutes=20),
        second_round_deadline_at=now + timedelta(minutes=30),
    )
    async with run_app(create_app(settings)) as http:
        created = (await http.post("/v1/rounds", json=spec, headers=office)).json()
        clock = created["clock"]

        def day(name: str) -> str:
            return str(_london_day(clock[name]))

        dates = {
            "advertising_date": day("advertise_at"),
            "deadline_date": day("deadline_at"),
            "outcomes_by_date": day("outcomes_at"),
            "second_round_opens_on": day("second_round_opens_at"),
            "second_round_closes_on": day("second_round_deadline_at"),
        }
        url = f"/v1/rounds/{created['id']}/dates"
        unchanged = await http.put(url, json=dates, headers=office)
        tomorrow = str(_london_day(clock["second_round_deadline_at"]) + timedelta(days=1))
        out_of_order = await http.put(
            url, json={**dates, "deadline_date": tomorrow}, headers=office
        )
        outcomes_moved = await http.put(
            url, json={**dates, "outcomes_by_date": tomorrow}, headers=office
        )
    assert unchanged.status_code == 200, unchanged.text
    assert unchanged.json()["clock"] == clock
    assert unchanged.json()["rehearsal"] is True
    assert outcomes_moved.status_code == 200, outcomes_moved.text
    moved = datetime.fromisoformat(outcomes_moved.json()["clock"]["outcomes_at"])
    assert (str(moved.date()), moved.hour) == (tomorrow, 9)
    assert out_of_order.status_code == 422
    problem = out_of_order.json()
    assert problem["detail"] == "The outcomes-by date must be after the application deadline."
    assert problem["field"] == "outcomes_at"


def _london_day(instant: str) -> date:
    return datetime.fromisoformat(instant).astimezone(LONDON).date()
