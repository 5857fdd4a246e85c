"""When a round's placements stop taking rankings: early enough that every applicant has
heard by the outcomes-by date (R18), not only begun to hear at it.

At the close every candidate never offered a place is told "not successful this time" at
once, and telling thousands takes the engine a while: at full size on the smallest
deployment (2 cores, the Temporal dev server) 40 to 47 ms an application
(docs/benchmarks.md). The placements therefore close that long ahead of the promise,
with room to spare. A real round's dates are weeks apart, so this is minutes; a rehearsal
or test squeezed into minutes keeps at least a third of its time for ranking.
"""

from __future__ import annotations

from datetime import datetime, timedelta

# Per application still to be told at the close: the slowest measured, and a quarter more.
TELLING_EACH = timedelta(milliseconds=60)


def ranking_closes_at(deadline_at: datetime, outcomes_at: datetime, applications: int) -> datetime:
    """The instant a first-round placement closes: `outcomes_at` less the time it takes
    to tell `applications` candidates, but never before the first third of the time
    between the deadline and the outcomes-by date is over."""
    lead = min(TELLING_EACH * applications, (outcomes_at - deadline_at) * 2 / 3)
    return outcomes_at - max(lead, timedelta(0))
