"""Task queues: Temporal is the broker, and each service serves its activities on its own.

A deployment may prefix every queue (MIP_TASK_QUEUE_PREFIX) to share one namespace with
another; workflow code finds its siblings from the queue it runs on, so the prefix needs
no plumbing through workflow inputs.
"""

from temporalio import workflow
from temporalio.common import Priority

WORKFLOWS = "mip-workflows"
# Workflows a person waits on and that number in the hundreds, not the thousands: a
# host's ranking is an update of the placement's workflow, and the round's workflow sends
# each host's digest (rounds made before this stay on WORKFLOWS). On a queue (and so a
# sticky queue) of their own, their tasks do not wait behind a round's thousands of
# applications' (issue 24). The same worker process polls both.
INTERACTIVE = "mip-interactive"
WORKFLOW_QUEUES = (WORKFLOWS, INTERACTIVE)
# The round's steps at a deadline, ahead of the rush's own tasks on the services' queues:
# at full size the applications' queue held thousands of the rush's read-model writes, and
# the round's one activity that forwards every application waited 23 s behind them
# (issue 24). Tasks carry priority 3 unless told; 1 goes first.
AHEAD = Priority(priority_key=1)
APPLICATIONS = "mip-applications"
OFFERS = "mip-offers"
EXPENSES = "mip-expenses"
NOTIFICATIONS = "mip-notifications"

SERVICE_QUEUES: dict[str, str] = {
    "applications": APPLICATIONS,
    "offers": OFFERS,
    "expenses": EXPENSES,
    "notifications": NOTIFICATIONS,
}


def sibling(queue: str) -> str:
    """From workflow code: `queue`, with the prefix of the queue this workflow runs on."""
    own = workflow.info().task_queue
    for workflows_queue in WORKFLOW_QUEUES:
        if own.endswith(workflows_queue):
            return own.removesuffix(workflows_queue) + queue
    return own + queue
