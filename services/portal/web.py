"""The contract every portal page is written against (role packages import from here).

Rendering (rendering.py, re-exported here)
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
        (errors/forbidden.html, status 403), never a 500. Each role package's router
        takes `only(Role.x)` as its guard, so a handler takes `me: Host` only to read it.
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

Forms: read a posted form with `reading.Form` (`form.text`, `.choice`, `.day`, ...), so a
missing answer gets a message beside its field rather than the generic "could not read the
form" page a validation error would give; show the page again with `forms.Shown(
form.values, form.errors, 422)`, and a service's refusal with `forms.refusal(problem)`.
The sign-in and alerts forms alone declare FastAPI `Form(max_length=...)` parameters: an
over-long address or token is refused before anything reads it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.params import Depends as Dependency

from mip.core.auth import Role
from services.portal.clients import PortalServices
from services.portal.contract import SIGN_IN_HINT
from services.portal.errors import SignInNeeded, WrongRole
from services.portal.rendering import flash, pence, render, see_other
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
    "only",
    "pence",
    "render",
    "see_other",
]


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


# One dependency per role: a router's guard and a handler's `me` are then the same
# dependency, which FastAPI solves once per request.
_ONLY: dict[Role, Dependency] = {
    role: Depends(_in_role(role)) for role in (Role.applicant, Role.host, Role.office)
}


def only(role: Role) -> Dependency:
    """The guard for a router whose every page is `role`'s (`APIRouter(dependencies=[only(
    Role.host)])`): the handlers that do not read the person need not take it."""
    return _ONLY[role]


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
Applicant = Annotated[Person, only(Role.applicant)]
Host = Annotated[Person, only(Role.host)]
Office = Annotated[Person, only(Role.office)]
Services = Annotated[PortalServices, Depends(_services)]
PublicServices = Annotated[PortalServices, Depends(_public_services)]
