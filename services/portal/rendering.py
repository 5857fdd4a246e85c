"""Pages as HTML: the templates, their filters, and the one-shot banner message.

The bottom of the portal's page code: it imports nothing of the pages, the role
dependencies or the error handlers, so each of them imports `render` at the top of its
module (web.py re-exports it for the pages; errors.py renders its error pages with it).
"""

from __future__ import annotations

import base64
import binascii
import hmac
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup

from mip.core import when
from services.portal import csrf
from services.portal.forms import FormErrors
from services.portal.runtime import portal_runtime

TEMPLATES = Path(__file__).resolve().parent / "templates"
FLASH_COOKIE = "mip_flash"
# mip.core.when's functions, under their own names: pages and e-mails say times alike.
WHEN_FILTERS = (
    "when",
    "short_when",
    "when_range",
    "day",
    "short_day",
    "day_range",
    "day_list",
    "duration",
    "plural",
)


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
    env.filters.update({name: getattr(when, name) for name in WHEN_FILTERS})
    env.filters.update(pence=pence, example_day=example_day, year=year)
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
    """Template `name` with `context` and what every page gets (web.py lists it)."""
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
