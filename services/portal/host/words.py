"""The words a host reads for the states the services keep (R17-R23, P5)."""

from __future__ import annotations

# An application as its host follows it.
APPLICATION = {
    "forwarded": "Waiting for your ranking",
    "offered": "Offered a place",
    "accepted": "Accepted",
    "introduced": "Accepted and introduced",
    "declined": "Declined the offer",
    "lapsed": "Did not answer in time",
    "not_successful": "Told not successful",
    "withdrawn": "Withdrew",
    "withdrawn_after_acceptance": "Withdrew after accepting",
}
MARKS = {
    "shortlisted": "Shortlisted",
    "interviewed": "Interviewed",
    "unsuccessful": "Unsuccessful",
}
OFFER = {
    "offered": "Open",
    "accepted": "Accepted",
    "declined": "Declined",
    "lapsed": "Lapsed: no answer in time",
    "withdrawn": "Withdrawn",
}
CLAIM = {
    "submitted": "Waiting for your decision",
    "question": "Waiting for the intern's answer",
    "approved": "Approved: to pay",
    "partly_approved": "Partly approved: to pay",
    "refused": "Refused",
    "paid": "Paid",
}
# What the banner says once a decision is sent, by the state it left the claim in.
DECIDED = {
    "approved": "Every line is approved: record the payment here once you have paid it.",
    "partly_approved": (
        "Some lines are approved and the others refused: record the payment here once you "
        "have paid it."
    ),
    "refused": "Every line is refused.",
}
# A step in a claim's history, by the state it moved the claim to.
EVENT = {
    "draft": "Started",
    "submitted": "Sent to you",
    "question": "You asked",
    "approved": "Approved",
    "partly_approved": "Partly approved",
    "refused": "Refused",
    "paid": "Payment recorded",
}
CATEGORY = {
    "lunch": "Lunch",
    "local_travel": "Local travel",
    "oxfordshire_travel": "Travel in Oxfordshire",
    "london_bus_pass": "Oxford to London bus pass",
    "other_travel": "Other travel",
}


def of(table: dict[str, str], key: str) -> str:
    """A state the table does not know yet is shown in the service's own word."""
    return table.get(key, key.replace("_", " ").capitalize())
