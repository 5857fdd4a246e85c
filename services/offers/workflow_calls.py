"""Calling the workflows' updates, and turning their refusals into 409s a person can read."""

from __future__ import annotations

from typing import Any

from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from mip.core.errors import Conflict, NotFound
from workflows.application import ApplicationView, ApplicationWorkflow

CLOSED = "The offer is no longer open"
FINAL_REASONS = {
    "lapsed": "The offer has lapsed.",
    "declined": "The offer was declined.",
    "withdrawn": "The application was withdrawn.",
    "withdrawn_after_acceptance": "You withdrew after accepting.",
    "not_successful": "The application was not successful.",
    "introduced": "You have already accepted this offer.",
}


async def run_update(handle: WorkflowHandle[Any, Any], update: Any, arg: Any) -> Any:
    try:
        return await handle.execute_update(update, arg)
    except WorkflowUpdateFailedError as exc:
        cause = exc.cause
        message = cause.message if isinstance(cause, ApplicationError) else str(cause)
        kind = cause.type if isinstance(cause, ApplicationError) else None
        raise Conflict(message, reason=kind) from exc
    except RPCError as exc:
        if exc.status is not RPCStatusCode.NOT_FOUND:
            raise
        raise await _closed(handle) from exc


async def _closed(handle: WorkflowHandle[Any, Any]) -> Exception:
    """The workflow has finished: say why, from its last state."""
    try:
        view: ApplicationView = await handle.query(ApplicationWorkflow.view)
    except RPCError:
        return NotFound("There is no such workflow.")
    reason = FINAL_REASONS.get(view.status.value, f"{CLOSED} ({view.status.value}).")
    return Conflict(reason, reason=view.status.value)
