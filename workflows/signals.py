"""Signals between workflows that may already have closed: a closed one needs nothing."""

from __future__ import annotations

from typing import Any

from temporalio import workflow
from temporalio.exceptions import FailureError


async def signal_quietly(workflow_id: str, signal: str, arg: Any = None) -> bool:
    """Signal `workflow_id`; False if it has closed (or never existed)."""
    handle = workflow.get_external_workflow_handle(workflow_id)
    try:
        if arg is None:
            await handle.signal(signal)
        else:
            await handle.signal(signal, arg)
    except FailureError:
        workflow.logger.info("%s has closed; %s not delivered", workflow_id, signal)
        return False
    return True
