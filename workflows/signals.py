"""Signals between workflows that may already have closed: a closed one needs nothing.

A signal is named by its handler (`ApplicationWorkflow.offer`), never by a string, so the
sender's "go to definition" is the handler, a renamed handler fails the type check, and
the payload's type is the handler's parameter's."""

from __future__ import annotations

from typing import Any, overload

from temporalio import workflow
from temporalio.exceptions import FailureError
from temporalio.types import (
    MethodSyncOrAsyncNoParam,
    MethodSyncOrAsyncSingleParam,
    ParamType,
    SelfType,
)

_NO_PAYLOAD: Any = object()


@overload
async def signal_quietly(
    workflow_id: str, signal: MethodSyncOrAsyncNoParam[SelfType, None]
) -> bool: ...


@overload
async def signal_quietly(
    workflow_id: str,
    signal: MethodSyncOrAsyncSingleParam[SelfType, ParamType, None],
    payload: ParamType,
) -> bool: ...


async def signal_quietly(workflow_id: str, signal: Any, payload: Any = _NO_PAYLOAD) -> bool:
    """Signal `workflow_id`; False if it has closed (or never existed)."""
    handle = workflow.get_external_workflow_handle(workflow_id)
    try:
        if payload is _NO_PAYLOAD:
            await handle.signal(signal)
        else:
            await handle.signal(signal, payload)
    except FailureError:
        workflow.logger.info("%s has closed; %s not delivered", workflow_id, signal.__name__)
        return False
    return True
