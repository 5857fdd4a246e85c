"""Which round a submission belongs to, by the round's clock, and the words of a refusal
when it is late (R4, R14). Pure: the clock is passed in."""

from __future__ import annotations

from datetime import datetime

from mip.core import when
from mip.core.errors import InvalidInput, NotFound
from services.applications.catalogue.schemas import Placement, Round
from services.applications.contract import Window


class LateSubmission(InvalidInput):
    slug = "applications-closed"
    title = "Applications are closed"


def open_window(found: Round, placement: Placement, now: datetime) -> Window:
    """The round a submission at `now` belongs to, with its deadline, or why none will
    take it (R4, R14)."""
    if now < found.clock.advertise_at:
        raise NotFound(f"There is no advertised placement {placement.id}.")
    window = found.clock.window(now, readvertised=placement.readvertised)
    if not window.open:
        raise _late(window)
    return window


def _late(window: Window) -> LateSubmission:
    """The refusal names the deadline that was applied, as the round's clock has it (R14)."""
    which = (
        "Applications to the second round closed"
        if window.phase == "second"
        else "Applications closed"
    )
    detail = f"{which} at {when.when(window.deadline)}"
    if window.reopens_at is not None:
        detail += (
            "; this placement is re-advertised in a second round from "
            f"{when.when(window.reopens_at)}"
        )
    return LateSubmission(
        f"{detail}. Late applications cannot be accepted, whatever the reason.",
        deadline=window.deadline.isoformat(),
    )
