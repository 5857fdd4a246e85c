"""A placement's offers workflow, started for the round at its deadline (issue 24).

The round used to start it as a child workflow. At full size the engine queued those
starts behind the rush's backlog (the hundredth began a minute after the deadline) and
each host's digest waited on its placement's; started here, by the client, they all begin
within seconds. The round still waits for the start, so that a host's ranking always finds
the workflow.
"""

from __future__ import annotations

import logging

from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from services.offers.contract import PlacementStart
from workflows.placement import PlacementWorkflow

log = logging.getLogger(__name__)


async def start(client: Client, request: PlacementStart) -> None:
    """Start the placement's workflow, once: a retry finds the one it started."""
    try:
        await client.start_workflow(
            PlacementWorkflow.run,
            request.opening,
            id=request.workflow_id,
            task_queue=request.task_queue,
            # A retried start finds the workflow it started, running or closed, and the
            # closed one is never started again.
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )
    except WorkflowAlreadyStartedError:
        log.info("placement workflow %s has run already", request.workflow_id)
