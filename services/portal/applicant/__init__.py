"""The applicant's pages: profile and eligibility (R6-R9), applying (R10-R14), applications
and their timelines (P6), offers (R19, R20), withdrawing (R12, R23), support sessions
(R29) and expense claims (R24-R28, P5). One router, from one module per part."""

from fastapi import APIRouter

from mip.core.auth import Role
from services.portal.applicant import (
    applications,
    applying,
    claim_lines,
    claims,
    offers,
    pages,
    profile,
    support,
)
from services.portal.web import only

router = APIRouter(dependencies=[only(Role.applicant)])
for part in (pages, profile, applying, applications, offers, support, claims, claim_lines):
    router.include_router(part.router)

__all__ = ["router"]
