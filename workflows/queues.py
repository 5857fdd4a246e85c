"""Task queues: Temporal is the broker, and each service serves its activities on its own.

A deployment may prefix every queue (MIP_TASK_QUEUE_PREFIX) to share one namespace with
another; workflow code finds its siblings from the queue it runs on, so the prefix needs
no plumbing through workflow inputs.
"""

from temporalio import workflow

WORKFLOWS = "mip-workflows"
# Workflows a person waits on and that number in the hundreds, not the thousands: a
# host's ranking is an update of the placement's workflow, and the round's workflow sends
# each host's digest (rounds made before this stay on WORKFLOWS). On a queue (and so a
# sticky queue) of their own, their tasks do not wait behind a round's thousands of
# applications' (issue 24). The same worker process polls both.
INTERACTIVE = "mip-interactive"
WORKFLOW_QUEUES = (WORKFLOWS, INTERACTIVE)
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
