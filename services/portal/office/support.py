"""Support sessions (R29): the office adds 15-minute one-to-one sessions, sees who booked
each, changes one and cancels one. Whoever booked a session the office changes or cancels
is emailed by the applications service; cancelling is asked for twice, on a page that
says who will be told."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from mip.core import when
from mip.core.errors import RemoteProblem
from services.applications.client import OfficeSlot, SlotChangeIn, SlotsIn
from services.portal.forms import FIRST, FormErrors, Shown, model_errors, problem_errors
from services.portal.reading import Form, date_boxes
from services.portal.web import Services, render, see_other

router = APIRouter(prefix="/office")
LONDON = ZoneInfo("Europe/London")
SESSION = timedelta(minutes=15)
MOST_AT_ONCE = 32  # eight hours of sessions
# The service's names for the form's fields, for its messages to land beside them: it
# names a time it refuses by its place in the list ("starts_at.3"), up to 200 at once.
FIELDS = {"starts_at": "start_time", **{f"starts_at.{i}": "start_time" for i in range(200)}}


def _who(slot: OfficeSlot) -> str | None:
    """Who booked `slot`, as the office would say it: their name, else their address."""
    if slot.booked_by is None:
        return None
    return slot.booked_by.name or slot.booked_by.email


def _read(form: Form, *, many: bool) -> tuple[datetime | None, str, str]:
    """The first (or only) session's start in UK time, the adviser and the place."""
    day = form.day("day", "the day of the sessions" if many else "the day of the session")
    at = form.time("start_time", "the start time")
    adviser = form.text("adviser_name", "the adviser's name")
    place = "where the sessions take place" if many else "where the session takes place"
    location = form.text("location", place)
    starts = _at(day, at) if day is not None and at is not None else None
    return starts, adviser, location


def _at(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=LONDON)


def _form_of(slot: OfficeSlot) -> dict[str, Any]:
    starts = slot.starts_at.astimezone(LONDON)
    return {
        "day": date_boxes(starts.date()),
        "start_time": when.clock(starts),
        "adviser_name": slot.adviser_name,
        "location": slot.location,
    }


@router.get("/support", response_class=HTMLResponse)
async def sessions(request: Request, services: Services) -> HTMLResponse:
    """R29: the sessions not yet over, with who booked each."""
    slots = await services.applications.office_support_slots()
    booked = sum(s.booked_by is not None for s in slots)
    return render(request, "office/support.html", {"slots": slots, "booked": booked, "who": _who})


def _new_page(request: Request, shown: Shown) -> HTMLResponse:
    context = {**shown.context(), "most": MOST_AT_ONCE}
    return render(request, "office/support_new.html", context, shown.status_code)


@router.get("/support/new", response_class=HTMLResponse)
async def new_sessions(request: Request) -> HTMLResponse:
    """R29: add sessions, one after another, with one adviser in one place."""
    return _new_page(request, Shown({"count": "1"}))


@router.post("/support/new", response_class=HTMLResponse)
async def add_sessions(request: Request, services: Services) -> Response:
    """R29: the sessions are published at once; a time that already has a session is named
    on the form rather than passed over."""
    form = Form(await request.form())
    starts, adviser, location = _read(form, many=True)
    count = form.number("count", "the number of sessions", low=1, high=MOST_AT_ONCE)
    if form.errors or starts is None:
        return _new_page(request, Shown(form.values, form.errors, 422))
    times = [starts + SESSION * i for i in range(count)]
    held = {s.starts_at: s for s in await services.applications.office_support_slots()}
    taken = [t for t in times if t in held]
    if taken:
        there = held[taken[0]]
        message = (
            f"There is already a session at {when.when(there.starts_at)}, with "
            f"{there.adviser_name}. Choose another start time, or add fewer sessions."
        )
        return _new_page(request, Shown(form.values, FormErrors({"start_time": message}), 409))
    try:
        body = SlotsIn(starts_at=times, adviser_name=adviser, location=location)
        added = await services.applications.publish_support_slots(body)
    except ValidationError as exc:
        return _new_page(request, Shown(form.values, model_errors(exc, FIELDS), 422))
    except RemoteProblem as problem:
        errors = problem_errors(problem, FIELDS, shown=(409, 422))
        return _new_page(request, Shown(form.values, errors, problem.status))
    first = when.when(added[0].starts_at)
    if len(added) == 1:
        flash = f"You added a support session at {first}."
    else:
        flash = f"You added {len(added)} support sessions, the first at {first}."
    return see_other(request, "/office/support", flash=flash)


