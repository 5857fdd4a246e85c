"""The words a host reads for the states the services keep (R17-R23, P5), keyed by the
services' contracts (tests/portal/test_labels.py checks that none is missing)."""

from __future__ import annotations

from services.applications.contract import ApplicationStatus as A
from services.expenses.contract import Category
from services.expenses.contract import ClaimStatus as C

# An application as its host follows it: it reaches the host once forwarded, never before.
APPLICATION: dict[str, str] = {
    A.forwarded: "Waiting for your ranking",
    A.offered: "Offered a place",
    A.accepted: "Accepted",
    A.introduced: "Accepted and introduced",
    A.declined: "Declined the offer",
    A.lapsed: "Did not answer in time",
    A.not_successful: "Told not successful",
    A.withdrawn: "Withdrew",
    A.withdrawn_after_acceptance: "Withdrew after accepting",
}
# The offers contract's `MarkIn.mark` and `OfferRecord.status` (literals, not enums).
MARKS: dict[str, str] = {
    "shortlisted": "Shortlisted",
    "interviewed": "Interviewed",
    "unsuccessful": "Unsuccessful",
}
OFFER: dict[str, str] = {
    "offered": "Open",
    "accepted": "Accepted",
    "declined": "Declined",
    "lapsed": "Lapsed: no answer in time",
    "withdrawn": "Withdrawn",
}
# A claim as its host follows it: it reaches the host once sent, never as a draft.
CLAIM: dict[str, str] = {
    C.submitted: "Waiting for your decision",
    C.question: "Waiting for the intern's answer",
    C.approved: "Approved: to pay",
    C.partly_approved: "Partly approved: to pay",
    C.refused: "Refused",
    C.paid: "Paid",
}
# What the banner says once a decision is sent, by the state it left the claim in.
DECIDED: dict[str, str] = {
    C.approved: "Every line is approved: record the payment here once you have paid it.",
    C.partly_approved: (
        "Some lines are approved and the others refused: record the payment here once you "
        "have paid it."
    ),
    C.refused: "Every line is refused.",
}
# A step in a claim's history, by the state it moved the claim to ("draft": started).
EVENT: dict[str, str] = {
    "draft": "Started",
    C.submitted: "Sent to you",
    C.question: "You asked",
    C.approved: "Approved",
    C.partly_approved: "Partly approved",
    C.refused: "Refused",
    C.paid: "Payment recorded",
}
CATEGORY: dict[str, str] = {
    Category.lunch: "Lunch",
    Category.local_travel: "Local travel",
    Category.oxfordshire_travel: "Travel in Oxfordshire",
    Category.london_bus_pass: "Oxford to London bus pass",
    Category.other_travel: "Other travel",
}


def of(table: dict[str, str], key: str) -> str:
    """A state the table does not know yet is shown in the service's own word."""
    return table.get(key, key.replace("_", " ").capitalize())
