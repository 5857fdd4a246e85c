"""The services' states and facts in the words an applicant reads (pure, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from mip.core.uploads import megabytes
from mip.core.when import plural
from services.applications.contract import Application, ApplicationStatus, Event
from services.expenses.contract import ClaimStatus


@dataclass(frozen=True)
class Said:
    """A state as the applicant reads it: its tag and the tag's colour."""

    tag: str
    colour: str
    step: str = ""  # an application's: the timeline's heading for moving into it (P6)


A = ApplicationStatus
STATUS: dict[str, Said] = {
    A.submitted: Said("Sent", "blue", "You sent your application"),
    A.withdrawn: Said("Withdrawn", "grey", "You withdrew your application"),
    A.forwarded: Said("With the host", "purple", "Your application was sent to the host"),
    A.offered: Said("Offered a place", "green", "You were offered a place"),
    A.accepted: Said("Accepted", "green", "You accepted the offer"),
    A.introduced: Said(
        "Introduced to your host", "green", "The office introduced you to your host by email"
    ),
    A.declined: Said("Declined", "grey", "The offer was declined"),
    A.lapsed: Said("Offer lapsed", "grey", "The offer lapsed without an answer"),
    A.not_successful: Said(
        "Not successful this time", "grey", "The host did not select you this time"
    ),
    A.withdrawn_after_acceptance: Said(
        "Withdrawn after accepting", "red", "You withdrew after accepting"
    ),
}
# A claim before it is sent is the expenses service's alone (`ClaimState`'s "draft"); the
# rest are its workflow's `ClaimStatus`.
DRAFT = "draft"
CLAIM_STATUS: dict[str, Said] = {
    DRAFT: Said("Not sent yet", "yellow"),
    ClaimStatus.submitted: Said("With your host", "blue"),
    ClaimStatus.question: Said("Your host has a question", "red"),
    ClaimStatus.approved: Said("Approved", "green"),
    ClaimStatus.partly_approved: Said("Partly approved", "yellow"),
    ClaimStatus.refused: Said("Refused", "grey"),
    ClaimStatus.paid: Said("Paid", "green"),
}
# Before the deadline an application may be withdrawn (R12); once accepted, too (R23).
WITHDRAWABLE = frozenset({A.submitted})
WITHDRAWABLE_AFTER_ACCEPTING = frozenset({A.accepted, A.introduced})


def _said(table: dict[str, Said], status: str) -> Said:
    """A state the table does not know yet is shown in the service's own word, in grey."""
    return table.get(status) or Said(status.replace("_", " ").capitalize(), "grey")


def status_words(status: str) -> str:
    return _said(STATUS, status).tag


def status_colour(status: str) -> str:
    return _said(STATUS, status).colour


def claim_status_words(status: str) -> str:
    return _said(CLAIM_STATUS, status).tag


def claim_status_colour(status: str) -> str:
    return _said(CLAIM_STATUS, status).colour


def event_heading(event: Event) -> str:
    said = _said(STATUS, event.to_status)
    return said.step or said.tag


def who_did_it(actor: str, me: str) -> str:
    """The person named as the applicant sees them: "you", the office, or the system."""
    if actor.lower() == me.lower():
        return "you"
    if actor == "office":
        return "the Internship Office"
    if "@" in actor:
        return actor
    return "MIP, automatically"


def time_left(until: datetime, now: datetime) -> str:
    """ "1 day, 23 hours and 5 minutes left"; under a minute, the seconds (R19). mip.js
    says it in the same words as it counts down."""
    left = until - now
    if left <= timedelta(0):
        return "no time left"
    days, seconds = left.days, left.seconds
    hours, minutes = seconds // 3600, seconds % 3600 // 60
    parts = [
        plural(n, unit) for n, unit in ((days, "day"), (hours, "hour"), (minutes, "minute")) if n
    ]
    if not parts:
        return f"{plural(seconds, 'second')} left"
    spoken = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"{spoken} left"


def can_withdraw(application: Application) -> bool:
    return application.status in WITHDRAWABLE | WITHDRAWABLE_AFTER_ACCEPTING


def megabytes_label(size: int) -> str:
    """ "5 MB": a size limit as a form's hint says it."""
    return f"{megabytes(size)} MB"
