"""Rehearsal rounds, wherever the environment allows them (never production): made by
durations ("applications close in 10 minutes, outcomes 5 minutes later, offers last 15
minutes"), then moved on a step at a time, each step behind a page that asks first.

A rehearsal is advertised as soon as it is made; its one placement week is chosen a week or
more after its last deadline, so that the office need not think about it. Each step moves
its date to now in the applications service, which refuses a step out of order; the round's
workflow takes the step at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.exceptions import HTTPException

from mip.core import when
from mip.core.errors import RemoteProblem
from services.applications.contract import (
    PlacementWeek,
    RehearsalStep,
    Round,
    RoundClock,
    RoundIn,
)
from services.portal.forms import FIRST, FormErrors, Shown, model_errors, problem_errors
from services.portal.reading import Form
from services.portal.web import Portal, Services, render, see_other


def _allowed(portal: Portal) -> None:
    """Rehearsals only where the environment allows them: elsewhere, no such page."""
    if not portal.settings.allows_rehearsals:
        raise HTTPException(404)


router = APIRouter(prefix="/office", dependencies=[Depends(_allowed)])
LONDON = ZoneInfo("Europe/London")
A_WEEK = 7 * 24 * 60
# Each duration the form asks for: its field, what its messages call it, its bounds in
# minutes and the value the form suggests.
DURATIONS = (
    ("closes_in", "the minutes until applications close", 1, A_WEEK, 10),
    ("outcomes_after", "the minutes from then until outcomes are sent", 1, A_WEEK, 5),
    ("offers_last", "the minutes an offer lasts", 1, 2 * A_WEEK, 15),
)
SECOND_ROUND = (
    ("second_opens_after", "the minutes from outcomes until the second round opens", 1, A_WEEK, 5),
    ("second_lasts", "the minutes the second round stays open", 1, A_WEEK, 10),
)
SUGGESTED = {name: str(value) for name, _, _, _, value in DURATIONS + SECOND_ROUND}


@dataclass(frozen=True)
class Step:
    """One of a rehearsal's next steps: the date it moves to now, the date that must have
    passed first, and what the office reads about it."""

    step: RehearsalStep
    slug: str
    action: str
    moves: str
    after: str
    instead_of: str
    what_happens: str
    done: str


STEPS = (
    Step(
        RehearsalStep.close_applications,
        "close-applications",
        "Close applications now",
        "deadline_at",
        "advertise_at",
        "Applications close now, instead of at {at}.",
        "Every application made so far goes to its host, who can then read and rank them. "
        "Nobody can apply after this.",
        "Applications closed. They are on their way to the hosts.",
    ),
    Step(
        RehearsalStep.send_outcomes,
        "send-outcomes",
        "Send outcomes now",
        "outcomes_at",
        "deadline_at",
        "Outcomes are sent now, instead of at {at}.",
        "Applicants who have not been offered a place are told that they were not "
        "successful this time, and hosts can make no new offers from their ranking. Offers "
        "already made stay open until they are accepted, declined or run out.",
        "Outcomes are being sent.",
    ),
    Step(
        RehearsalStep.open_second_round,
        "open-second-round",
        "Open the second round now",
        "second_round_opens_at",
        "deadline_at",
        "The second round opens now, instead of at {at}.",
        "Placements with places still unfilled are advertised again, and people on the "
        "alerts list are told.",
        "The second round is open.",
    ),
    Step(
        RehearsalStep.close_second_round,
        "close-second-round",
        "Close the second round now",
        "second_round_deadline_at",
        "second_round_opens_at",
        "Applications in the second round close now, instead of at {at}.",
        "Every application made in the second round goes to its host. Nobody can apply after this.",
        "The second round closed. Its applications are on their way to the hosts.",
    ),
)
BY_SLUG = {s.slug: s for s in STEPS}


def can_take(step: Step, the_round: Round, now: datetime) -> bool:
    """Whether `step` is one of the round's next steps: a rehearsal's, its date still to
    come and the one before it passed (the service decides; this shows the controls)."""
    at, before = getattr(the_round.clock, step.moves), getattr(the_round.clock, step.after)
    return the_round.rehearsal and before is not None and at is not None and before < now < at


def next_steps(the_round: Round, now: datetime) -> list[Step]:
    """The steps the office can take now on a rehearsal round, in the round's order."""
    return [s for s in STEPS if can_take(s, the_round, now)]


def placement_week(last_deadline: datetime) -> PlacementWeek:
    """The Monday-to-Friday week beginning a week after the Monday that follows the last
    deadline: always after applications close, as a round's weeks must be."""
    day = last_deadline.astimezone(LONDON).date()
    monday = day + timedelta(days=7 - day.weekday() + 7)
    return PlacementWeek(starts_on=monday, ends_on=monday + timedelta(days=4))


def _durations(form: Form) -> tuple[dict[str, int], bool]:
    """The minutes the form gives; and whether it asks for a second round (both its
    durations, or neither)."""
    minutes = {
        name: form.number(name, label, low=low, high=high)
        for name, label, low, high, _ in DURATIONS
    }
    given = [name for name, *_ in SECOND_ROUND if form.get(name)]
    for name, label, low, high, _ in SECOND_ROUND:
        if name in given:
            minutes[name] = form.number(name, label, low=low, high=high)
        else:
            form.values[name] = ""
            if given:
                form.errors.add(name, "Give both second-round times, or neither")
    return minutes, bool(given)


