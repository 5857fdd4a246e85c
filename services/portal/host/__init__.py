"""The host's pages (owned by the portal-host helper; portal-core made the landing)."""

from services.portal.host.pages import router

__all__ = ["router"]
