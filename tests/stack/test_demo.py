"""`mip dev --demo` loads the 2019 round from the source page, and a copy open today."""

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx

from launcher.demo import load_demo, shift_to
from launcher.demo_rehearsal import load_rehearsal
from mip.core.auth import Role
from mip.core.settings import Settings
from services.applications.app import create_app
from services.applications.client import ApplicationsClient
from tests.support.auth import token


def test_the_2019_calendar_moves_by_whole_weeks_into_this_week() -> None:
    today = date(2026, 11, 29)
    advertised = date(2019, 3, 13) + shift_to(today)
    assert advertised.weekday() == date(2019, 3, 13).weekday()  # still a Wednesday
    assert 0 <= (today - advertised).days < 7


async def test_demo_loads_the_2019_round_once_and_one_open_today(settings: Settings) -> None:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        office = token(settings, Role.office)
        async with ApplicationsClient("http://apps", office, transport=transport) as client:
            first = await load_demo(client, date.today())
            second = await load_demo(client, date.today())
            hosts = await client.hosts()
            per_round = [len(await client.round_placements(r.id)) for r in first]
        applicant = token(settings, Role.applicant, "postdoc@example.org")
        async with httpx.AsyncClient(transport=transport, base_url="http://apps") as http:
            listed = await http.get(
                "/v1/placements", headers={"Authorization": f"Bearer {applicant}"}
            )
    historic, current = first
    assert [r.id for r in second] == [r.id for r in first]
    assert len(hosts) == 5
    assert per_round == [5, 5]
    assert [w.starts_on for w in historic.weeks] == [date(2019, 6, 3), date(2019, 6, 10)]
    assert historic.clock.deadline_at.isoformat() == "2019-04-01T12:00:00+01:00"
    assert {p["round_id"] for p in listed.json()} == {str(current.id)}
    assert len(listed.json()) == 5


async def test_demo_loads_a_rehearsal_round_with_applications_once_a_day(
    settings: Settings,
) -> None:
    """Issue 21 item 4: a newcomer finds a round open now in which three applicants have
    applied, ready for the office to close applications and play it through."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)

        def as_applicant(email: str) -> ApplicationsClient:
            mine = token(settings, Role.applicant, email)
            return ApplicationsClient("http://apps", mine, transport=transport)

        office = token(settings, Role.office)
        async with ApplicationsClient("http://apps", office, transport=transport) as client:
            await load_demo(client, date.today())
            hosts = {h.name: h.id for h in await client.hosts()}
            now = datetime.now(UTC)
            made = await load_rehearsal(client, as_applicant, hosts, now)
            again = await load_rehearsal(client, as_applicant, hosts, now)
            assert made is not None
            counts = await client.application_counts(made.id)
    assert again is None
    assert made.acceptance_window_seconds == 15 * 60
    assert made.clock.advertise_at < now < made.clock.deadline_at
    applied = {placement: sum(by_status.values()) for placement, by_status in counts.items()}
    assert sorted(applied.values()) == [2, 3]  # every applicant, five applications
