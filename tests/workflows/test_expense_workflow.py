"""ExpenseClaimWorkflow on the time-skipping server: the five-day reminder and the
ten-day escalation, and the path from decision to payment."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from temporalio import activity
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from services.expenses.contract import RECORD_CLAIM, ClaimChange, LineDecision
from services.notifications.contract import SEND_EMAIL, EmailOutcome, EmailRequest, EmailStatus
from tests.support.time_skipping import time_skipping
from workflows.expense_claim import ClaimInput, ExpenseClaimWorkflow, HostDecision, Message
from workflows.queues import EXPENSES, NOTIFICATIONS, WORKFLOWS

HOST, INTERN, OFFICE = "sam@isis.example.com", "ada@example.org", "office@example.org"


class Services:
    def __init__(self) -> None:
        self.emails: list[EmailRequest] = []
        self.changes: list[ClaimChange] = []

    @activity.defn(name=SEND_EMAIL)
    async def send(self, request: EmailRequest) -> EmailOutcome:
        self.emails.append(request)
        return EmailOutcome(message_id="m", status=EmailStatus.sent, attempts=1)

    @activity.defn(name=RECORD_CLAIM)
    async def record(self, change: ClaimChange) -> None:
        self.changes.append(change)

    def notes_to(self, address: str) -> list[str]:
        return [e.data["note"] for e in self.emails if e.to == [address]]


@asynccontextmanager
async def claim(
    services: Services,
) -> AsyncIterator[tuple[WorkflowEnvironment, WorkflowHandle[Any, Any]]]:
    async with time_skipping(
        [ExpenseClaimWorkflow], {NOTIFICATIONS: [services.send], EXPENSES: [services.record]}
    ) as env:
        handle = await env.client.start_workflow(
            ExpenseClaimWorkflow.run,
            ClaimInput(
                claim_id="c1",
                placement_id="p1",
                placement_title="Silver",
                intern_email=INTERN,
                intern_name="Ada",
                host_contact_email=HOST,
                host_contact_name="Sam",
                office_email=OFFICE,
                line_ids=["l1", "l2"],
                owed_pence=1840,
            ),
            id="expense-claim-c1",
            task_queue=WORKFLOWS,
        )
        yield env, handle


async def test_p5_the_host_is_reminded_at_five_days_and_the_office_told_at_ten() -> None:
    services = Services()
    async with claim(services) as (env, _):
        await env.sleep(timedelta(days=4, hours=23))
        before = list(services.notes_to(HOST))
        await env.sleep(timedelta(hours=2))
        reminded = list(services.notes_to(HOST))
        await env.sleep(timedelta(days=4, hours=22))
        office_before = services.notes_to(OFFICE)
        await env.sleep(timedelta(hours=2))
        office_after = services.notes_to(OFFICE)
    assert before == ["A claim is waiting for your decision."]
    assert reminded[-1] == "This claim has waited five days for your decision."
    assert office_before == []
    assert office_after == ["This claim has waited ten days for the host's decision."]


async def test_p5_decision_with_reasons_then_payment_closes_the_claim() -> None:
    services = Services()
    async with claim(services) as (_env, handle):
        unexplained = None
        try:
            await handle.execute_update(
                ExpenseClaimWorkflow.decide,
                HostDecision(
                    decided_by=HOST,
                    lines=[
                        LineDecision(line_id="l1", approve=True),
                        LineDecision(line_id="l2", approve=False),
                    ],
                ),
            )
        except WorkflowUpdateFailedError as exc:
            unexplained = exc
        await handle.execute_update(
            ExpenseClaimWorkflow.ask, Message(author=HOST, text="Which day?")
        )
        await handle.execute_update(
            ExpenseClaimWorkflow.answer, Message(author=INTERN, text="Tuesday")
        )
        decided = await handle.execute_update(
            ExpenseClaimWorkflow.decide,
            HostDecision(
                decided_by=HOST,
                lines=[
                    LineDecision(line_id="l1", approve=True),
                    LineDecision(line_id="l2", approve=False, reason="No receipt date"),
                ],
            ),
        )
        paid = await handle.execute_update(
            ExpenseClaimWorkflow.record_payment, Message(author=HOST, text="Paid by bank transfer")
        )
        result = await handle.result()
    assert "reason for every line you refuse" in str(unexplained.cause if unexplained else "")
    assert decided.status.value == "partly_approved"
    assert paid.status.value == "paid"
    assert result == "paid"
    assert [c.status.value for c in services.changes] == [
        "question",
        "submitted",
        "partly_approved",
        "paid",
    ]
    assert services.notes_to(INTERN) == [
        "Your host asks: Which day?",
        "No receipt date",
        "Paid by bank transfer",
    ]


def test_an_input_written_before_search_attributes_were_always_set_still_reads() -> None:
    """Histories keep their inputs for months: the switch they once carried is ignored."""
    old = {
        "claim_id": "c1",
        "placement_id": "p1",
        "placement_title": "Silver",
        "intern_email": INTERN,
        "intern_name": "Ada",
        "host_contact_email": HOST,
        "host_contact_name": "Sam",
        "office_email": OFFICE,
        "line_ids": ["l1"],
        "owed_pence": 800,
        "search_attributes": True,
    }
    assert ClaimInput.model_validate(old).owed_pence == 800
