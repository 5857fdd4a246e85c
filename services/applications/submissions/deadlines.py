"""Which round a submission belongs to, by the round's clock, and the words of a refusal
when it is late (R4, R14). Pure: the clock is passed in."""

from __future__ import annotations

from datetime import datetime

from mip.core import when
from mip.core.errors import InvalidInput, NotFound
from services.applications.catalogue.schemas import Placement, Round


class LateSubmission(InvalidInput):
    slug = "applications-closed"
    title = "Applications are closed"


def phase_of(found: Round, placement: Placement, now: datetime) -> str:
    """Which round a submission at `now` belongs to, or why none will take it (R4, R14)."""
    clock = found.clock
    if now < clock.advertise_at:
        raise NotFound(f"There is no advertised placement {placement.id}.")
    if now < clock.deadline_at:
        return "first"
    opens, closes = clock.second_round_opens_at, clock.second_round_deadline_at
    if opens and closes and opens <= now < closes and placement.readvertised:
        return "second"
    raise _late(found, placement, now)


def _late(found: Round, placement: Placement, now: datetime) -> LateSubmission:
    """The refusal names the deadline that was applied, as the round's clock has it (R14)."""
    clock = found.clock
    opens, closes = clock.second_round_opens_at, clock.second_round_deadline_at
    if placement.readvertised and opens and closes and now >= closes:
        deadline, which = closes, "Applications to the second round closed"
    else:
        deadline, which = clock.deadline_at, "Applications closed"
    detail = f"{which} at {when.when(deadline)}"
    if placement.readvertised and opens and now < opens:
        detail += f"; this placement is re-advertised in a second round from {when.when(opens)}"
    return LateSubmission(
        f"{detail}. Late applications cannot be accepted, whatever the reason.",
        deadline=deadline.isoformat(),
    )
