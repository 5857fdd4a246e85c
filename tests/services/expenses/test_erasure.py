"""Erasure on request (issue 23 item 4) of an intern with a claim the host has still to
decide: the claim and its receipt go, and so does its workflow, which would otherwise go
on reminding the host about a claim no longer there."""

from __future__ import annotations

from typing import Any

import httpx
from temporalio.client import WorkflowExecutionStatus

from launcher.mailcatcher import MailCatcher
from mip.core import ids
from mip.core.auth import Role
from mip.core.settings import Settings
from tests.support.auth import auth
from tests.support.expense_claims import INTERN, LONDON_FIRM, add_line, intern_with_placement
from tests.support.stack import Stack, round_stack
from tests.support.waiting import eventually


async def _claim_waiting_for_the_host(stack: Stack, smtp: MailCatcher) -> str:
    application_id, placement = await intern_with_placement(stack, LONDON_FIRM)
    await stack.apps["applications"].state.runtime.pool.execute(
        "UPDATE applications SET status = 'introduced' WHERE id = $1", application_id
    )
    expenses, me = stack.http["expenses"], auth(stack.settings, Role.applicant, INTERN)
    made = await expenses.post("/v1/claims", json={"application_id": application_id}, headers=me)
    claim_id: str = made.json()["id"]
    line = await add_line(expenses, claim_id, me, "lunch", placement["days"][0], "12.40")
    assert line.status_code == 201, line.text
    submitted = await expenses.post(f"/v1/claims/{claim_id}/submit", headers=me)
    assert submitted.status_code == 200, submitted.text

    async def host_told() -> bool:
        return any(m["To"] == LONDON_FIRM["contact_email"] for m in smtp.store.messages())

    await eventually(host_told)
    return claim_id


async def _erase(http: httpx.AsyncClient, settings: Settings) -> dict[str, Any]:
    async def finished() -> dict[str, Any] | None:
        answer = await http.post(
            f"/v1/office/people/{INTERN}/erasure", headers=auth(settings, Role.office)
        )
        assert answer.status_code == 200, answer.text
        state: dict[str, Any] = answer.json()
        return state if state["finished"] else None

    return await eventually(finished, timeout_s=60)


async def test_erasing_an_intern_ends_the_claim_the_host_has_still_to_decide(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    async with round_stack(mail_settings, expenses=True) as stack:
        claim_id = await _claim_waiting_for_the_host(stack, smtp)
        first = await _erase(stack.http["applications"], stack.settings)
        again = await _erase(stack.http["applications"], stack.settings)
        claim = await stack.temporal.get_workflow_handle(ids.expense_claim(claim_id)).describe()
        host_reads = await stack.http["expenses"].get(
            f"/v1/claims/{claim_id}",
            headers=auth(stack.settings, Role.host, LONDON_FIRM["contact_email"]),
        )
        left = await stack.apps["expenses"].state.runtime.pool.fetchval(
            "SELECT count(*) FROM claims"
        )
    expenses = next(s for s in first["outcome"]["services"] if s["service"] == "expenses")
    assert expenses["removed"]["claims"] == 1
    assert expenses["kept"] == []
    assert claim.status is WorkflowExecutionStatus.TERMINATED
    assert host_reads.status_code == 404
    assert left == 0
    # Nothing left to end or remove the second time.
    expenses_again = next(s for s in again["outcome"]["services"] if s["service"] == "expenses")
    assert set(expenses_again["removed"].values()) == {0}
