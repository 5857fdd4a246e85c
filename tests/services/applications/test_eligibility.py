"""An applicant reads, before applying, whether they may (R6, R7) and what their division
allows (R8); and reads back their own equal-opportunities answers, which only they see (R9)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mip.core.auth import Role
from mip.core.settings import Settings
from services.applications.app import create_app as applications_app
from services.applications.applicants.schemas import Division
from services.applications.config import ApplicationsSettings
from tests.support.applying import make_profile, make_round, open_round
from tests.support.auth import RunApp, auth

ADA = "ada@example.org"


async def test_r6_r7_eligibility_gives_the_reason_an_application_would_be_refused(
    settings: Settings, run_app: RunApp
) -> None:
    async with run_app(applications_app(settings)) as http:
        before_profile = await http.get(
            "/v1/me/eligibility", headers=auth(settings, Role.applicant, ADA)
        )
        me = await make_profile(http, settings, ADA)
        eligible = await http.get("/v1/me/eligibility", headers=me)
        await make_profile(http, settings, ADA, role="other")
        wrong_role = await http.get("/v1/me/eligibility", headers=me)
        await make_profile(http, settings, ADA, contract_type="open_ended")
        open_ended = await http.get("/v1/me/eligibility", headers=me)
    assert before_profile.status_code == 404
    assert "profile" in before_profile.json()["detail"]
    assert eligible.status_code == 200, eligible.text
    assert eligible.json()["eligible"] is True
    assert eligible.json()["reason"] is None
    assert wrong_role.json()["eligible"] is False
    assert "postdoctoral researchers" in wrong_role.json()["reason"]
    assert "fixed-term contracts" in open_ended.json()["reason"]


async def test_r6_a_contract_end_is_judged_against_the_placements_deadline(
    settings: Settings, run_app: RunApp
) -> None:
    """Ended 11 months before a deadline two months away: within 12 months of that deadline
    only if the deadline is the placement's, not today."""
    deadline = datetime.now(UTC) + timedelta(days=60)
    ended = deadline.date() - timedelta(days=380)
    async with run_app(applications_app(settings)) as http:
        _, placements = await make_round(
            http,
            settings,
            open_round(
                "Far deadline", deadline_at=deadline, outcomes_at=deadline + timedelta(days=5)
            ),
        )
        me = await make_profile(http, settings, ADA, contract_end_date=str(ended))
        for_placement = await http.get(
            "/v1/me/eligibility", params={"placement_id": placements[0]["id"]}, headers=me
        )
        unknown = await http.get(
            "/v1/me/eligibility",
            params={"placement_id": "00000000-0000-0000-0000-000000000000"},
            headers=me,
        )
    refused = for_placement.json()
    assert refused["eligible"] is False
    assert refused["judged_against"] == str(deadline.date())
    assert "within the 12 months" in refused["reason"]
    assert unknown.status_code == 404


async def test_r8_the_allowance_advice_and_a_warning_for_a_longer_placement(
    settings: Settings, run_app: RunApp
) -> None:
    config = ApplicationsSettings(allowance_days={Division.medical_sciences: 3})
    async with run_app(applications_app(settings, config)) as http:
        _, placements = await make_round(http, settings, open_round(), days=5)
        medic = await make_profile(http, settings, ADA, division="medical_sciences")
        general = await http.get("/v1/me/eligibility", headers=medic)
        for_placement = await http.get(
            "/v1/me/eligibility", params={"placement_id": placements[0]["id"]}, headers=medic
        )
        social = await make_profile(http, settings, "sam@example.org", division="social_sciences")
        supportive = await http.get(
            "/v1/me/eligibility", params={"placement_id": placements[0]["id"]}, headers=social
        )
    assert general.json()["allowance_days"] == 3
    assert "up to 3 days" in general.json()["allowance_advice"]
    assert general.json()["placement_warning"] is None
    assert "agree the placement with your PI" in for_placement.json()["placement_warning"]
    assert supportive.json()["allowance_days"] is None
    assert "no set number" in supportive.json()["allowance_advice"]
    assert supportive.json()["placement_warning"] is None


async def test_r9_an_applicant_reads_back_only_their_own_answers(
    settings: Settings, run_app: RunApp
) -> None:
    async with run_app(applications_app(settings)) as http:
        me = await make_profile(http, settings, ADA)
        unanswered = await http.get("/v1/me/equal-opportunities", headers=me)
        await http.put(
            "/v1/me/equal-opportunities",
            json={"disability": "yes", "under_represented": "no"},
            headers=me,
        )
        answered = await http.get("/v1/me/equal-opportunities", headers=me)
        other = await make_profile(http, settings, "bob@example.org")
        someone_else = await http.get("/v1/me/equal-opportunities", headers=other)
        by_host = await http.get(
            "/v1/me/equal-opportunities", headers=auth(settings, Role.host, ADA)
        )
    assert unanswered.json() == {
        "disability": "prefer_not_to_say",
        "under_represented": "prefer_not_to_say",
    }
    assert answered.json() == {"disability": "yes", "under_represented": "no"}
    assert someone_else.json()["disability"] == "prefer_not_to_say"
    assert by_host.status_code == 403
