"""What the alerts list's routes do (R30): a subscription waits for its confirmation link
(double opt-in), a token from a link changes its state, an announcement goes to everyone
confirmed through its own workflow."""

from __future__ import annotations

import asyncpg

from mip.core import ids
from mip.core.errors import NotFound
from mip.core.runtime import ServiceRuntime
from services.notifications.alerts import repository as repo
from services.notifications.alerts.schemas import (
    AnnouncementAccepted,
    AnnouncementIn,
    SubscriptionState,
)
from services.notifications.contract import EmailRequest, MessageKind
from services.portal.contract import Page, PageName
from workflows.notifications import (
    AlertAnnouncementWorkflow,
    Announcement,
    DeliverEmailWorkflow,
)

INVALID_LINK = "This link is not valid; it may have been mistyped or cut short."


async def subscribe(runtime: ServiceRuntime, email: str) -> SubscriptionState:
    async with runtime.pool.acquire() as conn:
        row = await repo.subscribe(conn, email)
    if row["status"] == "pending":
        # The confirm link is made when the message is sent, from the subscriber: its
        # token is a credential no workflow history keeps.
        request = EmailRequest(
            kind=MessageKind.alert_confirm,
            to=[row["email"]],
            idempotency_key=f"alert-confirm:{row['id']}:{row['token'][:8]}",
            alert_subscriber_id=str(row["id"]),
        )
        await runtime.start_workflow_once(
            DeliverEmailWorkflow.run,
            request,
            workflow_id=ids.email(request.idempotency_key),
        )
    # The same answer whatever the address's state, so the list's members stay private.
    return SubscriptionState(
        email=email,
        status="pending",
        message="If this address is not on the list yet, a confirmation link is on its way.",
    )


async def state(pool: asyncpg.Pool, token: str) -> SubscriptionState:
    """Whose link this is and where it stands, changing nothing (what a GET may do)."""
    async with pool.acquire() as conn:
        row = await repo.by_token(conn, token)
    if row is None:
        raise NotFound(INVALID_LINK)
    return SubscriptionState(email=row["email"], status=row["status"], message=_said(row))


def _said(row: asyncpg.Record) -> str:
    return {
        "pending": "This address has not confirmed yet.",
        "confirmed": "You are on the internship alerts list.",
        "unsubscribed": "You have left the internship alerts list.",
    }[row["status"]]


async def change(
    pool: asyncpg.Pool, token: str, new_status: str, message: str
) -> SubscriptionState:
    async with pool.acquire() as conn:
        row = await repo.set_status(conn, token, new_status)
    if row is None:
        raise NotFound(INVALID_LINK)
    return SubscriptionState(email=row["email"], status=row["status"], message=message)


async def announce(runtime: ServiceRuntime, body: AnnouncementIn) -> AnnouncementAccepted:
    kind = (
        MessageKind.alert_advertised
        if body.kind == "advertised"
        else MessageKind.alert_readvertised
    )
    # The portal's placements list unless the office names another page.
    given = {"placements_url": body.placements_url} if body.placements_url else {}
    announcement = Announcement(
        kind=kind,
        announcement_id=body.announcement_id,
        round_id=body.round_id,
        data=body.model_dump(include={"round_name", "placements_count", "deadline_label"}) | given,
        pages={} if given else {"placements_url": Page(name=PageName.placements)},
    )
    # The announcement's id names its workflow, so the same id twice announces once.
    workflow_id = ids.alerts(body.announcement_id)
    await runtime.start_workflow_once(
        AlertAnnouncementWorkflow.run, announcement, workflow_id=workflow_id
    )
    return AnnouncementAccepted(workflow_id=workflow_id)


async def counts(pool: asyncpg.Pool) -> dict[str, int]:
    async with pool.acquire() as conn:
        return await repo.counts(conn)
