"""Applying: who may (R6-R9), what an application is (R10-R13), until when (R14), and
what follows each accepted submission (R15, P1, P6)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from launcher.mailcatcher import MailCatcher
from mip.core import when
from mip.core.auth import Role
from mip.core.settings import Settings
from services.applications.app import create_app as applications_app
from services.applications.applicants.schemas import Division
from services.applications.config import ApplicationsSettings
from services.notifications.app import create_app as notifications_app
from tests.support.applying import apply, make_profile, make_round, open_round, pdf
from tests.support.auth import RunApp, auth
from tests.support.stack import running_stack
from tests.support.upload_samples import docx, ole2
from tests.support.waiting import eventually


async def _one_open_placement(http: Any, settings: Settings, **kw: Any) -> dict[str, Any]:
    _, placements = await make_round(http, settings, open_round(), **kw)
    return placements[0]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"contract_type": "open_ended"}, "fixed-term contracts"),
        ({"contract_end_date": str(date.today() - timedelta(days=400))}, "within the 12 months"),
        ({"university_employed": False}, "employed by the university"),
    ],
    ids=["open-ended", "ended-too-long-ago", "not-university-staff"],
)
async def test_r6_ineligible_applicants_are_refused_with_the_reason(
    changes: dict[str, Any], reason: str, settings: Settings, run_app: RunApp
) -> None:
    async with run_app(applications_app(settings)) as http:
        placement = await _one_open_placement(http, settings)
        me = await make_profile(http, settings, "ada@example.org", **changes)
        refused = await apply(http, me, placement["id"])
        mine = await http.get("/v1/me/applications", headers=me)
    assert refused.status_code == 422
    assert refused.json()["type"] == "urn:mip:problem:ineligible"
    assert reason in refused.json()["detail"]
    assert mine.json() == []


async def test_r6_a_contract_that_ended_within_12_months_may_apply(
    settings: Settings, run_app: RunApp
) -> None:
    async with run_app(applications_app(settings)) as http:
        placement = await _one_open_placement(http, settings)
        me = await make_profile(
            http,
            settings,
            "ada@example.org",
            contract_end_date=str(date.today() - timedelta(days=300)),
        )
        accepted = await apply(http, me, placement["id"])
    assert accepted.status_code == 201, accepted.text


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("postdoctoral_researcher", 201),
        ("research_assistant", 201),
        ("bioinformatician_or_technician", 201),
        ("college_junior_research_fellow", 201),
        ("temporary_teaching_staff_who_research", 201),
        ("other", 422),
    ],
)
async def test_r7_only_eligible_roles_may_apply(
    role: str, status: int, settings: Settings, run_app: RunApp
) -> None:
    async with run_app(applications_app(settings)) as http:
        placement = await _one_open_placement(http, settings)
        me = await make_profile(http, settings, "ada@example.org", role=role)
        response = await apply(http, me, placement["id"])
    assert response.status_code == status, response.text


async def test_r8_a_placement_longer_than_the_allowance_warns_but_is_accepted(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    config = ApplicationsSettings(allowance_days={Division.medical_sciences: 3})
    async with running_stack(
        mail_settings,
        applications=lambda s: applications_app(s, config),
        notifications=notifications_app,
    ) as stack:
        http = stack.http["applications"]
        placement = await _one_open_placement(http, mail_settings, days=5)
        medic = await make_profile(
            http, mail_settings, "medic@example.org", division="medical_sciences"
        )
        social = await make_profile(
            http, mail_settings, "social@example.org", division="social_sciences"
        )
        warned = await apply(http, medic, placement["id"])
        plain = await apply(http, social, placement["id"])
        confirmations = await eventually(lambda: _mail(smtp, "medic@example.org"))
    assert warned.status_code == 201
    assert "allows up to 3 days" in warned.json()["warnings"][0]
    assert "agree the placement with your PI" in confirmations[0].get_body(("plain",)).get_content()
    assert plain.status_code == 201
    assert plain.json()["warnings"] == []


async def _mail(smtp: MailCatcher, to: str) -> list[Any]:
    return [m for m in smtp.store.messages() if m["To"] == to]


async def test_r9_equal_opportunities_answers_are_kept_apart_and_only_counted(
    settings: Settings, run_app: RunApp
) -> None:
    async with run_app(applications_app(settings)) as http:
        placement = await _one_open_placement(http, settings)
        me = await make_profile(http, settings, "ada@example.org")
        saved = await http.put(
            "/v1/me/equal-opportunities",
            json={"disability": "yes", "under_represented": "prefer_not_to_say"},
            headers=me,
        )
        application = (await apply(http, me, placement["id"])).json()
        office_view = await http.get(
            f"/v1/applications/{application['id']}", headers=auth(settings, Role.office)
        )
        totals = await http.get(
            "/v1/office/equal-opportunities", headers=auth(settings, Role.office)
        )
        by_host = await http.get(
            "/v1/office/equal-opportunities", headers=auth(settings, Role.host)
        )
    assert saved.status_code == 204
    assert "content-type" not in saved.headers  # no content, so no type to claim for it
    assert saved.content == b""
    assert "disability" not in office_view.text
    assert totals.json()["answered"] == 1
    assert totals.json()["disability"]["yes"] == 1
    assert by_host.status_code == 403


async def test_r10_an_application_is_a_placement_a_cv_and_a_statement(
    settings: Settings, run_app: RunApp
) -> None:
    async with run_app(applications_app(settings)) as http:
        placement = await _one_open_placement(http, settings)
        me = await make_profile(http, settings, "ada@example.org")
        no_cv = await http.post(
            "/v1/applications",
            data={"placement_id": placement["id"], "statement": "Hello"},
            headers=me,
        )
        no_statement = await apply(http, me, placement["id"], statement="   ")
        no_profile = await apply(
            http, auth(settings, Role.applicant, "new@example.org"), placement["id"]
        )
        by_office = await apply(http, auth(settings, Role.office), placement["id"])
        mine = await http.get("/v1/me/applications", headers=me)
    assert no_cv.status_code == 422
    assert no_cv.json()["errors"][0]["location"] == "body.cv"
    assert no_statement.status_code == 422
    assert "statement is empty" in no_statement.json()["detail"]
    assert no_profile.status_code == 422
    assert "profile" in no_profile.json()["detail"]
    assert by_office.status_code == 403
    assert mine.json() == []


@pytest.mark.parametrize(
    ("content", "filename", "status", "cv_format"),
    [
        (pdf(2), "my-cv.docx", 201, "pdf"),
        (docx(), "cv.bin", 201, "docx"),
        (ole2(), "CV", 201, "doc"),
        (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 1024, "cv.doc", 422, None),
        (ole2("Workbook"), "cv.doc", 422, None),
        (b"Dear host, my CV follows.", "cv.pdf", 422, None),
        (b"PK\x03\x04not really a zip", "cv.docx", 422, None),
        (b"", "cv.pdf", 422, None),
        (b"%PDF-1.7 broken", "cv.pdf", 422, None),
    ],
    ids=[
        "pdf-misnamed",
        "docx",
        "doc",
        "ole2-magic-only",
        "ole2-not-word",
        "text-named-pdf",
        "fake-docx",
        "empty",
        "broken-pdf",
    ],
)
async def test_r11_the_cv_is_judged_by_its_content(
    content: bytes,
    filename: str,
    status: int,
    cv_format: str | None,
    settings: Settings,
    run_app: RunApp,
) -> None:
    async with run_app(applications_app(settings)) as http:
        placement = await _one_open_placement(http, settings)
        me = await make_profile(http, settings, "ada@example.org")
        response = await apply(http, me, placement["id"], cv=content, filename=filename)
    assert response.status_code == status, response.text
    if cv_format:
        assert response.json()["cv"]["format"] == cv_format
    else:
        assert response.json()["type"] == "urn:mip:problem:unacceptable-cv"


async def _applied_with_cv(
    settings: Settings, run_app: RunApp, cv: bytes
) -> tuple[dict[str, Any], Any]:
    """The application's body as answered, and its CV's row as stored."""
    app = applications_app(settings)
    async with run_app(app) as http:
        placement = await _one_open_placement(http, settings)
        me = await make_profile(http, settings, "ada@example.org")
        response = await apply(http, me, placement["id"], cv=cv)
        row = await app.state.runtime.pool.fetchrow(
            "SELECT content, host_copy FROM cvs WHERE application_id = $1", response.json()["id"]
        )
    body: dict[str, Any] = response.json()
    return body, row


async def test_r11_a_long_pdf_is_kept_and_hosts_get_its_first_two_pages(
    settings: Settings, run_app: RunApp
) -> None:
    import io

    from pypdf import PdfReader

    body, row = await _applied_with_cv(settings, run_app, pdf(5))
    assert body["cv"] == {
        "format": "pdf",
        "size_bytes": len(pdf(5)),
        "pages": 5,
        "hosts_receive_pages": 2,
    }
    assert any("hosts will receive its first 2" in w for w in body["warnings"])
    assert len(PdfReader(io.BytesIO(row["content"])).pages) == 5
    assert len(PdfReader(io.BytesIO(row["host_copy"])).pages) == 2


async def test_r11_a_cv_within_the_hosts_pages_is_stored_once(
    settings: Settings, run_app: RunApp
) -> None:
    """Hosts receive it whole, so no second copy is written (issue 24): half the bytes a
    rush writes to the database."""
    body, row = await _applied_with_cv(settings, run_app, pdf(2))
    assert body["cv"]["pages"] == 2
    assert row["content"] == pdf(2)
    assert row["host_copy"] is None


async def test_r11_an_oversized_cv_is_refused(settings: Settings, run_app: RunApp) -> None:
    config = ApplicationsSettings(cv_max_bytes=2048)
    async with run_app(applications_app(settings, config)) as http:
        placement = await _one_open_placement(http, settings)
        me = await make_profile(http, settings, "ada@example.org")
        response = await apply(http, me, placement["id"], cv=pdf(2) + b"\n%" + b"x" * 4096)
    assert response.status_code == 413
    assert "larger than" in response.json()["detail"]
    assert response.json()["errors"][0]["location"] == "body.cv"


async def test_r12_third_application_is_refused_and_a_withdrawal_frees_a_slot(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    async with running_stack(
        mail_settings, applications=applications_app, notifications=notifications_app
    ) as stack:
        http = stack.http["applications"]
        _, placements = await make_round(http, mail_settings, open_round(), placements=3)
        me = await make_profile(http, mail_settings, "ada@example.org")
        first = await apply(http, me, placements[0]["id"])
        second = await apply(http, me, placements[1]["id"])
        third = await apply(http, me, placements[2]["id"])
        again = await apply(http, me, placements[0]["id"])
        withdrawn = await http.post(
            f"/v1/applications/{first.json()['id']}/withdraw",
            json={"reason": "Changed my mind"},
            headers=me,
        )
        third_now = await apply(http, me, placements[2]["id"])
    assert [first.status_code, second.status_code] == [201, 201]
    assert third.status_code == 409
    assert "at most 2 applications in this round" in third.json()["detail"]
    assert again.status_code == 409
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["status"] == "withdrawn"
    assert third_now.status_code == 201


async def test_r12_withdrawing_a_finished_application_again_is_a_409_with_the_reason(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    async with running_stack(
        mail_settings, applications=applications_app, notifications=notifications_app
    ) as stack:
        http = stack.http["applications"]
        _, placements = await make_round(http, mail_settings, open_round(), placements=1)
        me = await make_profile(http, mail_settings, "ada@example.org")
        applied = (await apply(http, me, placements[0]["id"])).json()
        url = f"/v1/applications/{applied['id']}/withdraw"
        first = await http.post(url, json={"reason": "Changed my mind"}, headers=me)
        handle = stack.temporal.get_workflow_handle(applied["workflow_id"])
        await handle.result()  # the application's life is over
        again = await http.post(url, json={"reason": "Once more"}, headers=me)
    assert first.status_code == 200, first.text
    assert again.status_code == 409, again.text
    assert again.json()["detail"] == "The application is withdrawn; it cannot be withdrawn now."


async def test_r12_the_second_round_allows_one_application(
    settings: Settings, run_app: RunApp
) -> None:
    now = datetime.now(UTC)
    spec = open_round(
        advertise_at=now - timedelta(days=10),
        deadline_at=now - timedelta(days=5),
        outcomes_at=now + timedelta(days=2),
    )
    spec["clock"]["second_round_opens_at"] = (now - timedelta(days=1)).isoformat()
    spec["clock"]["second_round_deadline_at"] = (now + timedelta(days=1)).isoformat()
    app = applications_app(settings)
    async with run_app(app) as http:
        _, placements = await make_round(http, settings, spec, placements=3)
        await app.state.runtime.pool.execute(
            "UPDATE placements SET readvertised = true WHERE id = ANY($1::uuid[])",
            [p["id"] for p in placements[:2]],
        )
        me = await make_profile(http, settings, "ada@example.org")
        not_readvertised = await apply(http, me, placements[2]["id"])
        first = await apply(http, me, placements[0]["id"])
        second = await apply(http, me, placements[1]["id"])
    assert not_readvertised.status_code == 422
    assert first.status_code == 201
    assert first.json()["phase"] == "second"
    assert second.status_code == 409
    assert "at most 1 application in this round" in second.json()["detail"]


async def test_r13_a_long_statement_is_kept_whole_and_cut_for_hosts(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    words = [f"word{n}" for n in range(350)]
    async with running_stack(
        mail_settings, applications=applications_app, notifications=notifications_app
    ) as stack:
        http = stack.http["applications"]
        placement = await _one_open_placement(http, mail_settings)
        me = await make_profile(http, mail_settings, "ada@example.org")
        response = await apply(http, me, placement["id"], statement=" ".join(words))
        row = await stack.apps["applications"].state.runtime.pool.fetchrow(
            "SELECT statement, statement_for_hosts FROM applications WHERE id = $1",
            response.json()["id"],
        )
        [confirmation] = await eventually(lambda: _mail(smtp, "ada@example.org"))
    body = response.json()
    assert body["statement_words"] == 350
    assert body["statement_cut"] is True
    assert row["statement"] == " ".join(words)
    assert row["statement_for_hosts"] == " ".join(words[:300])
    assert (
        "the host will read its first 300 words" in confirmation.get_body(("plain",)).get_content()
    )


@pytest.mark.parametrize(
    ("at", "status"),
    [
        (datetime(2019, 4, 1, 11, 59, 59, 999000), 201),
        (datetime(2019, 4, 1, 12, 0, 0, 0), 422),
        (datetime(2019, 4, 1, 12, 0, 0, 1000), 422),
    ],
    ids=["a-moment-before-midday", "midday", "just-after"],
)
async def test_r14_applications_close_at_midday_london_time(
    at: datetime, status: int, settings: Settings, run_app: RunApp
) -> None:
    from zoneinfo import ZoneInfo

    from tests.support.applying import ROUND_2019

    app = applications_app(settings)
    async with run_app(app) as http:
        _, [placement] = await make_round(http, settings, ROUND_2019)
        me = await make_profile(http, settings, "ada@example.org", contract_end_date="2019-12-31")
        app.state.runtime.clock = lambda: at.replace(tzinfo=ZoneInfo("Europe/London"))
        response = await apply(http, me, placement["id"])
    assert response.status_code == status, response.text
    if status == 422:
        assert response.json()["type"] == "urn:mip:problem:applications-closed"
        closed = "closed at 12pm (midday) on Monday 1 April 2019, UK time"
        assert closed in response.json()["detail"]


async def test_r14_a_rehearsal_round_refuses_with_its_own_deadline_in_london_time(
    settings: Settings, run_app: RunApp
) -> None:
    from zoneinfo import ZoneInfo

    london = ZoneInfo("Europe/London")
    yesterday = datetime.now(london).date() - timedelta(days=1)
    deadline = datetime.combine(yesterday, time(21, 53, 10), tzinfo=london)
    spec = open_round(advertise_at=deadline - timedelta(days=1), deadline_at=deadline)
    async with run_app(applications_app(settings)) as http:
        _, [placement] = await make_round(http, settings, spec)
        me = await make_profile(http, settings, "ada@example.org")
        response = await apply(http, me, placement["id"])
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["type"] == "urn:mip:problem:applications-closed"
    # Said to the minute, as every time is: the exact instant is in `deadline`.
    assert f"closed at 9:53pm on {when.day(yesterday)}, UK time" in body["detail"]
    assert "midday" not in body["detail"]
    assert datetime.fromisoformat(body["deadline"]) == deadline


async def test_r14_a_late_second_round_application_is_told_the_second_round_deadline(
    settings: Settings, run_app: RunApp
) -> None:
    from zoneinfo import ZoneInfo

    from tests.support.applying import ROUND_2019

    app = applications_app(settings)
    async with run_app(app) as http:
        _, [placement] = await make_round(http, settings, ROUND_2019)
        await app.state.runtime.pool.execute(
            "UPDATE placements SET readvertised = true WHERE id = $1", placement["id"]
        )
        me = await make_profile(http, settings, "ada@example.org", contract_end_date="2019-12-31")
        london = ZoneInfo("Europe/London")
        app.state.runtime.clock = lambda: datetime(2019, 4, 10, 9, 0, tzinfo=london)
        between = await apply(http, me, placement["id"])
        app.state.runtime.clock = lambda: datetime(2019, 4, 29, 12, 0, tzinfo=london)
        after = await apply(http, me, placement["id"])
    assert between.status_code == 422
    assert between.json()["detail"].startswith(
        "Applications closed at 12pm (midday) on Monday 1 April 2019, UK time; this placement "
        "is re-advertised in a second round from 12am (midnight) on Tuesday 23 April 2019, "
        "UK time"
    )
    assert after.status_code == 422
    assert after.json()["detail"] == (
        "Applications to the second round closed at 12pm (midday) on Monday 29 April 2019, "
        "UK time. Late applications cannot be accepted, whatever the reason."
    )
