"""Answers to offers whose workflow has finished: say why, from its last state."""

from __future__ import annotations

from typing import Any

from temporalio.client import WorkflowHandle, WorkflowQueryFailedError
from temporalio.service import RPCError

from mip.core.errors import Conflict, NotFound
from workflows.application import ApplicationView, ApplicationWorkflow

FINAL_REASONS = {
    "lapsed": "The offer has lapsed.",
    "declined": "The offer was declined.",
    "withdrawn": "The application was withdrawn.",
    "withdrawn_after_acceptance": "You withdrew after accepting.",
    "not_successful": "The application was not successful.",
    "introduced": "You have already accepted this offer.",
}


async def why_offer_closed(handle: WorkflowHandle[Any, Any]) -> Exception:
    try:
        view: ApplicationView = await handle.query(ApplicationWorkflow.view)
    except (RPCError, WorkflowQueryFailedError):
        return NotFound("There is no such application workflow.")
    reason = FINAL_REASONS.get(
        view.status.value, f"The offer is no longer open ({view.status.value})."
    )
    return Conflict(reason, reason=view.status.value)
