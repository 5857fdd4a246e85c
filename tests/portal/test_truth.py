"""Every page tells the truth about dates and states (issue 21 item 3), on a round on the
programme's calendar (dates; deadlines at midday) and on a rehearsal's clock (instants
seconds apart, which the round's workflow acts on as they come):

- a placement shows the deadline of the round it is open in: the first round's, and the
  second round's only once it is advertised again in it; its dates listed in order;
- after its deadline it says "Closed", offers no way to apply, and an applicant without a
  profile is told it closed, not sent to fill one in;
- the host reads that a place is filled only once its offer is accepted;
- the office's glance names as "Next" a step still to come;
- hints give examples of the current year.

Pages are read as a browser without JavaScript reads them; the portal's clock is set to an
instant of the round's life where the test needs it (the services keep the real one)."""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
import pytest

from mip.core import when
from mip.core.auth import Role
from services.applications.catalogue import repository as catalogue
from services.portal.forms import FormErrors
from services.portal.rendering import templates
from services.portal.runtime import PortalRuntime
from tests.portal.support.api import ApiAs
from tests.portal.support.catalogue import host_with_placement
from tests.portal.support.portal_http import signed_in, visitor
from tests.portal.support.stack import OFFICE, PortalStack
from tests.support.applying import next_monday
from tests.support.auth import auth
from tests.support.host_round import (
    ADA,
    close_applications_now,
    set_up,
    wait_forwarded,
    wait_until_status,
)
from tests.support.waiting import eventually

ApiFactory = Callable[[str, str], ApiAs]
TAG = re.compile(r"<[^>]+>")


@contextmanager
def clock_at(runtime: PortalRuntime, instant: datetime) -> Iterator[None]:
    """The portal's clock stopped at `instant` (sign-in, sessions and pages all read it)."""
    real = runtime.clock
    runtime.clock = lambda: instant
    try:
        yield
    finally:
        runtime.clock = real


def text_of(page: str) -> str:
    """What a person reads on a page: its text, in one line."""
    return " ".join(html.unescape(TAG.sub(" ", page)).split())


async def read(http: httpx.AsyncClient, path: str) -> str:
    answer = await http.get(path)
    assert answer.status_code == 200, (path, answer.status_code)
    return answer.text


def card_of(listing: str, title: str) -> str:
    """The text of one placement's card on /placements."""
    cards = [text_of(c) for c in listing.split('<li class="card">')[1:] if title in c]
    assert len(cards) == 1, f"{title} is not listed once"
    return cards[0]


def calendar_round(name: str, **days: int) -> dict[str, Any]:
    """A round on the programme's calendar, its dates that many days from today (UK)."""
    today = datetime.now(when.LONDON).date()
    dates = {key: today + timedelta(days=n) for key, n in days.items()}
    monday = next_monday(max(dates.values()), weeks_ahead=1)
    return {
        "name": name,
        "weeks": [{"starts_on": str(monday), "ends_on": str(monday + timedelta(days=4))}],
        **{key: str(day) for key, day in dates.items()},
    }


def rehearsal_round(name: str, **seconds: float) -> dict[str, Any]:
    """A rehearsal round: its clock's instants that many seconds from now."""
    now = datetime.now(UTC)
    monday = next_monday(now.date())
    return {
        "name": name,
        "weeks": [{"starts_on": str(monday), "ends_on": str(monday + timedelta(days=4))}],
        "clock": {key: (now + timedelta(seconds=s)).isoformat() for key, s in seconds.items()},
    }


