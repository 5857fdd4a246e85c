"""The office changes hosts, rounds and placements after setting them up, but never what
applicants already applied for; each refusal is a 409 that says why and changes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from mip.core.auth import Role
from mip.core.settings import Settings
from services.applications.app import create_app
from tests.support.applying import HOST, apply, make_profile, make_round, open_round
from tests.support.auth import RunApp, auth

ADA = "ada@example.org"


def _placement_body(placement: dict[str, Any], **changes: Any) -> dict[str, Any]:
    keep = ("title", "description", "week_starts_on", "days", "places", "mode", "preparation")
    return {"host_id": placement["host"]["id"], **{k: placement[k] for k in keep}, **changes}


def _host_body(host: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**{k: host[k] for k in HOST}, **changes}


def _conflict(response: httpx.Response, words: str) -> None:
    assert response.status_code == 409, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert words in response.json()["detail"]


async def test_r5_a_host_keeps_what_applicants_saw_once_they_applied_but_not_its_contact(
    settings: Settings, run_app: RunApp
) -> None:
    office = auth(settings, Role.office)
    async with run_app(create_app(settings)) as http:
        _, (placement,) = await make_round(http, settings, open_round())
        host = placement["host"]
        url = f"/v1/hosts/{host['id']}"
        renamed = await http.put(url, json=_host_body(host, name="Isis Robotics"), headers=office)
        applicant = await make_profile(http, settings, ADA)
        assert (await apply(http, applicant, placement["id"])).status_code == 201
        new_contact = _host_body(
            renamed.json(), contact_name="Jo Lee", contact_email="Jo@IsisRobotics.example.com"
        )
        moved_contact = await http.put(url, json=new_contact, headers=office)
        new_kind = await http.put(
            url, json=_host_body(renamed.json(), kind="non_profit"), headers=office
        )
        read = await http.get(url, headers=office)
        by_applicant = await http.get(url, headers=applicant)
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["name"] == "Isis Robotics"
    assert moved_contact.status_code == 200, moved_contact.text
    assert moved_contact.json()["contact_email"] == "jo@isisrobotics.example.com"
    _conflict(new_kind, "1 application has been made to this host's placements")
    assert new_kind.json()["field"] == "kind"
    assert read.json()["kind"] == "for_profit"
    assert read.json()["contact_name"] == "Jo Lee"
    assert by_applicant.status_code == 403


async def test_a_host_cannot_take_another_hosts_name(settings: Settings, run_app: RunApp) -> None:
    office = auth(settings, Role.office)
    async with run_app(create_app(settings)) as http:
        first = (await http.post("/v1/hosts", json=HOST, headers=office)).json()
        other = {**HOST, "name": "Bloomsbury Science"}
        second = (await http.post("/v1/hosts", json=other, headers=office)).json()
        clash = await http.put(
            f"/v1/hosts/{second['id']}", json=_host_body(second, name=first["name"]), headers=office
        )
        missing = await http.put(
            "/v1/hosts/00000000-0000-0000-0000-000000000000", json=HOST, headers=office
        )
    _conflict(clash, "Another host is already named “Isis Robotics Ltd”")
    assert missing.status_code == 404


def _week(monday: date) -> dict[str, str]:
    return {"starts_on": str(monday), "ends_on": str(monday + timedelta(days=4))}


async def test_r2_a_rounds_weeks_and_limits_change_until_the_first_application(
    settings: Settings, run_app: RunApp
) -> None:
    office = auth(settings, Role.office)
    async with run_app(create_app(settings)) as http:
        the_round, (placement,) = await make_round(http, settings, open_round())
        url = f"/v1/rounds/{the_round['id']}"
        used = the_round["weeks"][0]
        later = _week(date.fromisoformat(used["starts_on"]) + timedelta(days=7))
        settings_body = {"weeks": [used, later], "statement_word_limit": 250}
        widened = await http.put(url, json=settings_body, headers=office)
        dropped = await http.put(url, json={"weeks": [later]}, headers=office)
        too_early = await http.put(
            url, json={"weeks": [used, _week(date(2020, 6, 1))]}, headers=office
        )
        applicant = await make_profile(http, settings, ADA)
        assert (await apply(http, applicant, placement["id"])).status_code == 201
        after = await http.put(url, json={"weeks": [used]}, headers=office)
        read = (await http.get(url, headers=office)).json()
    assert widened.status_code == 200, widened.text
    assert [w["starts_on"] for w in widened.json()["weeks"]] == [
        used["starts_on"],
        later["starts_on"],
    ]
    assert widened.json()["statement_word_limit"] == 250
    assert widened.json()["name"] == the_round["name"]  # the workflow holds the name
    _conflict(dropped, "A week you removed has placements (Placement 1)")
    assert too_early.status_code == 422
    assert "must start after applications close" in too_early.json()["detail"]
    _conflict(after, "1 application has been made in this round")
    assert "Dates still to come can still be moved" in after.json()["detail"]
    assert len(read["weeks"]) == 2


async def test_r1_a_placement_changes_until_someone_applies_and_obeys_r1_when_it_does(
    settings: Settings, run_app: RunApp
) -> None:
    office = auth(settings, Role.office)
    async with run_app(create_app(settings)) as http:
        _, (placement,) = await make_round(http, settings, open_round())
        url = f"/v1/placements/{placement['id']}"
        monday = date.fromisoformat(placement["week_starts_on"])
        two_days = [str(monday + timedelta(days=3)), str(monday + timedelta(days=4))]
        changed = await http.put(
            url,
            json=_placement_body(placement, title="Robot trials", days=two_days),
            headers=office,
        )
        one_day = await http.put(
            url, json=_placement_body(placement, days=[str(monday)]), headers=office
        )
        applicant = await make_profile(http, settings, ADA)
        assert (await apply(http, applicant, placement["id"])).status_code == 201
        after = await http.put(url, json=_placement_body(placement, places=3), headers=office)
        read = (await http.get(url, headers=office)).json()
    assert changed.status_code == 200, changed.text
    assert (changed.json()["title"], changed.json()["days"]) == ("Robot trials", two_days)
    assert one_day.status_code == 422
    assert "2 to 5 working days" in one_day.json()["detail"]
    _conflict(after, "1 application has been made for this placement")
    assert (read["title"], read["places"]) == ("Robot trials", 1)


async def test_r16_nothing_of_a_round_changes_after_its_deadline(
    settings: Settings, run_app: RunApp
) -> None:
    office = auth(settings, Role.office)
    now = datetime.now(UTC)
    closed = open_round(
        "Closed round",
        advertise_at=now - timedelta(days=2),
        deadline_at=now - timedelta(hours=1),
        outcomes_at=now + timedelta(days=1),
    )
    async with run_app(create_app(settings)) as http:
        the_round, (placement,) = await make_round(http, settings, closed)
        edit_placement = await http.put(
            f"/v1/placements/{placement['id']}",
            json=_placement_body(placement, title="Later"),
            headers=office,
        )
        edit_round = await http.put(
            f"/v1/rounds/{the_round['id']}", json={"weeks": the_round["weeks"]}, headers=office
        )
    _conflict(edit_placement, "closed at")
    _conflict(edit_round, "can no longer change")


async def test_r3_dates_given_as_days_fall_at_midday_and_a_passed_date_left_alone_stays(
    settings: Settings, run_app: RunApp
) -> None:
    office = auth(settings, Role.office)
    spec = open_round()  # advertised yesterday at this time of day, a rehearsal clock
    async with run_app(create_app(settings)) as http:
        the_round, _ = await make_round(http, settings, spec)
        url = f"/v1/rounds/{the_round['id']}/dates"
        clock = the_round["clock"]
        today = datetime.now(UTC).date()
        dates = {
            "advertising_date": spec["advertising_date"],
            "deadline_date": str(today + timedelta(days=3)),
            "outcomes_by_date": str(today + timedelta(days=5)),
        }
        moved = await http.put(url, json=dates, headers=office)
        advert_moved = await http.put(
            url, json={**dates, "advertising_date": str(today - timedelta(days=3))}, headers=office
        )
    assert moved.status_code == 200, moved.text
    new_clock = moved.json()["clock"]
    assert datetime.fromisoformat(new_clock["advertise_at"]) == datetime.fromisoformat(
        clock["advertise_at"]
    )
    deadline = datetime.fromisoformat(new_clock["deadline_at"])
    assert (deadline.date(), deadline.hour, deadline.minute) == (today + timedelta(days=3), 12, 0)
    assert datetime.fromisoformat(new_clock["outcomes_at"]).hour == 9
    _conflict(advert_moved, "has passed; it cannot be moved now")
