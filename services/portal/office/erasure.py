"""The office erases one person at their request (issue 23 item 4).

GET  /office/people/erase           the form asking for the address
POST /office/people/erase           the check page: what will be erased, what kept and why
POST /office/people/erase/confirm   erased: what went, what was kept and why

The check page reads what each service holds (the same answers as the person's archive),
so the office sees what it is about to erase before it does. Confirming signs the person
out of the portal and starts their ErasureWorkflow, which ends their applications as a
withdrawal would and asks every service to forget them; asked twice it is one erasure.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from mip.core.access import Row
from mip.core.auth import valid_address
from mip.core.erasure import Kept
from services.applications.contract import HOSTS_KEPT
from services.expenses.contract import PAID_KEPT
from services.portal import archive
from services.portal.forms import FormErrors
from services.portal.reading import Form
from services.portal.signin import repository as signin
from services.portal.web import Portal, Services, render

router = APIRouter(prefix="/office/people")
BAD_ADDRESS = "Enter an email address in the correct format, like name@example.org"
NOTHING = "The programme holds nothing about {}. Check the address"


@dataclass(frozen=True)
class Line:
    """One kind of row on the check page, and how many the services hold."""

    label: str
    count: int


def _ask(request: Request, email: str, errors: FormErrors, status: int) -> HTMLResponse:
    context = {"form": {"email": email}, "errors": errors}
    return render(request, "office/erase_ask.html", context, status)


def _address(typed: str) -> str | None:
    try:
        return valid_address(typed)
    except ValueError:
        return None


@router.get("/erase", response_class=HTMLResponse)
async def ask(request: Request) -> HTMLResponse:
    return _ask(request, "", FormErrors(), 200)


@router.post("/erase", response_class=HTMLResponse)
async def check(request: Request, services: Services) -> HTMLResponse:
    """Posted, not a link: the address stays out of the address bar and the access log."""
    typed = Form(await request.form()).get("email")
    address = _address(typed)
    if address is None:
        return _ask(request, typed, FormErrors({"email": BAD_ADDRESS}), 422)
    found = await archive.held(services, address)
    if found.empty:
        return _ask(request, typed, FormErrors({"email": NOTHING.format(address)}), 422)
    context = {"email": address, "lines": _lines(found), "kept": _kept(found)}
    return render(request, "office/erase_check.html", context)


@router.post("/erase/confirm", response_class=HTMLResponse)
async def confirm(request: Request, services: Services, portal: Portal) -> HTMLResponse:
    typed = Form(await request.form()).get("email")
    address = _address(typed)
    if address is None:
        return _ask(request, typed, FormErrors({"email": BAD_ADDRESS}), 422)
    # The portal's own rows first: the person is signed out before anything else goes.
    await signin.forget(portal.pool, address)
    state = await services.applications.erase_person(address)
    context = {
        "email": address,
        "state": state,
        "kept": state.outcome.kept if state.outcome else [],
    }
    return render(request, "office/erase_done.html", context)


def _lines(found: archive.Held) -> list[Line]:
    apps, offers = found.applications, found.offers
    lines = [
        Line("Profile", len(apps.profile)),
        Line("Equal-opportunities answers", len(apps.equal_opportunities)),
        Line("Applications, statements and their history", len(apps.applications)),
        Line("CVs", len(apps.cvs)),
        Line("Support sessions booked", len(apps.support_bookings)),
        Line("Offers, acceptances and hosts' marks", len(offers.offers) + len(offers.marks)),
        Line("Expense claims not paid", sum(not _paid(c) for c in found.expenses.claims)),
        Line("Emails sent to them", len(found.notifications.messages)),
        Line("Alerts list", len(found.notifications.alert_subscriptions)),
    ]
    return [line for line in lines if line.count]


def _kept(found: archive.Held) -> list[Kept]:
    kept = []
    if any(_paid(c) for c in found.expenses.claims):
        kept.append(PAID_KEPT)
    if found.applications.hosts:
        kept.append(HOSTS_KEPT)
    return kept


def _paid(claim: Row) -> bool:
    return claim.get("status") == "paid"
