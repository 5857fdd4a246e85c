"""What the HousekeepingWorkflow (workflows/housekeeping.py) asks of the services: the
rows of the retention schedule that belong to no round (docs/privacy.md), erased once
their period has passed.

Each service publishes its own erasures' names in its contract; the outbox is the core's
table, so the core serves its pruning for every service that has one (as it serves
`describe`), and its name and the payload every erasure takes live here, below the
services and the workflow that calls them.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

# Started workflows' rows of a service's `workflow_outbox`, started before the cutoff.
PRUNE_OUTBOX = "prune_outbox"


class Cutoff(BaseModel):
    """Erase what passed its period: whatever its instant (made, started, the session's
    end...) is before `before`, the workflow's clock less the period. Asked again with
    the same cutoff, an erasure erases nothing more."""

    before: datetime
