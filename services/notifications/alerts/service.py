"""What the alerts list's routes do (R30): a subscription waits for its confirmation link
(double opt-in), a token from a link changes its state, an announcement goes to everyone
confirmed through its own workflow."""

from __future__ import annotations

import asyncpg

from mip.core.errors import NotFound
from mip.core.runtime import ServiceRuntime
from services.notifications.alerts import repository as repo
from services.notifications.alerts.links import confirm_url
from services.notifications.alerts.schemas import (
    AnnouncementAccepted,
    AnnouncementIn,
    SubscriptionState,
)
from workflows.notifications import (
    AlertAnnouncementWorkflow,
    Announcement,
    DeliverEmailWorkflow,
    EmailRequest,
    MessageKind,
    email_workflow_id,
)


async def subscribe(runtime: ServiceRuntime, email: str) -> SubscriptionState:
    async with runtime.pool.acquire() as conn:
        row = await repo.subscribe(conn, email)
    if row["status"] == "pending":
        link = confirm_url(runtime.settings.public_url("notifications"), row["token"])
        request = EmailRequest(
            kind=MessageKind.alert_confirm,
            to=[row["email"]],
            data={"confirm_url": link},
            idempotency_key=f"alert-confirm:{row['id']}:{row['token'][:8]}",
        )
        await runtime.start_workflow_once(
            DeliverEmailWorkflow.run,
            request,
            workflow_id=email_workflow_id(request.idempotency_key),
        )
    # The same answer whatever the address's state, so the list's members stay private.
    return SubscriptionState(
        email=email,
        status="pending",
        message="If this address is not on the list yet, a confirmation link is on its way.",
    )


async def change(
    pool: asyncpg.Pool, token: str, new_status: str, message: str
) -> SubscriptionState:
    async with pool.acquire() as conn:
        row = await repo.set_status(conn, token, new_status)
    if row is None:
        raise NotFound("This link is not valid; it may have been mistyped.")
    return SubscriptionState(email=row["email"], status=row["status"], message=message)


async def announce(runtime: ServiceRuntime, body: AnnouncementIn) -> AnnouncementAccepted:
    kind = (
        MessageKind.alert_advertised
        if body.kind == "advertised"
        else MessageKind.alert_readvertised
    )
    announcement = Announcement(
        kind=kind,
        announcement_id=body.announcement_id,
        round_id=body.round_id,
        data=body.model_dump(
            include={"round_name", "placements_count", "deadline_label", "placements_url"}
        ),
    )
    # The announcement's id names its workflow, so the same id twice announces once.
    workflow_id = f"alerts-{body.announcement_id}"
    await runtime.start_workflow_once(
        AlertAnnouncementWorkflow.run, announcement, workflow_id=workflow_id
    )
    return AnnouncementAccepted(workflow_id=workflow_id)


async def counts(pool: asyncpg.Pool) -> dict[str, int]:
    async with pool.acquire() as conn:
        return await repo.counts(conn)
