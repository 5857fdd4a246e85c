"""Task queues: Temporal is the broker, and each service serves its activities on its own.

A deployment may prefix every queue (MIP_TASK_QUEUE_PREFIX) to share one namespace with
another; workflow code finds its siblings from the queue it runs on, so the prefix needs
no plumbing through workflow inputs.
"""

from temporalio import workflow

WORKFLOWS = "mip-workflows"
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
    prefix = workflow.info().task_queue.removesuffix(WORKFLOWS)
    return prefix + queue
