"""One-time sign-in links: ask, mail, use once.

Asking answers at once, the same whoever asks; the rest happens after the answer
(`PortalRuntime.in_background`), so neither the page nor its timing tells whether an
address may sign in. An address that may (roles.py) gets a link: a random token kept
only as its SHA-256, alive `MIP_PORTAL_LINK_TTL_S` (15 minutes), spent by its first use.
The mail goes through the notifications service, which keeps the message for the office
with the link withheld; while its mail server does not take it (503), this retries until
the link would have expired.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import secrets
from datetime import timedelta
from urllib.parse import unquote

from mip.core.auth import valid_address
from mip.core.errors import RemoteProblem
from mip.core.links import address
from services.notifications.contract import SignInMail
from services.portal.clients import PortalServices, Unavailable
from services.portal.contract import Page, PageName
from services.portal.runtime import PortalRuntime
from services.portal.session import Person
from services.portal.signin import repository as repo
from services.portal.signin.roles import role_of

log = logging.getLogger("mip.portal.signin")
RETRY_FIRST_S, RETRY_MOST_S = 2.0, 60.0


def _hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


# A path and query of this site as a browser sends them: no scheme or host can hide in it
# (no backslash, which browsers read as "/", no whitespace or control character, which
# they drop, so "/\t/evil.example" would become "//evil.example").
_RELATIVE = re.compile(r"^/(?![/\\])[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def safe_next(path: str | None) -> str | None:
    """A page of this site to return to after signing in; anything else is dropped. Read
    as sent and percent-decoded once and twice, it must still start with one "/" and hold
    no backslash or control character, so "/%2F%2Fevil.example" and "/%5Cevil.example"
    are dropped as surely as "//evil.example"."""
    if not path or len(path) >= 500 or not _RELATIVE.match(path):
        return None
    once = unquote(path)
    for form in (once, unquote(once)):
        if form.startswith(("//", "/\\")) or "\\" in form or _CONTROL.search(form):
            return None
    return path


def prefill(email: str) -> str:
    """The address a link said it was for, if it is one; otherwise nothing to fill in."""
    try:
        return valid_address(email.strip()) if email else ""
    except ValueError:
        return ""


def ask(runtime: PortalRuntime, email: str, back_to: str | None) -> None:
    """Mail `email` a link if it may sign in; nothing shows whether it may."""
    runtime.in_background(_mail_link(runtime, email, back_to))


async def _mail_link(runtime: PortalRuntime, email: str, back_to: str | None) -> None:
    try:
        if await role_of(runtime, email) is None:
            log.info("no sign-in link: the address is outside the applicant domains")
            return
        token = secrets.token_urlsafe(32)
        now = runtime.clock()
        expires_at = now + timedelta(seconds=runtime.config.link_ttl_s)
        link_id = await repo.insert_link(runtime.pool, _hash(token), email, now, expires_at)
        query = {"token": token} | ({"next": back_to} if back_to else {})
        mail = SignInMail(
            to=email,
            link=address(runtime.url(""), Page(name=PageName.sign_in_link).path(), query),
            expires_at=expires_at,
            link_id=str(link_id),
        )
        await _deliver(runtime, mail)
    except Exception:  # after the answer: nobody to tell but the log
        log.exception("a sign-in link could not be mailed")


async def _deliver(runtime: PortalRuntime, mail: SignInMail) -> None:
    wait = RETRY_FIRST_S
    while True:
        try:
            async with PortalServices(runtime, runtime.service_token()) as services:
                outcome = await services.notifications.send_sign_in_mail(mail)
            log.info("sign-in mail %s: %s", outcome.message_id, outcome.status.value)
            return
        except (Unavailable, RemoteProblem) as exc:
            if isinstance(exc, RemoteProblem) and exc.status != 503:
                raise
            if runtime.clock() + timedelta(seconds=wait) >= mail.expires_at:
                log.warning("sign-in mail not delivered before its link expired: %s", exc)
                return
            await asyncio.sleep(wait)
            wait = min(wait * 2, RETRY_MOST_S)


def mailbox(address: str) -> str:
    """The inbox an address reaches: `ada+1@x.org` and `ada+2@x.org` are both `ada@x.org`,
    so a +tag cannot multiply the links one inbox may be sent."""
    local, _, domain = address.rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}"


async def usable(runtime: PortalRuntime, token: str) -> str | None:
    """The address a live link would sign in: the confirm page names it, so that a link
    someone forwarded does not sign a person in as someone else unawares."""
    return await repo.address_of(runtime.pool, _hash(token), runtime.clock())


async def use(runtime: PortalRuntime, token: str) -> Person | None:
    """Spend the link: who it signs in, or None (unknown, used, expired, or no longer
    allowed to sign in)."""
    email = await repo.use(runtime.pool, _hash(token), runtime.clock())
    if email is None:
        return None
    role = await role_of(runtime, email)
    return Person(email=email, role=role) if role is not None else None


async def prune_sessions(runtime: PortalRuntime) -> None:
    """Until cancelled, every MIP_HOUSEKEEPING_EVERY_S from the start: sessions that ended
    MIP_RETAIN_SESSION_DAYS ago deleted (docs/privacy.md). The portal serves no
    activities, so the deployment's HousekeepingWorkflow cannot ask it to: it sweeps its
    own table, at its own clock. Each replica does; a second sweep deletes nothing more.
    A failure (the database away) is logged and tried again at the next turn."""
    keep = timedelta(days=runtime.settings.retain_session_days)
    every = runtime.settings.housekeeping_every_s
    while True:
        try:
            pruned = await repo.prune_sessions(runtime.pool, runtime.clock() - keep)
            log.info("housekeeping: portal.sessions: %d erased", pruned)
        except Exception as exc:  # whatever it was, the next turn tries again
            log.warning("housekeeping: sessions not pruned (%s); again in %.0fs", exc, every)
        await asyncio.sleep(every)
