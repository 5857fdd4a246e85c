"""The office's pages (owned by the portal-office helper; portal-core made the landing)."""

from services.portal.office.pages import router

__all__ = ["router"]
