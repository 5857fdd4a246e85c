"""Hosts: the organisations that offer placements (R5), listed, added and changed. A
host's contact is who signs in as that host; the applications service sends them a welcome
saying where and how, and the host's page sends it again."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from mip.core.errors import RemoteProblem
from services.applications.contract import Host, HostIn
from services.portal.contract import PageName
from services.portal.forms import FIRST, FormErrors, Shown, model_errors, problem_errors
from services.portal.office.labels import KINDS, LOCATIONS
from services.portal.reading import Form
from services.portal.web import Services, render, see_other

router = APIRouter(prefix="/office")
FIELDS = ("name", "sector", "kind", "location", "contact_name", "contact_email")
EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.org"


def _page(request: Request, host: Host | None, shown: Shown) -> HTMLResponse:
    context = {
        "host": host,
        **shown.context(),
        "kinds": list(KINDS.items()),
        "locations": list(LOCATIONS.items()),
    }
    return render(request, "office/host_form.html", context, shown.status_code)


async def _read(request: Request) -> tuple[HostIn | None, dict[str, Any], FormErrors]:
    form = Form(await request.form())
    form.text("name", "the organisation's name")
    form.text("sector", "the sector, like Museums and heritage")
    form.choice("kind", "what kind of organisation it is", KINDS)
    form.choice("location", "where the placements take place", LOCATIONS)
    form.text("contact_name", "the contact's name")
    email = form.text("contact_email", "the contact's email address")
    if email and "@" not in email:
        form.errors.add("contact_email", EMAIL_FORMAT)
    if form.errors:
        return None, form.values, form.errors
    try:
        return HostIn.model_validate(form.values), form.values, form.errors
    except ValidationError as exc:
        errors = model_errors(exc)
        if "contact_email" in errors:
            errors = FormErrors({"contact_email": EMAIL_FORMAT})
        return None, form.values, errors


@router.get("/hosts", response_class=HTMLResponse)
async def host_list(request: Request, services: Services) -> HTMLResponse:
    """R5: every host, of any sector and kind, with its contact."""
    found = await services.applications.hosts()
    context = {"hosts": found, "kinds": KINDS, "locations": LOCATIONS}
    return render(request, "office/hosts.html", context)


@router.get("/hosts/new", response_class=HTMLResponse)
async def new_host(request: Request) -> HTMLResponse:
    """R5: add a host organisation."""
    return _page(request, None, FIRST)


@router.post("/hosts/new", response_class=HTMLResponse)
async def create_host(request: Request, services: Services) -> Response:
    """R5: add a host; its contact can then sign in as the host."""
    body, values, errors = await _read(request)
    if body is None:
        return _page(request, None, Shown(values, errors, 422))
    try:
        created = await services.applications.create_host(body)
    except RemoteProblem as problem:
        errors = problem_errors(problem, default="name" if problem.status == 409 else None)
        return _page(request, None, Shown(values, errors, problem.status))
    return see_other(request, "/office/hosts", flash=f"{created.name} added")


@router.get("/hosts/{host_id}", name=PageName.office_host, response_class=HTMLResponse)
async def edit_host(request: Request, host_id: UUID, services: Services) -> Response:
    """R5, R24-R27: change a host; what applicants saw stays once they have applied."""
    host = await services.applications.host(host_id)
    return _page(request, host, Shown(host.model_dump(include=set(FIELDS), mode="json")))


@router.post("/hosts/{host_id}", response_class=HTMLResponse)
async def update_host(request: Request, host_id: UUID, services: Services) -> Response:
    """R5, R24-R27: the contact may always change; name, sector, kind and place only until
    someone applies to one of the host's placements (the service's 409 says so)."""
    host = await services.applications.host(host_id)
    body, values, errors = await _read(request)
    if body is None:
        return _page(request, host, Shown(values, errors, 422))
    try:
        updated = await services.applications.update_host(host_id, body)
    except RemoteProblem as problem:
        errors = problem_errors(problem)
        return _page(request, host, Shown(values, errors, problem.status))
    return see_other(request, "/office/hosts", flash=f"{updated.name} changed")


@router.post("/hosts/{host_id}/welcome", response_class=HTMLResponse)
async def welcome_again(request: Request, host_id: UUID, services: Services) -> Response:
    """The welcome again, for a contact who cannot find it: to the contact as saved now."""
    sent = await services.applications.welcome_host(host_id)
    return see_other(request, f"/office/hosts/{host_id}", flash=f"Welcome email sent to {sent.to}")
