"""Every workflow's id, made and read here and nowhere else.

A workflow's id is its idempotency key: a service starts `application-<id>` once however
often a request is retried, and the round, placement and application workflows find each
other by id alone. So the form of each id is a contract between the services that start
workflows, the workflows that signal each other, the logs, and an operator in the Temporal UI.
It lives in the core, below the workflows and the services, so that all of them can use
it; `tests/test_ids.py` checks that no other module formats one.
"""

from __future__ import annotations

from typing import Literal
from uuid import UUID

Phase = Literal["first", "second"]
Id = str | UUID

_APPLICATION = "application-"
_ROUND = "round-"
_PLACEMENT = "placement-"
_CLAIM = "expense-claim-"
_EMAIL = "email-"
_ALERTS = "alerts-"


def application(application_id: Id) -> str:
    return f"{_APPLICATION}{application_id}"


def round_(round_id: Id) -> str:
    return f"{_ROUND}{round_id}"


def placement(placement_id: Id, phase: str) -> str:
    """One placement's offers in one round: a re-advertised placement has a second."""
    return f"{_PLACEMENT}{placement_id}-{phase}"


def expense_claim(claim_id: Id) -> str:
    return f"{_CLAIM}{claim_id}"


def email(idempotency_key: str) -> str:
    """The one id a message's `DeliverEmailWorkflow` runs under: a second start is a no-op."""
    return f"{_EMAIL}{idempotency_key}"


def alerts(announcement_id: str) -> str:
    return f"{_ALERTS}{announcement_id}"


def announcement(round_id: Id, what: str) -> str:
    """A round's announcement to the alerts list, once per round and kind."""
    return f"{round_(round_id)}-{what}"


def placement_subject(placement_id: Id) -> str:
    """What a message about a placement (its host's digest) is filed under."""
    return f"{_PLACEMENT}{placement_id}"


def application_of(workflow_id: str) -> str | None:
    """The application an id names, or None if it names another kind of workflow."""
    rest = workflow_id.removeprefix(_APPLICATION)
    return rest if rest != workflow_id and rest else None
