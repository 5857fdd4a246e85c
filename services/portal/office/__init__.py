"""The Internship Office's pages: hosts, rounds and placements (create and change),
rehearsal rounds moved on a step at a time (outside production), the
round at a glance with links into the Temporal web UI (P7), messages, overdue
confirmations and resending (R15, P4), equal-opportunities totals (R9), withdrawals
after acceptance (R23), support sessions (R29), a person's data and their erasure
(issue 23). The router guards every route with `only(Role.office)`: anyone else gets
the 403 page."""

from fastapi import APIRouter

from mip.core.auth import Role
from services.portal.office import (
    equality,
    erasure,
    glance,
    hosts,
    messages,
    pages,
    people,
    placements,
    rehearsals,
    rounds,
    search,
    support,
)
from services.portal.web import only

router = APIRouter(dependencies=[only(Role.office)])
# Rehearsals before rounds: "/rounds/new-rehearsal" is not a round's id.
parts = (
    pages,
    hosts,
    rehearsals,
    rounds,
    placements,
    glance,
    messages,
    equality,
    search,
    support,
    people,
    erasure,
)
for part in parts:
    router.include_router(part.router)

__all__ = ["router"]
