"""Pages anyone may read: the programme, the advertised placements, the alerts list."""

from services.portal.public.pages import router

__all__ = ["router"]