def rehearsal_round(name: str, minutes: dict[str, int], second: bool, now: datetime) -> RoundIn:
    """The round the durations make, advertised from `now`."""
    deadline = now + timedelta(minutes=minutes["closes_in"])
    outcomes = deadline + timedelta(minutes=minutes["outcomes_after"])
    opens = closes = None
    if second:
        opens = outcomes + timedelta(minutes=minutes["second_opens_after"])
        closes = opens + timedelta(minutes=minutes["second_lasts"])
    clock = RoundClock(
        advertise_at=now,
        deadline_at=deadline,
        outcomes_at=outcomes,
        second_round_opens_at=opens,
        second_round_deadline_at=closes,
    )
    return RoundIn(
        name=name,
        weeks=[placement_week(clock.closes_at)],
        clock=clock,
        acceptance_window_seconds=minutes["offers_last"] * 60,
    )


def _new_page(request: Request, shown: Shown) -> HTMLResponse:
    return render(request, "office/rehearsal_new.html", shown.context(), shown.status_code)


@router.get("/rounds/new-rehearsal", response_class=HTMLResponse)
async def new_rehearsal(request: Request) -> HTMLResponse:
    """A rehearsal round's name and durations, the suggested ones filled in."""
    return _new_page(request, Shown({"name": "", **SUGGESTED}))


@router.post("/rounds/new-rehearsal", response_class=HTMLResponse)
async def create_rehearsal(request: Request, services: Services, portal: Portal) -> Response:
    """The rehearsal round, advertised now; on to its page, where it is moved on."""
    form = Form(await request.form())
    name = form.text("name", "the round's name")
    minutes, second = _durations(form)
    errors, status = form.errors, 422
    if not errors:
        try:
            body = rehearsal_round(name, minutes, second, portal.clock())
            created = await services.applications.create_round(body)
        except ValidationError as exc:
            errors = model_errors(exc)
        except RemoteProblem as problem:
            default = "name" if problem.status == 409 else None
            errors, status = problem_errors(problem, default=default), problem.status
        else:
            url = f"/office/rounds/{created.id}"
            return see_other(request, url, flash=f"{created.name} created and advertised")
    return _new_page(request, Shown(form.values, errors, status))


def _step_of(slug: str) -> Step:
    found = BY_SLUG.get(slug)
    if found is None:
        raise HTTPException(404)
    return found


TakenStep = Annotated[Step, Depends(_step_of)]


def _check_page(
    request: Request, the_round: Round, step: Step, now: datetime, shown: Shown = FIRST
) -> HTMLResponse:
    at = getattr(the_round.clock, step.moves)
    context = {
        "round": the_round,
        "step": step,
        "instead_of": step.instead_of.format(at=when.when(at)) if at else "",
        "can_take": can_take(step, the_round, now),
        "why_not": _why_not(step, the_round, now),
        **shown.context(),
    }
    return render(request, "office/rehearsal_step.html", context, shown.status_code)


def _why_not(step: Step, the_round: Round, now: datetime) -> str:
    """Why the step cannot be taken now, in the words the service would use."""
    if not the_round.rehearsal:
        return "This is a real round: its steps happen at its dates."
    at, before = getattr(the_round.clock, step.moves), getattr(the_round.clock, step.after)
    if at is None or before is None:
        return "This round has no second round."
    if at <= now:
        return f"This happened at {when.when(at)}."
    if before >= now:
        return NOT_YET[step.after].format(at=when.when(before))
    return ""


# Why a step must wait, by the date that must pass first.
NOT_YET = {
    "advertise_at": "Not yet: the round is advertised from {at}.",
    "deadline_at": "Not yet: applications are open until {at}. Close applications first.",
    "second_round_opens_at": "Not yet: the second round opens at {at}. Open it first.",
}


@router.get("/rounds/{round_id}/rehearsal/{slug}", response_class=HTMLResponse)
async def check_step(
    request: Request, round_id: UUID, step: TakenStep, services: Services, portal: Portal
) -> HTMLResponse:
    """What the step does, asked before it is taken; why not, when it cannot be."""
    the_round = await services.applications.round(round_id)
    return _check_page(request, the_round, step, portal.clock())


@router.post("/rounds/{round_id}/rehearsal/{slug}", response_class=HTMLResponse)
async def take_step(
    request: Request, round_id: UUID, step: TakenStep, services: Services, portal: Portal
) -> Response:
    """The step, now; back to the round's page, or this page again with the refusal."""
    try:
        await services.applications.take_rehearsal_step(round_id, step.step)
    except RemoteProblem as problem:
        if problem.status == 404:
            raise
        the_round = await services.applications.round(round_id)
        errors = FormErrors.from_problem(problem)
        return _check_page(
            request,
            the_round,
            step,
            portal.clock(),
            Shown(errors=errors, status_code=problem.status),
        )
    return see_other(request, f"/office/rounds/{round_id}", flash=step.done)
