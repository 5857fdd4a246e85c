"""The welcome a host's contact gets: who named them, what micro-internships are, and where
and how to sign in. Without it nothing tells a host where the portal is.

Sent through the outbox in the transaction that registers the host or changes its contact,
so it is never lost to Temporal being away. The first welcome to an address is keyed by
the host and the address, so saving the form again with the same contact sends nothing
more; each of the office's resends has a key of its own, so each one is sent.
"""

from __future__ import annotations

from uuid import UUID, uuid4

import asyncpg

from mip.core.auth import Principal
from mip.core.errors import NotFound
from mip.core.runtime import ServiceRuntime
from services.applications.catalogue import edits_repository as edits
from services.applications.catalogue import repository as repo
from services.applications.catalogue.schemas import Host
from services.applications.contract import WelcomeSent
from services.applications.mail import enqueue_email
from services.notifications.contract import EmailRequest, MessageKind
from services.portal.contract import Page, PageName

# The sign-in page, not the host's pages: it is the portal's address a host can keep, and
# it works however long after this e-mail they first come.
PAGES = {"sign_in_url": Page(name=PageName.sign_in)}


def first_key(host: Host) -> str:
    """At most 8 + 36 + 1 + 254 characters (an address is at most 254), within the 300 an
    idempotency key may have."""
    return f"welcome-{host.id}/{host.contact_email}"


def _resend_prefix(host: Host) -> str:
    return f"welcome-{host.id}/resend/"


def _registered_by(runtime: ServiceRuntime, who: Principal) -> str:
    """The office person's address, or nothing when they signed in with the office's shared
    address: the e-mail then says only that the Internship Office did it."""
    return "" if who.subject == runtime.settings.office_email.lower() else who.subject


async def enqueue(
    conn: asyncpg.Connection, runtime: ServiceRuntime, host: Host, who: Principal, key: str
) -> str:
    """In the caller's transaction: the welcome to `host`'s contact, to start on commit;
    the workflow id to hand to `runtime.start_soon` then."""
    request = EmailRequest(
        kind=MessageKind.host_welcome,
        to=[host.contact_email],
        data={
            "contact_name": host.contact_name,
            "contact_email": host.contact_email,
            "host_name": host.name,
            "registered_by": _registered_by(runtime, who),
        },
        pages=PAGES,
        idempotency_key=key,
        subject_ref=f"host-{host.id}",
    )
    return await enqueue_email(conn, runtime, request)


async def send_again(runtime: ServiceRuntime, host_id: UUID, who: Principal) -> WelcomeSent:
    """For a contact who cannot find the welcome: a new message each time, to the contact
    as saved now, keyed by a new id. (Resends were once numbered by counting their outbox
    rows; the retention schedule deletes those, and a number taken again would name a
    message already sent, so the resend would send nothing.)"""
    async with runtime.pool.acquire() as conn, conn.transaction():
        host = await repo.get_host(conn, host_id) if await edits.lock_host(conn, host_id) else None
        if host is None:
            raise NotFound(f"There is no host {host_id}.")
        key = f"{_resend_prefix(host)}{uuid4().hex}"
        workflow_id = await enqueue(conn, runtime, host, who, key)
    runtime.start_soon(workflow_id)
    return WelcomeSent(to=host.contact_email, workflow_id=workflow_id, idempotency_key=key)
