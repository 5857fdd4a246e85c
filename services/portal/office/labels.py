"""The words the office's pages use for the services' values, keyed by their contracts, and
why a placement or a round's weeks can no longer change (the applications contract's rule)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from uuid import UUID

from services.applications.contract import (
    ApplicationStatus,
    Frozen,
    HostKind,
    Location,
    Mode,
    Round,
    why_frozen,
)
from services.notifications.contract import EmailStatus, MessageKind

KINDS: dict[str, str] = {
    HostKind.for_profit: "A business (for profit)",
    HostKind.non_profit: "A charity or other non-profit",
    HostKind.college_or_department: "A college or university department",
}
LOCATIONS: dict[str, str] = {
    Location.oxford: "Oxford",
    Location.oxfordshire: "Oxfordshire, outside Oxford",
    Location.london: "London",
    Location.elsewhere: "Somewhere else",
}
MODES: dict[str, str] = {Mode.in_person: "In person", Mode.remote: "Remote"}
# A step still to come, as the glance says it: "Next: <step>, at <time>."
STEPS = {
    "advertise": "Placements are advertised",
    "forward_first": "Applications go to the hosts",
    "outcomes": "The outcomes-by date: every applicant has heard by then",
    "open_second_round": "Unfilled places are advertised again",
    "forward_second": "Second-round applications go to the hosts",
}
A = ApplicationStatus
APPLICATION_STATES: dict[str, str] = {
    A.submitted: "Submitted",
    A.withdrawn: "Withdrawn before the deadline",
    A.forwarded: "With the host",
    A.offered: "Offered",
    A.accepted: "Accepted",
    A.introduced: "Introduced",
    A.declined: "Declined",
    A.lapsed: "Lapsed",
    A.not_successful: "Not successful",
    A.withdrawn_after_acceptance: "Withdrew after accepting",
}
MESSAGE_KINDS = {kind: kind.value.replace("_", " ").capitalize() for kind in MessageKind}
MESSAGE_STATES = {
    EmailStatus.pending: ("Waiting to send", "yellow"),
    EmailStatus.sent: ("Sent", "green"),
    EmailStatus.failed: ("Failed", "red"),
    EmailStatus.skipped: ("Not sent", "grey"),
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
