"""Subject access in the portal (issue 23 item 3): a signed-in applicant or host
downloads everything MIP holds about them as one archive (archive.py).

GET /your-data               what the archive holds, and the button that downloads it
GET /your-data/archive.zip   the archive

The office has its own page for anyone's (office/people.py): its own data is not
personal data of the programme's, and an office address is never an applicant's.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse

from mip.core.auth import Role
from services.portal import archive
from services.portal.errors import WrongRole
from services.portal.session import Person
from services.portal.web import Services, Viewer, render


async def _applicant_or_host(me: Viewer) -> Person:
    if me.role is Role.office:
        raise WrongRole(needed=Role.applicant, has=me.role)
    return me


Me = Annotated[Person, Depends(_applicant_or_host)]
router = APIRouter(prefix="/your-data")


@router.get("", response_class=HTMLResponse)
async def page(request: Request, me: Me) -> HTMLResponse:
    home = "/applicant" if me.role is Role.applicant else "/host"
    return render(request, "your_data.html", {"me": me, "home": home})


@router.get("/archive.zip")
async def download(me: Me, services: Services) -> Response:
    found = await archive.held(services)
    return zip_response(await archive.archive(services, found), me.email)


def zip_response(content: bytes, email: str) -> Response:
    """Personal data: saved, never shown in the page, never kept by a shared cache."""
    headers = {
        "Content-Disposition": f'attachment; filename="{archive.archive_name(email)}"',
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
    }
    return Response(content, media_type="application/zip", headers=headers)
