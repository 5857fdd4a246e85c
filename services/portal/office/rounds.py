"""Rounds: created with the programme's calendar as dates (R2, R3), each with its page;
changed on two pages, one for its dates and one for its weeks and limits, since each has
its own rule about what may still move."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from mip.core import when
from mip.core.errors import RemoteProblem
from services.applications.contract import (
    PlacementWeek,
    Round,
    RoundDatesIn,
    RoundIn,
    RoundSettingsIn,
)
from services.portal.forms import FIRST, Shown, model_errors, problem_errors
from services.portal.office import rehearsals
from services.portal.office.labels import MODES, locked_because
from services.portal.reading import Form, date_boxes
from services.portal.web import Portal, Services, render, see_other

router = APIRouter(prefix="/office")
LONDON = ZoneInfo("Europe/London")
DATES = (
    ("advertising_date", "the advertising date"),
    ("deadline_date", "the application deadline"),
    ("outcomes_by_date", "the outcomes-by date"),
)
SECOND = (
    ("second_round_opens_on", "the day the second round opens"),
    ("second_round_closes_on", "the second round's deadline"),
)
# The service's names for the form's date fields, for its messages to land beside them.
FIELD_OF = {
    "advertise_at": "advertising_date",
    "deadline_at": "deadline_date",
    "outcomes_at": "outcomes_by_date",
    "second_round_opens_at": "second_round_opens_on",
    "second_round_deadline_at": "second_round_closes_on",
    "weeks": "week_1",
    "weeks.0": "week_1",
    "weeks.1": "week_2",
}


def _weeks(form: Form) -> list[PlacementWeek]:
    """R2: one or two Monday-to-Friday weeks."""
    weeks = []
    for name, label, required in (
        ("week_1", "the Monday of the first placement week", True),
        ("week_2", "the Monday of the second placement week", False),
    ):
        monday = form.day(name, label, required=required)
        if monday is None:
            continue
        if monday.weekday() != 0:
            form.errors.add(name, f"A placement week starts on a Monday; {when.day(monday)} is not")
            continue
        weeks.append(PlacementWeek(starts_on=monday, ends_on=monday + timedelta(days=4)))
    if len(weeks) == 2 and weeks[0].starts_on == weeks[1].starts_on:
        form.errors.add("week_2", "The second week must be another week than the first")
    return weeks


def _dates(form: Form) -> dict[str, date | None]:
    """R3: the three dates of the round, and the second round's two (both or neither)."""
    found: dict[str, date | None] = {name: form.day(name, label) for name, label in DATES}
    for name, label in SECOND:
        found[name] = form.day(name, label, required=False)
    opens, closes = found["second_round_opens_on"], found["second_round_closes_on"]
    if (opens is None) != (closes is None) and not form.errors:
        missing = "second_round_closes_on" if closes is None else "second_round_opens_on"
        form.errors.add(missing, "Give both second-round dates, or neither")
    return found


def _limits(form: Form) -> dict[str, int]:
    return {
        "applications_per_applicant": form.number(
            "applications_per_applicant", "the applications each person may make", low=1, high=10
        ),
        "second_round_applications_per_applicant": form.number(
            "second_round_applications_per_applicant",
            "the applications each person may make in the second round",
            low=1,
            high=10,
        ),
        "statement_word_limit": form.number(
            "statement_word_limit", "the word limit of a statement", low=50, high=2000
        ),
        "cv_page_limit": form.number("cv_page_limit", "the pages of a CV", low=1, high=20),
    }


def _london_day(the_round: Round, name: str) -> date | None:
    moment = getattr(the_round.clock, name)
    return moment.astimezone(LONDON).date() if moment is not None else None


def _form_of(the_round: Round) -> dict[str, Any]:
    """The round as its change forms show it, every date the London day."""
    weeks = [w.starts_on for w in the_round.weeks]
    values: dict[str, Any] = {
        "week_1": date_boxes(weeks[0] if weeks else None),
        "week_2": date_boxes(weeks[1] if len(weeks) > 1 else None),
        "applications_per_applicant": the_round.applications_per_applicant,
        "second_round_applications_per_applicant": (
            the_round.second_round_applications_per_applicant
        ),
        "statement_word_limit": the_round.statement_word_limit,
        "cv_page_limit": the_round.cv_page_limit,
    }
    for field, form_field in FIELD_OF.items():
        if field.endswith("_at"):
            values[form_field] = date_boxes(_london_day(the_round, field))
    return values


def _render(
    request: Request,
    template: str,
    shown: Shown,
    the_round: Round | None = None,
    locked: str | None = None,
) -> HTMLResponse:
    context = {**shown.context(), "round": the_round, "locked": locked}
    return render(request, template, context, shown.status_code)


async def _change(
    request: Request,
    form: Form,
    the_round: Round,
    template: str,
    send: Callable[[], Awaitable[None]],
    flash: str,
) -> Response:
    """Send a change to `the_round` unless the form has errors: back to the round's page
    with `flash`, or the form again with what was wrong (the service's refusal included)."""
    errors, status_code = form.errors, 422
    if not errors:
        try:
            await send()
        except RemoteProblem as problem:
            errors, status_code = problem_errors(problem, FIELD_OF), problem.status
        else:
            return see_other(request, f"/office/rounds/{the_round.id}", flash=flash)
    return _render(request, template, Shown(form.values, errors, status_code), the_round)


