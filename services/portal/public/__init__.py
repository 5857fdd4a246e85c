"""Pages anyone may read: the programme, the advertised placements, the alerts list, the
privacy notice."""

from fastapi import APIRouter

from services.portal.public import alerts, pages, privacy

router = APIRouter()
for part in (pages, alerts, privacy):
    router.include_router(part.router)

__all__ = ["router"]
