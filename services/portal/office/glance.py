"""A round at a glance (P7): per placement and in total, its applications by state and its
offers, with links that open the Temporal web UI already filtered to the round's
workflows; the withdrawals after acceptance the office is told of (R23)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from urllib.parse import quote, urlencode
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from services.applications.contract import Round
from services.portal.contract import PageName
from services.portal.office.labels import APPLICATION_STATES, STEPS
from services.portal.web import Portal, Services, render
from workflows.search import APPLICATION_STATUS, PLACEMENT_ID, ROUND_ID

router = APIRouter(prefix="/office")


@router.get("/rounds/{round_id}/glance", response_class=HTMLResponse)
async def round_at_a_glance(
    request: Request, round_id: UUID, services: Services, portal: Portal
) -> HTMLResponse:
    """P7 (and P1): applications per placement and state, offers open, accepted, declined,
    lapsed, withdrawn after acceptance and places unfilled, with each row's workflows one
    click away in the Temporal web UI, filtered by `RoundId`."""
    view = await services.offers.round_view(round_id)
    now = portal.clock()
    the_round = await services.applications.round(round_id)  # a rehearsal says so
    if view.next_at is None:  # the round's workflow did not answer: its own dates say
        step, at = _next_date(the_round, now)
        view = view.model_copy(update={"next_step": step, "next_at": at})
    by_placement = await services.applications.application_counts(round_id)
    states: Counter[str] = Counter()
    for counts in by_placement.values():
        states.update(counts)
    base = str(portal.config.temporal_ui_url)
    namespace = portal.settings.temporal_namespace
    rid = str(round_id)

    def link(**more: str) -> str:
        return workflows_link(base, namespace, **{ROUND_ID.name: rid, **more})

    context = {
        "round": the_round,
        "view": view,
        "step": STEPS.get(view.next_step or "", view.next_step),
        # The workflow is taking a step whose time has come (or its worker is behind).
        "under_way": view.next_at is not None and view.next_at <= now,
        "round_link": link(),
        "placement_links": {
            str(line.placement_id): link(**{PLACEMENT_ID.name: str(line.placement_id)})
            for line in view.placements
        },
        "states": [
            (APPLICATION_STATES.get(state, state), count, link(**{APPLICATION_STATUS.name: state}))
            for state, count in sorted(states.items(), key=lambda item: _order(item[0]))
        ],
    }
    return render(request, "office/glance.html", context)


def workflows_link(base: str, namespace: str, **attributes: str) -> str:
    """The Temporal UI's workflow list already filtered by a visibility query on search
    attributes, e.g. `RoundId="…" AND ApplicationStatus="offered"` (P1, P7)."""
    query = " AND ".join(f'{name}="{value}"' for name, value in attributes.items())
    params = urlencode({"query": query}, quote_via=quote)
    return f"{base.rstrip('/')}/namespaces/{quote(namespace, safe='')}/workflows?{params}"


# The round's dates and the step each starts (RoundWorkflow's order).
CLOCK_STEPS = (
    ("advertise_at", "advertise"),
    ("deadline_at", "forward_first"),
    ("outcomes_at", "outcomes"),
    ("second_round_opens_at", "open_second_round"),
    ("second_round_deadline_at", "forward_second"),
)


def _next_date(the_round: Round, now: datetime) -> tuple[str | None, datetime | None]:
    """The first of the round's dates still to come, and the step it starts."""
    to_come = [
        (at, step)
        for name, step in CLOCK_STEPS
        if (at := getattr(the_round.clock, name)) is not None and at > now
    ]
    if not to_come:
        return None, None
    at, step = min(to_come)
    return step, at


def _order(state: str) -> int:
    known = list(APPLICATION_STATES)
    return known.index(state) if state in known else len(known)


@router.get(
    "/rounds/{round_id}/withdrawals", name=PageName.office_withdrawals, response_class=HTMLResponse
)
async def withdrawals(request: Request, round_id: UUID, services: Services) -> HTMLResponse:
    """R23: who withdrew after accepting, from which placement, when and why."""
    the_round = await services.applications.round(round_id)
    found = await services.offers.withdrawals(round_id)
    titles = {p.id: p.title for p in await services.applications.round_placements(round_id)}
    context = {"round": the_round, "withdrawals": found, "titles": titles}
    return render(request, "office/withdrawals.html", context)
