"""The contract every portal page is written against (role packages import from here).

Rendering
    `render(request, "applicant/offer.html", {...}, status_code=200) -> HTMLResponse`:
    the template gets `request`, `person` (the signed-in `Person` or None), `now` (the
    portal's clock, an aware datetime: compare deadlines with it), `flash` (the
    one-shot banner message, if any), `errors` (an empty `FormErrors` unless given),
    `form` ({} unless given), and the global `csrf_field()` (put it in every POST form).
    Templates extend "base.html" (blocks `title`, `content`, optional `before_content`)
    and import macros: `{% from "macros.html" import error_summary, text_input, textarea,
    radios, checkboxes, select, date_input, file_upload, button, summary_list, tag,
    back_link %}`.
    Filters, from mip.core.when so pages and e-mails say times alike (UK time, never
    seconds): `when` (an aware datetime in a sentence, heading or summary list -> "2:30pm
    on Monday 12 January 2027, UK time"), `when_range` (`start | when_range(end)`),
    `short_when` (in a table cell -> "2:30pm, Mon 12 Jan 2027 (UK time)"), `day`
    ("Monday 12 January 2027"), `short_day` ("Mon 12 Jan 2027"), `day_range`
    (`first | day_range(last)` -> "Monday 11 to Friday 15 January 2027"), `day_list` (a
    placement's days), `duration` (a timedelta -> "two days"), `plural` (`n | plural("place")`
    -> "1 place", "2 places"; never "place(s)"); and `pence` (int pence -> "£12.50").
    Examples in hints are of this year, by the portal's clock: `now | example_day(3, 27)`
    -> "27 3 2026" (`weekday=0`: the first Monday from then), `now | year` -> 2026.
`see_other(request, "/applicant/applications", flash="Your application was sent")`:
    Post/Redirect/Get: a 303 carrying a one-shot message for the next page's banner.

Dependencies (FastAPI `Annotated` aliases; use them as route parameters)
    `Viewer`: the signed-in `Person` (`.email`, `.role`); nobody signed in -> redirect to
        the sign-in page, which brings them back here afterwards.
    `Applicant`, `Host`, `Office`: the same, in that role; any other role -> the 403 page
        (errors/forbidden.html, status 403), never a 500.
    `MaybeViewer`: `Person | None`, for pages anyone may read.
    `Services`: `PortalServices` (clients.py) with `.applications`, `.offers`,
        `.expenses`, `.notifications`, bound to a token for the signed-in person that
        lives `MIP_PORTAL_TOKEN_TTL_S` (5 minutes); needs a signed-in person.
    `PublicServices`: the same clients without a token (what anyone may read).
    `Portal`: the `PortalRuntime` (settings, config, clock).
    `Person` (session.py, re-exported here): `.email` (lower-cased) and `.role` (a `Role`).

Errors (errors.py, automatic): a service down or answering 5xx -> errors/unavailable.html
(503) naming it and saying nothing was changed; a `RemoteProblem` the page does not catch
-> 404 page, 403 page, or errors/problem.html with the service's words; anything
unexpected -> errors/server.html (500) with an incident id, the trace in the log only.
CSRF (csrf.py) is checked before every POST, PUT, PATCH and DELETE. Pages send
`Cache-Control: no-store` and a Content-Security-Policy of 'self' only: no inline
`<script>` or `style=""`; put script in static/ (mip.js has the word count and the
`data-countdown` time-left) and styles in static/mip.css. These headers are defaults: a
response that sets its own keeps them (a CV shown in a frame of a portal page sends
`X-Frame-Options: SAMEORIGIN` and `Content-Security-Policy: frame-ancestors 'self'`).

Form parameters: declare them optional (`Annotated[str, Form()] = ""`) and check them
with `FormErrors` (forms.py), so a missing answer gets a message beside its field rather
than the generic "could not read the form" page a validation error would give.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import jinja2
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup

from mip.core import when
from mip.core.auth import Role
from services.portal import csrf
from services.portal.clients import PortalServices
from services.portal.contract import SIGN_IN_HINT
from services.portal.errors import SignInNeeded, WrongRole
from services.portal.forms import FormErrors
from services.portal.runtime import PortalRuntime, portal_runtime
from services.portal.session import Person

__all__ = [
    "Applicant",
    "Host",
    "MaybeViewer",
    "Office",
    "Person",
    "Portal",
    "PublicServices",
    "Services",
    "Viewer",
    "flash",
    "pence",
    "render",
    "see_other",
]

TEMPLATES = Path(__file__).resolve().parent / "templates"
FLASH_COOKIE = "mip_flash"


def pence(value: int) -> str:
    """ "£12.50" (and "-£3.00"): integer pence as pounds, never through a float."""
    sign = "-" if value < 0 else ""
    pounds, rest = divmod(abs(int(value)), 100)
    return f"{sign}£{pounds:,}.{rest:02d}"


def year(now: datetime) -> int:
    """The year it is in the UK at `now`: what hints take their examples from."""
    return now.astimezone(when.LONDON).year


def example_day(now: datetime, month: int, day: int, weekday: int | None = None) -> str:
    """ "27 3 2026": a day of `now`'s year as the day, month and year boxes take it; with
    `weekday` (0 for Monday), the first such weekday on or after it."""
    found = date(year(now), month, day)
    if weekday is not None:
        found += timedelta(days=(weekday - found.weekday()) % 7)
    return f"{found.day} {found.month} {found.year}"


@jinja2.pass_context
def _csrf_field(context: jinja2.runtime.Context) -> Markup:
    return Markup('<input type="hidden" name="{}" value="{}">').format(
        csrf.FIELD, context["csrf_token"]
    )


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        when=when.when,
        short_when=when.short_when,
        when_range=when.when_range,
        day=when.day,
        short_day=when.short_day,
        day_range=when.day_range,
        day_list=when.day_list,
        duration=when.duration,
        plural=when.plural,
        pence=pence,
        example_day=example_day,
        year=year,
    )
    env.globals.update(csrf_field=_csrf_field, service_name="Micro-internships")
    return env


templates = _environment()


def _flash_of(request: Request) -> str | None:
    cookie = request.cookies.get(FLASH_COOKIE)
    if not cookie or cookie.count(".") != 1:
        return None
    encoded, signature = cookie.split(".")
    if not hmac.compare_digest(signature, portal_runtime(request).keys.mac("flash", encoded)):
        return None
    try:
        return base64.urlsafe_b64decode(encoded.encode() + b"==").decode()
    except (binascii.Error, UnicodeDecodeError):
        return None


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
    *,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    flash = _flash_of(request)
    values: dict[str, Any] = {
        "request": request,
        "person": getattr(request.state, "person", None),
        "now": portal_runtime(request).clock(),
        "csrf_token": csrf.token(request),
        "flash": flash,
        "errors": FormErrors(),
        "form": {},
        **(context or {}),
    }
    html = templates.get_template(name).render(values)
    response = HTMLResponse(html, status_code=status_code, headers=headers)
    if flash is not None or FLASH_COOKIE in request.cookies:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def flash(request: Request, response: RedirectResponse | HTMLResponse, message: str) -> None:
    """Show `message` once, in the banner of the next page rendered."""
    runtime = portal_runtime(request)
    encoded = base64.urlsafe_b64encode(message.encode()).rstrip(b"=").decode()
    response.set_cookie(
        FLASH_COOKIE,
        f"{encoded}.{runtime.keys.mac('flash', encoded)}",
        httponly=True,
        secure=runtime.secure_cookies,
        samesite="lax",
        path="/",
    )


def see_other(request: Request, url: str, *, flash: str | None = None) -> RedirectResponse:
    """303 to `url` (Post/Redirect/Get), with a one-shot banner message if given."""
    response = RedirectResponse(url, status_code=303)
    if flash is not None:
        _set_flash(request, response, flash)
    return response


_set_flash = flash


def current_person(request: Request) -> Person | None:
    person: Person | None = getattr(request.state, "person", None)
    return person


def _signed_in(request: Request) -> Person:
    person = current_person(request)
    if person is None:
        # A link from an e-mail says whom it was for (`?email=`): the sign-in page is
        # filled in with it, and the page to come back to is kept without it.
        query = [(k, v) for k, v in request.query_params.multi_items() if k != SIGN_IN_HINT]
        back_to = request.url.path + (f"?{urlencode(query)}" if query else "")
        raise SignInNeeded(back_to, email=request.query_params.get(SIGN_IN_HINT))
    return person


def _in_role(role: Role) -> Callable[[Person], Coroutine[Any, Any, Person]]:
    async def dependency(person: Annotated[Person, Depends(_signed_in)]) -> Person:
        if person.role is not role:
            raise WrongRole(needed=role, has=person.role)
        return person

    return dependency


async def _services(
    request: Request, person: Annotated[Person, Depends(_signed_in)]
) -> AsyncIterator[PortalServices]:
    runtime = portal_runtime(request)
    services = PortalServices(runtime, runtime.person_token(person.email, person.role))
    try:
        yield services
    finally:
        await services.aclose()


async def _public_services(request: Request) -> AsyncIterator[PortalServices]:
    services = PortalServices(portal_runtime(request), None)
    try:
        yield services
    finally:
        await services.aclose()


Portal = Annotated[PortalRuntime, Depends(portal_runtime)]
Viewer = Annotated[Person, Depends(_signed_in)]
MaybeViewer = Annotated[Person | None, Depends(current_person)]
Applicant = Annotated[Person, Depends(_in_role(Role.applicant))]
Host = Annotated[Person, Depends(_in_role(Role.host))]
Office = Annotated[Person, Depends(_in_role(Role.office))]
Services = Annotated[PortalServices, Depends(_services)]
PublicServices = Annotated[PortalServices, Depends(_public_services)]
