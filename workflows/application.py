"""ApplicationWorkflow: one application's life, durable (P1).

submitted -> (confirmation e-mailed) -> withdrawn | forwarded -> ... (offers: next issue)

The applications service starts it with id `application-<id>` when a submission is
accepted; its status lives in the service's table (written by an activity) and in the
ApplicationStatus search attribute, so operators find it in the Temporal UI.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel
from temporalio import workflow
from temporalio.exceptions import ApplicationError

from workflows import search
from workflows.notifications import EmailRequest, MessageKind, send_email
from workflows.queues import APPLICATIONS, sibling

RECORD_STATUS = "record_application_status"


class ApplicationStatus(StrEnum):
    submitted = "submitted"
    withdrawn = "withdrawn"
    forwarded = "forwarded"


class ApplicationInput(BaseModel):
    application_id: str
    round_id: str
    placement_id: str
    applicant_email: str
    deadline_at: datetime
    confirmation: dict[str, Any]
    # The time-skipping test server has no custom search attributes.
    search_attributes: bool = True


class StatusChange(BaseModel):
    application_id: str
    status: ApplicationStatus
    actor: str
    reason: str


class WithdrawRequest(BaseModel):
    actor: str
    reason: str = ""


class ApplicationView(BaseModel):
    application_id: str
    status: ApplicationStatus
    confirmation_sent: bool


def workflow_id(application_id: str) -> str:
    return f"application-{application_id}"


@workflow.defn
class ApplicationWorkflow:
    def __init__(self) -> None:
        self._status = ApplicationStatus.submitted
        self._input: ApplicationInput | None = None
        self._confirmation_sent = False

    @workflow.run
    async def run(self, request: ApplicationInput) -> ApplicationStatus:
        self._input = request
        if request.search_attributes:
            workflow.upsert_search_attributes(
                [
                    search.ROUND_ID.value_set(request.round_id),
                    search.PLACEMENT_ID.value_set(request.placement_id),
                    search.APPLICANT_EMAIL.value_set(request.applicant_email),
                    search.APPLICATION_STATUS.value_set(self._status.value),
                ]
            )
        await send_email(
            EmailRequest(
                kind=MessageKind.confirmation,
                to=[request.applicant_email],
                data=request.confirmation,
                idempotency_key=f"{workflow.info().workflow_id}/confirmation",
                round_id=request.round_id,
                subject_ref=workflow.info().workflow_id,
            )
        )
        self._confirmation_sent = True
        self._set_details()
        await workflow.wait_condition(lambda: self._status is not ApplicationStatus.submitted)
        return self._status

    @workflow.query
    def view(self) -> ApplicationView:
        assert self._input is not None
        return ApplicationView(
            application_id=self._input.application_id,
            status=self._status,
            confirmation_sent=self._confirmation_sent,
        )

    @workflow.update
    async def withdraw(self, request: WithdrawRequest) -> ApplicationView:
        await self._change(ApplicationStatus.withdrawn, request.actor, request.reason)
        return self.view()

    @withdraw.validator
    def _validate_withdraw(self, request: WithdrawRequest) -> None:
        assert self._input is not None
        if self._status is not ApplicationStatus.submitted:
            raise ApplicationError(
                f"The application is {self._status.value}; only a submitted one can be withdrawn.",
                type="NotWithdrawable",
                non_retryable=True,
            )
        if workflow.now() >= self._input.deadline_at:
            raise ApplicationError(
                "The deadline has passed; withdrawing now is done with the office.",
                type="NotWithdrawable",
                non_retryable=True,
            )

    async def _change(self, status: ApplicationStatus, actor: str, reason: str) -> None:
        assert self._input is not None
        await workflow.execute_activity(
            RECORD_STATUS,
            StatusChange(
                application_id=self._input.application_id, status=status, actor=actor, reason=reason
            ),
            task_queue=sibling(APPLICATIONS),
            start_to_close_timeout=timedelta(seconds=30),
        )
        self._status = status
        if self._input.search_attributes:
            workflow.upsert_search_attributes([search.APPLICATION_STATUS.value_set(status.value)])
        self._set_details()

    def _set_details(self) -> None:
        sent = "confirmation sent" if self._confirmation_sent else "confirmation pending"
        workflow.set_current_details(f"{self._status.value}; {sent}")
