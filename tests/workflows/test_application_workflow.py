"""ApplicationWorkflow's first steps on the time-skipping server, its activities stubbed."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import WorkflowUpdateFailedError

from tests.support.offer_harness import harness
from workflows.application import ApplicationWorkflow, WithdrawRequest

ADA = "ada@example.org"


async def test_the_confirmation_is_the_first_step_and_keyed_by_the_workflow() -> None:
    async with harness() as h:
        ada = await h.apply("a", ADA)
        view = await ada.execute_update(ApplicationWorkflow.withdraw, WithdrawRequest(actor=ADA))
        result = await ada.result()
    [confirmation] = h.world.emails
    assert confirmation.kind.value == "confirmation"
    assert confirmation.idempotency_key == "application-a/confirmation"
    assert view.status.value == "withdrawn"
    assert result == "withdrawn"
    assert h.world.statuses["a"] == ["withdrawn"]


async def test_r12_a_withdrawal_after_the_deadline_is_refused_by_the_workflow() -> None:
    async with harness() as h:
        ada = await h.apply("a", ADA)  # the harness's deadline is an hour away
        await h.env.sleep(timedelta(hours=2))
        try:
            await ada.execute_update(ApplicationWorkflow.withdraw, WithdrawRequest(actor=ADA))
        except WorkflowUpdateFailedError as exc:
            refused = exc
    assert "deadline has passed" in str(refused.cause)
    assert "a" not in h.world.statuses
