"""Sign-in and sign-out pages.

GET  /sign-in            the address form
POST /sign-in            rate limited per client and per address; the same answer for
                         every address: a 303 to /sign-in/sent
GET  /sign-in/link       from the e-mail: a "Sign in" button (a mail scanner that opens
                         the link does not spend it), or "this link has expired"
POST /sign-in/link       spends the link, starts the session, goes to the person's pages
POST /sign-out           ends the session server-side and clears the cookie
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from mip.core.auth import valid_address
from services.portal import csrf, session
from services.portal.contract import PageName
from services.portal.forms import FormErrors
from services.portal.signin import service
from services.portal.web import Portal, render, see_other

router = APIRouter()
TokenText = Annotated[str, Query(max_length=200)]


@router.get("/sign-in", name=PageName.sign_in, response_class=HTMLResponse)
async def sign_in_form(
    request: Request,
    next: Annotated[str | None, Query(max_length=500)] = None,
    email: Annotated[str, Query(max_length=320)] = "",
) -> HTMLResponse:
    """The address form; from a link in an e-mail, filled in with whom it was for, and
    remembering the page to come back to (a page of this site only)."""
    context = {"form": {"email": service.prefill(email)}, "next": service.safe_next(next)}
    return render(request, "signin/ask.html", context)


@router.post("/sign-in", response_model=None)
async def ask_for_link(
    request: Request,
    runtime: Portal,
    email: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=500)] = "",
) -> HTMLResponse | RedirectResponse:
    back_to = service.safe_next(next)
    try:
        address = valid_address(email.strip())
    except ValueError:
        errors = FormErrors(
            {"email": "Enter an email address in the correct format, like name@example.org"}
        )
        context = {"form": {"email": email}, "errors": errors, "next": back_to}
        return render(request, "signin/ask.html", context, 422)
    runtime.per_client.hit(request.client.host if request.client else "unknown", "sign in")
    runtime.per_address.hit(service.mailbox(address), "sign in with this address")
    service.ask(runtime, address, back_to)
    return see_other(request, "/sign-in/sent")


@router.get("/sign-in/sent", response_class=HTMLResponse)
async def link_sent(request: Request, runtime: Portal) -> HTMLResponse:
    minutes = runtime.config.link_ttl_s // 60
    return render(request, "signin/sent.html", {"minutes": minutes})


@router.get("/sign-in/link", name=PageName.sign_in_link, response_class=HTMLResponse)
async def open_link(
    request: Request, runtime: Portal, token: TokenText = "", next: str | None = None
) -> HTMLResponse:
    address = await service.usable(runtime, token) if token else None
    if address is None:
        return render(request, "signin/expired.html", status_code=410)
    context = {"token": token, "next": service.safe_next(next) or "", "address": address}
    return render(request, "signin/confirm.html", context)


@router.post("/sign-in/link", response_model=None)
async def use_link(
    request: Request,
    runtime: Portal,
    token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "",
) -> HTMLResponse | RedirectResponse:
    person = await service.use(runtime, token) if token else None
    if person is None:
        return render(request, "signin/expired.html", status_code=410)
    cookie = await session.start(runtime, person)
    # A new CSRF secret too: nothing a page showed before signing in works after it.
    csrf.renew(request)
    response = see_other(
        request, service.safe_next(next) or f"/{person.role.value}", flash="You are signed in"
    )
    session.set_cookie(runtime, response, cookie)
    return response


@router.post("/sign-out")
async def sign_out(request: Request, runtime: Portal) -> RedirectResponse:
    await session.end(runtime, request.cookies.get(session.COOKIE))
    csrf.renew(request)
    response = see_other(request, "/", flash="You have signed out")
    session.clear_cookie(runtime, response)
    return response
