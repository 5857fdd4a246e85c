"""The words the office's pages use for the services' values."""

from __future__ import annotations

from services.applications.contract import HostKind, Location, Mode
from services.notifications.contract import EmailStatus, MessageKind

KINDS = {
    HostKind.for_profit.value: "A business (for profit)",
    HostKind.non_profit.value: "A charity or other non-profit",
    HostKind.college_or_department.value: "A college or university department",
}
LOCATIONS = {
    Location.oxford.value: "Oxford",
    Location.oxfordshire.value: "Oxfordshire, outside Oxford",
    Location.london.value: "London",
    Location.elsewhere.value: "Somewhere else",
}
MODES = {Mode.in_person.value: "In person", Mode.remote.value: "Remote"}
# A step still to come, as the glance says it: "Next: <step>, at <time>."
STEPS = {
    "advertise": "Placements are advertised",
    "forward_first": "Applications go to the hosts",
    "outcomes": "The outcomes-by date: every applicant has heard by then",
    "open_second_round": "Unfilled places are advertised again",
    "forward_second": "Second-round applications go to the hosts",
}
APPLICATION_STATES = {
    "submitted": "Submitted",
    "withdrawn": "Withdrawn before the deadline",
    "forwarded": "With the host",
    "offered": "Offered",
    "accepted": "Accepted",
    "introduced": "Introduced",
    "declined": "Declined",
    "lapsed": "Lapsed",
    "not_successful": "Not successful",
    "withdrawn_after_acceptance": "Withdrew after accepting",
}
MESSAGE_KINDS = {kind.value: kind.value.replace("_", " ").capitalize() for kind in MessageKind}
MESSAGE_STATES = {
    EmailStatus.pending.value: ("Waiting to send", "yellow"),
    EmailStatus.sent.value: ("Sent", "green"),
    EmailStatus.failed.value: ("Failed", "red"),
    EmailStatus.skipped.value: ("Not sent", "grey"),
}
ANSWERS = {"yes": "Yes", "no": "No", "prefer_not_to_say": "Prefer not to say"}
