"""Every workflow's id, made and read here and nowhere else.

A workflow's id is its idempotency key: a service starts `application-<id>` once however
often a request is retried, and the round, placement and application workflows find each
other by id alone. So the form of each id is a contract between the services that start
workflows, the workflows that signal each other, the logs, and an operator in the Temporal UI.
It lives in the core, below the workflows and the services, so that all of them can use
it; `tests/test_ids.py` checks that no other module formats one.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

Id = str | UUID


@dataclass(frozen=True)
class Prefixed:
    """One kind of id: a fixed prefix, then the key it is for."""

    prefix: str

    def __call__(self, key: Id) -> str:
        return f"{self.prefix}{key}"

    def of(self, workflow_id: str) -> str | None:
        """The key an id of this kind names, or None if it is of another kind."""
        key = workflow_id.removeprefix(self.prefix)
        return key if key != workflow_id and key else None


application = Prefixed("application-")
round_ = Prefixed("round-")
expense_claim = Prefixed("expense-claim-")
# The one id a message's `DeliverEmailWorkflow` runs under: a second start is a no-op.
email = Prefixed("email-")
alerts = Prefixed("alerts-")
# A round's retention schedule (docs/privacy.md): one for each round, started with it.
retention = Prefixed("retention-")
# What a message about a placement (its host's digest) is filed under.
placement_subject = Prefixed("placement-")
# One person's erasure, keyed by the keyed hash of their address (never the address: ids
# are shown in clear), so a second request for the same person is the same workflow.
erasure = Prefixed("erasure-")


def housekeeping(task_queue_prefix: str) -> str:
    """The deployment's one HousekeepingWorkflow (docs/privacy.md): the rows that belong to
    no round, swept daily. Deployments sharing a namespace tell theirs apart by their
    queues' prefix (MIP_TASK_QUEUE_PREFIX), as their workers do."""
    return f"{task_queue_prefix}housekeeping"


def placement(placement_id: Id, phase: str) -> str:
    """One placement's offers in one round: a re-advertised placement has a second."""
    return f"{placement_subject(placement_id)}-{phase}"


def announcement(round_id: Id, what: str) -> str:
    """A round's announcement to the alerts list, once per round and kind."""
    return f"{round_(round_id)}-{what}"
