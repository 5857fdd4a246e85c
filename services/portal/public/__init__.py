"""Pages anyone may read: the programme, the advertised placements, the alerts list."""

from fastapi import APIRouter

from services.portal.public import alerts, pages

router = APIRouter()
for part in (pages, alerts):
    router.include_router(part.router)

__all__ = ["router"]
