"""A round's placement workflows, started at its deadline, all at once (issue 24).

The round used to start each as its child. At full size each start, and each of the
round's other steps for each placement, waited its turn on the round's one history: the
hundredth placement began a minute after the deadline, and its host's digest after that.
Here the offers service starts them all in one activity of the round.
"""

from __future__ import annotations

import logging
from functools import partial

from temporalio.client import Client
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError

from mip.core.aio import at_most
from services.offers.contract import PlacementStart
from workflows import search
from workflows.placement import PlacementWorkflow

log = logging.getLogger(__name__)
# Starts in flight at once: enough to start a hundred in a few seconds on a busy engine.
AT_ONCE = 16


async def start_all(client: Client, starts: list[PlacementStart]) -> int:
    """Start each placement's workflow, once: a retry finds those it started. The number
    started now."""
    return sum(await at_most(AT_ONCE, (partial(start, client, s) for s in starts)))


async def start(client: Client, request: PlacementStart) -> bool:
    """Start one placement's workflow; False if it runs or has run already."""
    opening = request.opening
    try:
        await client.start_workflow(
            PlacementWorkflow.run,
            opening,
            id=request.workflow_id,
            task_queue=request.task_queue,
            # An operator finds a round's placements in the Temporal UI by these.
            search_attributes=TypedSearchAttributes(
                [
                    SearchAttributePair(search.ROUND_ID, opening.round_id),
                    SearchAttributePair(search.PLACEMENT_ID, opening.placement_id),
                ]
            ),
            # A closed one is never started again; a running one is left as it is.
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )
    except WorkflowAlreadyStartedError:
        log.info("placement workflow %s has been started already", request.workflow_id)
        return False
    return True
