"""The words the office's pages use for the services' values."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from uuid import UUID

from services.applications.contract import Frozen, HostKind, Location, Mode, Round, why_frozen
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


def locked_because(
    the_round: Round,
    counts: Mapping[str, Mapping[str, int]],
    now: datetime,
    what: str,
    placement_id: UUID | None = None,
) -> str | None:
    """Why `what` can no longer change, by the applications service's own rule, given the
    round's application counts (of one placement, if given). The service decides; this
    spares the office a form it would refuse."""
    chosen = [counts.get(str(placement_id), {})] if placement_id else counts.values()
    applications = sum(sum(by_state.values()) for by_state in chosen)
    why = why_frozen(the_round.clock, applications, now)
    if why is Frozen.closed:
        return f"Applications to this round have closed, so {what} can no longer change."
    if why is Frozen.applied:
        made = "1 application has" if applications == 1 else f"{applications} applications have"
        return f"{made} been made, so {what} stays as applicants saw it."
    return None
