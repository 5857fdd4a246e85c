"""The Internship Office's pages: hosts, rounds and placements (create and change), the
round at a glance with links into the Temporal web UI (P7), messages, overdue
confirmations and resending (R15, P4), equal-opportunities totals (R9), withdrawals
after acceptance (R23) and support sessions (R29). Every route takes the `Office`
dependency: anyone else gets the 403 page."""

from fastapi import APIRouter

from services.portal.office import (
    equality,
    glance,
    hosts,
    messages,
    pages,
    placements,
    rounds,
    search,
    support,
)

router = APIRouter()
for part in (pages, hosts, rounds, placements, glance, messages, equality, search, support):
    router.include_router(part.router)

__all__ = ["router"]
