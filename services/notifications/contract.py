"""What the notifications service publishes to the others: the bodies its client sends
and returns for the routes other services call."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, EmailStr, Field

from mip.core.bounds import Moment
from mip.core.links import WebUrl
from workflows.notifications import EmailStatus


class SignInMail(BaseModel):
    """A one-time sign-in link to mail (the portal's). The link reaches the recipient and
    is kept nowhere: the message the office reads shows it withheld."""

    to: EmailStr
    link: WebUrl
    expires_at: Moment
    # The link's own id (never its token): one message per link, however often retried.
    link_id: str = Field(pattern=r"^[A-Za-z0-9-]{1,64}$")


class SignInMailOutcome(BaseModel):
    message_id: UUID
    status: EmailStatus


class SubscribeIn(BaseModel):
    """Joining the internship alerts list (R30)."""

    email: EmailStr


class SubscriptionState(BaseModel):
    email: str
    status: Literal["pending", "confirmed", "unsubscribed"]
    message: str