@router.get("/rounds", response_class=HTMLResponse)
async def round_list(request: Request, services: Services, portal: Portal) -> HTMLResponse:
    """R2, R3: every round with its dates, in London time; a rehearsal round can be made
    where the environment allows it."""
    rounds = await services.applications.rounds()
    context = {"rounds": rounds, "rehearsals": portal.settings.allows_rehearsals}
    return render(request, "office/rounds.html", context)


@router.get("/rounds/new", response_class=HTMLResponse)
async def new_round(request: Request) -> HTMLResponse:
    """R2, R3, R4: a round's name, weeks and dates."""
    return _render(request, "office/round_new.html", FIRST)


@router.post("/rounds/new", response_class=HTMLResponse)
async def create_round(request: Request, services: Services) -> Response:
    """R2, R3, R4: create the round; it is advertised from midnight of its advertising
    date, closes at midday on its deadline, and its workflow keeps its dates."""
    form = Form(await request.form())
    name = form.text("name", "the round's name")
    weeks = _weeks(form)
    dates = _dates(form)
    errors, status_code = form.errors, 422
    if not errors:
        try:
            body = RoundIn(name=name, weeks=weeks, **dates)
            created = await services.applications.create_round(body)
        except ValidationError as exc:
            errors = model_errors(exc, FIELD_OF)
        except RemoteProblem as problem:
            default = "name" if problem.status == 409 else None
            errors, status_code = problem_errors(problem, FIELD_OF, default), problem.status
        else:
            url = f"/office/rounds/{created.id}"
            return see_other(request, url, flash=f"{created.name} created")
    template = "office/round_new.html"
    return _render(request, template, Shown(form.values, errors, status_code))


@router.get("/rounds/{round_id}", response_class=HTMLResponse)
async def round_page(
    request: Request, round_id: UUID, services: Services, portal: Portal
) -> HTMLResponse:
    """R1-R4: the round's dates and weeks, its limits, and its placements; a rehearsal's
    next steps, each a link to the page that asks before taking it."""
    the_round = await services.applications.round(round_id)
    placements = await services.applications.round_placements(round_id)
    context = {
        "round": the_round,
        "placements": placements,
        "modes": MODES,
        "window": _acceptance_window(the_round),
        "steps": rehearsals.next_steps(the_round, portal.clock()),
    }
    return render(request, "office/round.html", context)


def _acceptance_window(the_round: Round) -> str:
    """ "two days", or "90 seconds (a rehearsal)": said as the offer e-mails say it."""
    if the_round.acceptance_window_seconds:
        span = timedelta(seconds=the_round.acceptance_window_seconds)
        return f"{when.duration(span)} (a rehearsal)"
    return when.duration(timedelta(hours=the_round.acceptance_window_hours))


@router.get("/rounds/{round_id}/dates", response_class=HTMLResponse)
async def edit_dates(request: Request, round_id: UUID, services: Services) -> Response:
    """R3: move the round's dates still to come."""
    the_round = await services.applications.round(round_id)
    return _render(request, "office/round_dates.html", Shown(_form_of(the_round)), the_round)


@router.post("/rounds/{round_id}/dates", response_class=HTMLResponse)
async def update_dates(request: Request, round_id: UUID, services: Services) -> Response:
    """R3: the new dates reach the round's workflow; a date that has passed cannot move
    (the service's 409 names it)."""
    the_round = await services.applications.round(round_id)
    form = Form(await request.form())
    dates = _dates(form)

    async def send() -> None:
        body = RoundDatesIn.model_validate(dates)
        await services.applications.reschedule_round_dates(round_id, body)

    template, flash = "office/round_dates.html", "The round's dates changed"
    return await _change(request, form, the_round, template, send, flash)


@router.get("/rounds/{round_id}/settings", response_class=HTMLResponse)
async def edit_settings(
    request: Request, round_id: UUID, services: Services, portal: Portal
) -> Response:
    """R2, R12, R13, R11: the round's weeks and limits, until the first application."""
    the_round = await services.applications.round(round_id)
    counts = await services.applications.application_counts(round_id)
    locked = locked_because(the_round, counts, portal.clock(), "the round's weeks and limits")
    shown = Shown(_form_of(the_round))
    return _render(request, "office/round_settings.html", shown, the_round, locked)


@router.post("/rounds/{round_id}/settings", response_class=HTMLResponse)
async def update_settings(request: Request, round_id: UUID, services: Services) -> Response:
    """R2, R12, R13, R11: changed only until the first application or the deadline; a
    refusal says why."""
    the_round = await services.applications.round(round_id)
    form = Form(await request.form())
    weeks = _weeks(form)
    limits = _limits(form)

    async def send() -> None:
        body = RoundSettingsIn(weeks=weeks, **limits)
        await services.applications.update_round(round_id, body)

    template, flash = "office/round_settings.html", "The round's weeks and limits changed"
    return await _change(request, form, the_round, template, send, flash)
