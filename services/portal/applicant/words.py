"""The services' states and facts in the words an applicant reads (pure, no I/O)."""

from __future__ import annotations

from datetime import datetime, timedelta

from mip.core.uploads import megabytes
from mip.core.when import plural
from services.applications.contract import Application, Event

# What each application state means to the person who applied, and a tag colour for it.
STATUS: dict[str, tuple[str, str]] = {
    "submitted": ("Sent", "blue"),
    "withdrawn": ("Withdrawn", "grey"),
    "forwarded": ("With the host", "purple"),
    "offered": ("Offered a place", "green"),
    "accepted": ("Accepted", "green"),
    "introduced": ("Introduced to your host", "green"),
    "declined": ("Declined", "grey"),
    "lapsed": ("Offer lapsed", "grey"),
    "not_successful": ("Not successful this time", "grey"),
    "withdrawn_after_acceptance": ("Withdrawn after accepting", "red"),
}
# The timeline's heading for an event that moved an application into each state (P6).
EVENT: dict[str, str] = {
    "submitted": "You sent your application",
    "withdrawn": "You withdrew your application",
    "forwarded": "Your application was sent to the host",
    "offered": "You were offered a place",
    "accepted": "You accepted the offer",
    "introduced": "The office introduced you to your host by email",
    "declined": "The offer was declined",
    "lapsed": "The offer lapsed without an answer",
    "not_successful": "The host did not select you this time",
    "withdrawn_after_acceptance": "You withdrew after accepting",
}
CLAIM_STATUS: dict[str, tuple[str, str]] = {
    "draft": ("Not sent yet", "yellow"),
    "submitted": ("With your host", "blue"),
    "question": ("Your host has a question", "red"),
    "approved": ("Approved", "green"),
    "partly_approved": ("Partly approved", "yellow"),
    "refused": ("Refused", "grey"),
    "paid": ("Paid", "green"),
}
# Before the deadline an application may be withdrawn (R12); once accepted, too (R23).
WITHDRAWABLE = frozenset({"submitted"})
WITHDRAWABLE_AFTER_ACCEPTING = frozenset({"accepted", "introduced"})


def status_words(status: str) -> str:
    return STATUS.get(status, (status.replace("_", " ").capitalize(), "grey"))[0]


def status_colour(status: str) -> str:
    return STATUS.get(status, ("", "grey"))[1]


def claim_status_words(status: str) -> str:
    return CLAIM_STATUS.get(status, (status.replace("_", " ").capitalize(), "grey"))[0]


def claim_status_colour(status: str) -> str:
    return CLAIM_STATUS.get(status, ("", "grey"))[1]


def event_heading(event: Event) -> str:
    return EVENT.get(event.to_status, status_words(event.to_status))


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
