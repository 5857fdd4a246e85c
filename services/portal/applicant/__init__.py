"""The applicant's pages (owned by the portal-applicant helper; portal-core made the landing)."""

from services.portal.applicant.pages import router

__all__ = ["router"]