def _change_page(request: Request, slot: OfficeSlot, shown: Shown) -> HTMLResponse:
    context = {"slot": slot, "who": _who(slot), **shown.context()}
    return render(request, "office/support_change.html", context, shown.status_code)


@router.get("/support/{slot_id}", response_class=HTMLResponse)
async def edit_session(request: Request, slot_id: UUID, services: Services) -> HTMLResponse:
    """R29: change a session's time, adviser or place."""
    slot = await services.applications.support_slot(slot_id)
    return _change_page(request, slot, Shown(_form_of(slot)))


@router.post("/support/{slot_id}", response_class=HTMLResponse)
async def change_session(request: Request, slot_id: UUID, services: Services) -> Response:
    """R29: whoever booked the session is emailed the change by the service."""
    slot = await services.applications.support_slot(slot_id)
    form = Form(await request.form())
    starts, adviser, location = _read(form, many=False)
    if form.errors or starts is None:
        return _change_page(request, slot, Shown(form.values, form.errors, 422))
    try:
        body = SlotChangeIn(starts_at=starts, adviser_name=adviser, location=location)
        changed = await services.applications.change_support_slot(slot_id, body)
    except ValidationError as exc:
        return _change_page(request, slot, Shown(form.values, model_errors(exc, FIELDS), 422))
    except RemoteProblem as problem:
        errors = problem_errors(problem, FIELDS, shown=(409, 422))
        return _change_page(request, slot, Shown(form.values, errors, problem.status))
    same = (slot.starts_at, slot.adviser_name, slot.location) == (
        changed.starts_at,
        changed.adviser_name,
        changed.location,
    )
    who = _who(changed)
    if same:
        flash = "You did not change anything."
    elif who:
        flash = f"The session is now at {when.when(changed.starts_at)}. We emailed {who}."
    else:
        flash = f"The session is now at {when.when(changed.starts_at)}."
    return see_other(request, "/office/support", flash=flash)


def _cancel_page(request: Request, slot: OfficeSlot, shown: Shown = FIRST) -> HTMLResponse:
    context = {"slot": slot, "who": _who(slot), **shown.context()}
    return render(request, "office/support_cancel.html", context, shown.status_code)


@router.get("/support/{slot_id}/cancel", response_class=HTMLResponse)
async def check_cancel(request: Request, slot_id: UUID, services: Services) -> HTMLResponse:
    """R29: are you sure? It says who booked the session and will be emailed."""
    slot = await services.applications.support_slot(slot_id)
    return _cancel_page(request, slot)


@router.post("/support/{slot_id}/cancel", response_class=HTMLResponse)
async def cancel_session(request: Request, slot_id: UUID, services: Services) -> Response:
    """R29: cancelled; whoever had booked it is emailed by the service, once."""
    try:
        cancelled = await services.applications.cancel_support_slot(slot_id)
    except RemoteProblem as problem:
        if problem.status == 404:  # e.g. "Yes" pressed twice
            gone = "That session is not there any more; it may have been cancelled already."
            return see_other(request, "/office/support", flash=gone)
        if problem.status != 409:
            raise
        slot = await services.applications.support_slot(slot_id)
        return _cancel_page(
            request, slot, Shown(errors=FormErrors.from_problem(problem), status_code=409)
        )
    at = when.when(cancelled.starts_at)
    who = _who(cancelled)
    told = f" We emailed {who} to say so." if who else ""
    return see_other(request, "/office/support", flash=f"You cancelled the session at {at}.{told}")
