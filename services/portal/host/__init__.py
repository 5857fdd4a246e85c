"""The host's pages (issue 14, item 3): their placements; after the deadline the
applications forwarded to them with statements and CVs as hosts receive them (R11, R16);
marks and the ranking, sent once after a look at whoever it leaves out (R17, R18, P2);
the offers and their state (R19); expense claims decided line by line, questions and
payment (R24-R28, P5). A host sees only their own: anything else is a 403 page."""

from __future__ import annotations

from fastapi import APIRouter

from mip.core.auth import Role
from services.portal.host import claim_steps, claims, placements, ranking
from services.portal.web import only

router = APIRouter(tags=["host"], dependencies=[only(Role.host)])
for part in (placements, ranking, claims, claim_steps):
    router.include_router(part.router)
