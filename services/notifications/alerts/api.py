"""The internship alerts list (R30): double opt-in, one-click unsubscribe, announcements.

Confirm and unsubscribe are reached from links in e-mail, where no bearer token can be
sent: the unguessable token in the link is the credential for that one address.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, EmailStr, Field

from mip.core.deps import AnyUser, OfficeOrService, OfficeUser, PoolDep, Runtime
from mip.core.errors import NotFound
from mip.core.links import WebUrl
from services.notifications.alerts import repository as repo
from services.notifications.alerts.links import confirm_url
from workflows.notifications import (
    AlertAnnouncementWorkflow,
    Announcement,
    DeliverEmailWorkflow,
    EmailRequest,
    MessageKind,
    email_workflow_id,
)

router = APIRouter(prefix="/v1/alerts", tags=["alerts"])
# What `secrets.token_urlsafe` makes. Anything else (a NUL, a control character, a
# 10 kB string) is a 422 naming the field before it can reach the database.
Token = Annotated[
    str,
    Query(
        min_length=20,
        max_length=100,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="the token from the link in the e-mail",
    ),
]


class SubscribeIn(BaseModel):
    email: EmailStr


class SubscriptionState(BaseModel):
    email: str
    status: Literal["pending", "confirmed", "unsubscribed"]
    message: str


class AnnouncementIn(BaseModel):
    kind: Literal["advertised", "readvertised"]
    announcement_id: str = Field(
        min_length=1, max_length=200, description="the same id twice announces once"
    )
    round_id: str | None = None
    round_name: str
    placements_count: int = Field(ge=0)
    deadline_label: str
    placements_url: WebUrl


class AnnouncementAccepted(BaseModel):
    workflow_id: str


@router.post("/subscriptions", status_code=status.HTTP_202_ACCEPTED)
async def subscribe(
    body: SubscribeIn, pool: PoolDep, runtime: Runtime, _: AnyUser
) -> SubscriptionState:
    async with pool.acquire() as conn:
        row = await repo.subscribe(conn, str(body.email))
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
        email=str(body.email),
        status="pending",
        message="If this address is not on the list yet, a confirmation link is on its way.",
    )


async def _change(pool: PoolDep, token: str, new_status: str, message: str) -> SubscriptionState:
    async with pool.acquire() as conn:
        row = await repo.set_status(conn, token, new_status)
    if row is None:
        raise NotFound("This link is not valid; it may have been mistyped.")
    return SubscriptionState(email=row["email"], status=row["status"], message=message)


@router.get("/confirm")
async def confirm(token: Token, pool: PoolDep) -> SubscriptionState:
    return await _change(pool, token, "confirmed", "You are on the internship alerts list.")


@router.get("/unsubscribe")
async def unsubscribe(token: Token, pool: PoolDep) -> SubscriptionState:
    """One click, effective at once: alerts not yet sent to this address are skipped."""
    return await _change(pool, token, "unsubscribed", "You have left the internship alerts list.")


@router.post("/unsubscribe")
async def unsubscribe_one_click(token: Token, pool: PoolDep) -> SubscriptionState:
    """RFC 8058 one-click unsubscribe, as a mail client's List-Unsubscribe-Post sends it."""
    return await unsubscribe(token, pool)


@router.post("/announcements", status_code=status.HTTP_202_ACCEPTED)
async def announce(
    body: AnnouncementIn, runtime: Runtime, _: OfficeOrService
) -> AnnouncementAccepted:
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
    workflow_id = f"alerts-{body.announcement_id}"
    await runtime.start_workflow_once(
        AlertAnnouncementWorkflow.run, announcement, workflow_id=workflow_id
    )
    return AnnouncementAccepted(workflow_id=workflow_id)


@router.get("/subscribers")
async def subscriber_counts(pool: PoolDep, _: OfficeUser) -> dict[str, int]:
    async with pool.acquire() as conn:
        return await repo.counts(conn)
