"""What the notifications service publishes: the bodies its client sends and returns for
the routes other services call, and the activities it serves on its task queue for every
workflow that sends e-mail (their names and payloads). It imports no workflow module."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, EmailStr, Field

from mip.core.access import Row
from mip.core.bounds import Moment
from mip.core.links import WebUrl
from services.portal.contract import Page


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


# Activities on the notifications service's queue.
SEND_EMAIL = "send_email"
LIST_ALERT_RECIPIENTS = "list_alert_recipients"
# The round's RetentionWorkflow: bodies of a round's e-mails sent before an instant erased.
ERASE_MESSAGE_BODIES = "erase_message_bodies"
ANONYMISE_ROUND_MESSAGES = "anonymise_round_messages"


class BodyErasure(BaseModel):
    round_id: str
    sent_before: datetime


# The deployment's HousekeepingWorkflow (docs/privacy.md): bodies of the e-mails no
# round's schedule erases, and the alerts list's sign-ups never confirmed and addresses
# that left (with a `mip.core.housekeeping.Cutoff`).
ERASE_OTHER_MESSAGE_BODIES = "erase_other_message_bodies"
ERASE_ALERT_SIGN_UPS = "erase_alert_sign_ups"


class RoundEnd(BaseModel):
    """The last instant a round's RetentionWorkflow erases e-mails made before."""

    round_id: str
    ended_at: datetime


class OtherBodiesErasure(BaseModel):
    """Bodies of e-mails settled (sent or given up) before `settled_before` that belong to
    no round, or were made at or after their round's end in `rounds_ended`. An e-mail of a
    round not named there is its round's schedule's to erase, and is left alone."""

    settled_before: datetime
    rounds_ended: list[RoundEnd] = Field(default_factory=list)


ERASE_MESSAGES = "erase_messages"


class MessageKind(StrEnum):
    confirmation = "confirmation"
    forwarded_digest = "forwarded_digest"
    offer = "offer"
    offer_reminder = "offer_reminder"
    offer_lapsed = "offer_lapsed"
    decline_acknowledgement = "decline_acknowledgement"
    not_successful = "not_successful"
    introduction = "introduction"
    preparation = "preparation"
    withdrawal_notice = "withdrawal_notice"
    expense_update = "expense_update"
    support_booking = "support_booking"
    alert_confirm = "alert_confirm"
    alert_advertised = "alert_advertised"
    alert_readvertised = "alert_readvertised"
    undeliverable_notice = "undeliverable_notice"
    host_welcome = "host_welcome"
    # Sent by the notifications service itself for the portal, never by a workflow: its
    # link is a credential, so it is kept in no history and stored redacted.
    sign_in = "sign_in"


class CalendarEvent(BaseModel):
    """An .ics event: whole days (a placement) or a timed slot (a support session)."""

    uid: str
    summary: str
    description: str = ""
    location: str = ""
    days: list[date] = Field(default_factory=list)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    # How many times the event has changed since first sent: a calendar moves the event it
    # holds under `uid` when a later message comes with a higher sequence.
    sequence: int = Field(default=0, ge=0)


class Link(BaseModel):
    """A link by service and API path, as histories recorded before portal pages hold it:
    the notifications service sends such a link to the portal page it stands for. New
    messages name a `Page` instead."""

    service: Literal["applications", "offers", "expenses", "notifications"]
    path: str = Field(pattern=r"^/")


class EmailRequest(BaseModel):
    kind: MessageKind
    to: list[str] = Field(min_length=1)
    data: dict[str, Any] = Field(default_factory=dict)
    # Template variables that are links to portal pages, e.g. {"respond_url": Page(...)}:
    # the notifications service makes each an address on the portal when it sends.
    pages: dict[str, Page] = Field(default_factory=dict)
    # Only in histories recorded before `pages`: read as the pages they stand for.
    links: dict[str, Link] = Field(default_factory=dict)
    idempotency_key: str = Field(min_length=1, max_length=300)
    round_id: str | None = None
    subject_ref: str | None = Field(default=None, description="e.g. application-<id>")
    calendar: CalendarEvent | None = None
    alert_subscriber_id: str | None = None


class EmailStatus(StrEnum):
    pending = "pending"
    sent = "sent"
    failed = "failed"
    skipped = "skipped"


class EmailOutcome(BaseModel):
    """What became of one e-mail. `failed` is for good (never retried); `refused` names each
    recipient that could not be reached and why, also when others were (status `sent`)."""

    message_id: str
    status: EmailStatus
    attempts: int
    detail: str | None = None
    refused: dict[str, str] = Field(default_factory=dict)

    def reached(self, address: str) -> bool:
        """Whether `address` was sent this message (compared case-insensitively)."""
        if self.status is not EmailStatus.sent:
            return False
        return address.lower() not in {a.lower() for a in self.refused}

    def why_not(self, address: str) -> str:
        for refused, why in self.refused.items():
            if refused.lower() == address.lower():
                return why
        return self.detail or self.status.value


class AlertRecipient(BaseModel):
    """A confirmed member of the list. Their unsubscribe link is made when each message is
    sent, from `subscriber_id`: the token it carries is a credential no history keeps."""

    subscriber_id: str
    email: str


class NotificationsData(BaseModel):
    """Everything the notifications service holds about one person (issue 23, subject
    access): each e-mail sent to them (kind, subject, text, status, when) and their alerts
    list entry. An e-mail sent to them is theirs, whoever else it names (a host's list of
    applications is the host's); one that only names them (a host's list naming an
    applicant) is not, and its other recipients are left out. The alerts list's token is
    a credential, not information about them, and is left out too."""

    email: str
    messages: list[Row]
    alert_subscriptions: list[Row]
