"""Workflow changes are safe: every history in tests/histories/ (recorded from a real run of
a whole round by `python -m tests.support.record_histories`) replays on the workflow code as
it is, so a change that would break a running workflow fails CI."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from mip.core.codec import data_converter
from mip.core.settings import Settings
from workflows.stack_check import ServiceAnswer, StackCheckInput, StackCheckResult
from workflows.worker import ALL_WORKFLOWS

HISTORIES = Path(__file__).resolve().parents[1] / "histories"
# Histories recorded after a change sit in a folder beside the older ones: all replay.
RECORDED = sorted(HISTORIES.rglob("*.json"))


def _replayer(workflows: list[type], *passthrough: str) -> Replayer:
    # As workflows.worker.build_worker runs them: same sandbox passthrough, same converter.
    return Replayer(
        workflows=workflows,
        workflow_runner=SandboxedWorkflowRunner(
            restrictions=SandboxRestrictions.default.with_passthrough_modules(
                "workflows", *passthrough
            )
        ),
        data_converter=data_converter(Settings()),
    )


def _history(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(path.stem, path.read_text())


def _workflow_type(path: Path) -> str:
    started = json.loads(path.read_text())["events"][0]
    name: str = started["workflowExecutionStartedEventAttributes"]["workflowType"]["name"]
    return name


def test_every_workflow_type_has_a_recorded_history() -> None:
    recorded = {_workflow_type(p) for p in RECORDED}
    assert {w.__name__ for w in ALL_WORKFLOWS} <= recorded


async def test_every_recorded_history_replays_on_the_code_as_it_is() -> None:
    replayer = _replayer(ALL_WORKFLOWS)
    for path in RECORDED:
        await replayer.replay_workflow(_history(path), raise_on_replay_failure=True)


@workflow.defn(name="StackCheckWorkflow")
class ChangedStackCheckWorkflow:
    """StackCheckWorkflow with a deliberately non-deterministic edit: it now waits on a
    timer before asking the services, a command the recorded history never saw."""

    @workflow.run
    async def run(self, request: StackCheckInput) -> StackCheckResult:
        await asyncio.sleep(timedelta(seconds=1).total_seconds())
        return StackCheckResult(
            answers=[ServiceAnswer(service=s, error="changed") for s in request.services]
        )


async def test_a_nondeterministic_change_fails_replay() -> None:
    history = _history(HISTORIES / "StackCheckWorkflow.json")
    # The same history replays on the real class (so the failure below is the edit's) ...
    await _replayer(ALL_WORKFLOWS).replay_workflow(history, raise_on_replay_failure=True)
    # ... and not on the changed one.
    with pytest.raises(workflow.NondeterminismError, match="Nondeterminism"):
        # This module is passed through the sandbox as `workflows` is: it is test code.
        await _replayer([ChangedStackCheckWorkflow], __name__).replay_workflow(
            history, raise_on_replay_failure=True
        )
