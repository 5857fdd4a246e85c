"""The office answers a subject access request (issue 23 item 3): the same archive a
person downloads for themselves, for the address the request came from.

GET  /office/people/data   the form asking for the address
POST /office/people/data   the archive, or the form again naming what is wrong
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from mip.core.auth import valid_address
from services.portal import archive
from services.portal.forms import FormErrors
from services.portal.reading import Form
from services.portal.web import Services, render
from services.portal.your_data import zip_response

router = APIRouter(prefix="/office/people")
BAD_ADDRESS = "Enter an email address in the correct format, like name@example.org"
NOTHING = (
    "The programme holds nothing about {}. Check the address; if it is right, tell the "
    "person that nothing is held about them"
)


def _page(request: Request, email: str, errors: FormErrors, status: int) -> HTMLResponse:
    context = {"form": {"email": email}, "errors": errors}
    return render(request, "office/person_data.html", context, status)


@router.get("/data", response_class=HTMLResponse)
async def ask(request: Request) -> HTMLResponse:
    return _page(request, "", FormErrors(), 200)


@router.post("/data", response_class=HTMLResponse)
async def produce(request: Request, services: Services) -> Response:
    """Posted, not a link: the address stays out of the address bar and the access log."""
    typed = Form(await request.form()).get("email")
    try:
        address = valid_address(typed)
    except ValueError:
        return _page(request, typed, FormErrors({"email": BAD_ADDRESS}), 422)
    found = await archive.held(services, address)
    if found.empty:
        # Most often a mistyped address; if not, the answer to the request is "nothing".
        return _page(request, typed, FormErrors({"email": NOTHING.format(address)}), 422)
    return zip_response(await archive.archive(services, found), address)