async def made_round(office: ApiAs, spec: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The round, made by the office, with one placement of a host of its own."""
    created = await office.applications.post("/v1/rounds", json=spec)
    assert created.status_code == 201, created.text
    the_round: dict[str, Any] = created.json()
    tag = uuid.uuid4().hex[:6]
    _, placement = await host_with_placement(
        office,
        the_round,
        name=f"Truthful host {tag}",
        contact=f"truth-{tag}@hosts.example.com",
        title=f"Truthful placement {tag}",
    )
    return the_round, placement


def clock_of(the_round: dict[str, Any]) -> dict[str, datetime]:
    return {k: datetime.fromisoformat(v) for k, v in the_round["clock"].items() if v}


async def readvertise(stack: PortalStack, placement: dict[str, Any]) -> None:
    """What the round's workflow does at the second round's opening to a placement with a
    place unfilled (R4), done here for a second round weeks away."""
    pool = stack.apps["applications"].state.runtime.pool
    async with pool.acquire() as conn:
        await catalogue.mark_readvertised(conn, {UUID(placement["id"]): 1})


async def open_in(http: httpx.AsyncClient, placement: dict[str, Any], deadline: datetime) -> None:
    """The placement's page and card give `deadline`, and the way to apply."""
    page = text_of(await read(http, f"/placements/{placement['id']}"))
    assert f"Applications close {when.when(deadline)}" in page, page
    assert "Closed" not in page
    assert "Sign in to apply" in page
    card = card_of(await read(http, "/placements"), placement["title"])
    assert f"Apply by {when.when(deadline)}." in card, card
    assert "Closed" not in card


async def closed_at(http: httpx.AsyncClient, placement: dict[str, Any], deadline: datetime) -> str:
    """The placement's page and card say "Closed", at `deadline`, with no way to apply; the
    page's text."""
    page = text_of(await read(http, f"/placements/{placement['id']}"))
    assert "Closed" in page
    assert f"Applications closed {when.when(deadline)}" in page, page
    assert f"closed at {when.when(deadline)}." in page
    assert "Sign in to apply" not in page
    card = card_of(await read(http, "/placements"), placement["title"])
    assert "Closed" in card
    assert f"Applications closed at {when.when(deadline)}." in card, card
    assert "Apply by" not in card
    return page


async def applicant_told_closed(
    stack: PortalStack, placement: dict[str, Any], deadline: datetime
) -> None:
    """A new applicant, with no profile yet, signed in on the portal's clock as it is set:
    no Apply button, and the apply page says it closed before anything about a profile."""
    async with signed_in(stack, f"new-{uuid.uuid4().hex[:8]}@example.org") as http:
        page = text_of(await read(http, f"/placements/{placement['id']}"))
        assert "Apply for this placement" not in page
        apply = text_of(await read(http, f"/applicant/apply?placement={placement['id']}"))
        assert f"Applications for this placement closed at {when.when(deadline)}." in apply
        assert "fill in your profile" not in apply
        assert "Send application" not in apply


async def test_r3_r4_r14_a_placement_on_the_programmes_calendar_shows_its_rounds_deadline(
    portal_stack: PortalStack, api_as: ApiFactory
) -> None:
    office = api_as("office", OFFICE)
    spec = calendar_round(
        f"Calendar round {uuid.uuid4().hex[:6]}",
        advertising_date=-2,
        deadline_date=3,
        second_round_opens_on=18,
        outcomes_by_date=20,
        second_round_closes_on=24,
    )
    the_round, placement = await made_round(office, spec)
    clock = clock_of(the_round)
    first, second = clock["deadline_at"], clock["second_round_deadline_at"]
    assert (first.astimezone(when.LONDON).hour, second.astimezone(when.LONDON).hour) == (12, 12)
    runtime = portal_stack.runtime

    async with visitor(portal_stack) as http:
        # The first round: its deadline, then the outcomes-by date; the second round's is
        # nowhere on the placement yet.
        await open_in(http, placement, first)
        page = text_of(await read(http, f"/placements/{placement['id']}"))
        assert when.when(second) not in page
        assert page.index("Applications close") < page.index("Outcomes by")
        # The home page lists the round's dates in order: the second round opens before the
        # outcomes-by date, as in 2019.
        home = await read(http, "/")
        section = text_of(home.split(f"<h2>{spec['name']}</h2>")[1].split("</dl>")[0])
        labels = [
            "Placements advertised",
            "Applications close",
            "Unfilled placements re-advertised",
            "You will hear by",
        ]
        assert [section.index(label) for label in labels] == sorted(
            section.index(label) for label in labels
        ), section

        with clock_at(runtime, first):  # midday on the deadline day: closed (R14)
            page = await closed_at(http, placement, first)
            assert "advertised again" not in page
            home = text_of(await read(http, "/"))
            assert f"Applications closed {when.when(first)}" in home
            await applicant_told_closed(portal_stack, placement, first)

        await readvertise(portal_stack, placement)
        with clock_at(runtime, first + timedelta(days=1)):  # between the rounds
            page = await closed_at(http, placement, first)
            opens = clock["second_round_opens_at"]
            assert f"It is advertised again from {when.when(opens)}." in page
        with clock_at(runtime, clock["second_round_opens_at"]):
            # The second round: its deadline, and no first-round date is listed with it.
            await open_in(http, placement, second)
            page = text_of(await read(http, f"/placements/{placement['id']}"))
            assert "Advertised again" in page
            assert "Outcomes by" not in page
            assert when.when(first) not in page
        with clock_at(runtime, second):
            await closed_at(http, placement, second)
            await applicant_told_closed(portal_stack, placement, second)


async def test_r4_r14_a_placement_on_a_rehearsal_clock_shows_its_rounds_deadline(
    portal_stack: PortalStack, api_as: ApiFactory
) -> None:
    """The round's workflow re-advertises the placement, nobody having applied, when the
    second round opens a few seconds after the first deadline."""
    office = api_as("office", OFFICE)
    spec = rehearsal_round(
        f"Rehearsal truth {uuid.uuid4().hex[:6]}",
        advertise_at=-60,
        deadline_at=15,
        second_round_opens_at=17,
        outcomes_at=600,
        second_round_deadline_at=900,
    )
    the_round, placement = await made_round(office, spec)
    clock = clock_of(the_round)
    first, second = clock["deadline_at"], clock["second_round_deadline_at"]
    runtime = portal_stack.runtime

    async with visitor(portal_stack) as http:
        await open_in(http, placement, first)
        page = text_of(await read(http, f"/placements/{placement['id']}"))
        assert page.index("Applications close") < page.index("Outcomes by")
        with clock_at(runtime, first):
            await closed_at(http, placement, first)
            await applicant_told_closed(portal_stack, placement, first)

        async def readvertised() -> bool:
            found = text_of(await read(http, f"/placements/{placement['id']}"))
            return "Advertised again" in found

        await eventually(readvertised, timeout_s=60)
        await open_in(http, placement, second)  # on the portal's own clock
        page = text_of(await read(http, f"/placements/{placement['id']}"))
        assert when.when(first) not in page
        with clock_at(runtime, second):
            await closed_at(http, placement, second)


async def test_r19_the_host_reads_a_place_is_filled_only_once_its_offer_is_accepted(
    portal_stack: PortalStack,
) -> None:
    apps, offers, settings = (
        portal_stack.http["applications"],
        portal_stack.http["offers"],
        portal_stack.settings,
    )
    made = await set_up(apps, settings)
    await close_applications_now(apps, settings, made)
    await wait_forwarded(apps, settings, made)
    ranked = await offers.post(
        f"/v1/placements/{made.placement['id']}/ranking",
        json={"application_ids": [made.applications[ADA]]},
        headers=auth(settings, Role.host, made.host),
    )
    assert ranked.status_code in (200, 201), ranked.text
    await wait_until_status(apps, settings, made.applications[ADA], made.email(ADA), "offered")
    path = f"/host/placements/{made.placement['id']}/offers"

    async with signed_in(portal_stack, made.host) as http:

        async def saying(words: str) -> str | None:
            page = text_of(await read(http, path))
            return page if words in page else None

        page = await eventually(lambda: saying("1 offer waiting for an answer"))
        assert "1 place not yet filled: 1 offer waiting for an answer." in page, page
        assert "Every place is filled" not in page

        accepted = await offers.post(
            f"/v1/offers/{made.applications[ADA]}/accept",
            headers=auth(settings, Role.applicant, made.email(ADA)),
        )
        assert accepted.status_code == 200, accepted.text
        page = await eventually(lambda: saying("Every place is filled."))
        assert "not yet filled" not in page


OUTCOMES = "The outcomes-by date: every applicant has heard by then"


@pytest.mark.parametrize(
    "spec",
    [
        calendar_round(
            "Glance on the calendar", advertising_date=-10, deadline_date=-2, outcomes_by_date=5
        ),
        rehearsal_round("Glance rehearsal", advertise_at=-60, deadline_at=1, outcomes_at=600),
    ],
    ids=["calendar", "rehearsal"],
)
async def test_p7_the_glance_names_as_next_a_step_still_to_come(
    portal_stack: PortalStack, api_as: ApiFactory, spec: dict[str, Any]
) -> None:
    """Past its deadline, nobody having applied, the round's next step is its outcomes-by
    date: the glance says so in the future, and never gives a time passed as "Next"."""
    spec = {**spec, "name": f"{spec['name']} {uuid.uuid4().hex[:6]}"}
    the_round, _ = await made_round(api_as("office", OFFICE), spec)
    outcomes = clock_of(the_round)["outcomes_at"]
    path = f"/office/rounds/{the_round['id']}/glance"

    async with signed_in(portal_stack, OFFICE) as http:

        async def next_step() -> str | None:
            said = text_of(await read(http, path))
            return said if "outcomes-by" in said else None

        said = await eventually(next_step, timeout_s=60)
        assert f"Next: {OUTCOMES}, at {when.when(outcomes)}." in said, said
        assert "by now" not in said
    # A minute after the outcomes-by date, the workflow not there yet (a worker behind,
    # say): the step is under way, not next.
    with clock_at(portal_stack.runtime, outcomes + timedelta(minutes=1)):
        async with signed_in(portal_stack, OFFICE) as http:
            said = text_of(await read(http, path))
    assert "Next:" not in said
    assert f"Under way: {OUTCOMES}, due at {when.when(outcomes)}." in said, said


@pytest.mark.parametrize(
    "now", [datetime(2026, 12, 5, tzinfo=UTC), datetime(2031, 3, 1, tzinfo=UTC)]
)
def test_the_round_forms_hints_give_examples_of_the_current_year(now: datetime) -> None:
    year = now.year
    context = {"now": now, "form": {}, "errors": FormErrors()}
    dates = text_of(templates.get_template("office/_round_dates.html").render(context))
    weeks = text_of(templates.get_template("office/_round_weeks.html").render(context))
    assert f"For example, 13 3 {year}" in dates
    assert f"For example, 29 4 {year}" in dates
    monday = next(date(year, 6, d) for d in range(1, 8) if date(year, 6, d).weekday() == 0)
    assert f"A Monday; the week runs to the Friday. For example, {monday.day} 6 {year}" in weeks
    assert re.findall(r"\b(?:19|20)\d\d\b", dates + weeks) == [str(year)] * 7
