"""ExpenseClaimWorkflow: a claim from submission to payment (P5).

    submitted --host decides--> approved | partly_approved | refused --payment--> paid
        ^  |
        |  +--host asks a question--> question --intern answers--+

The host is reminded after five days without a decision, and the office told after ten.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, Field
from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from services.expenses.contract import RECORD_CLAIM, ClaimChange, ClaimStatus, LineDecision
    from services.notifications.contract import EmailRequest, MessageKind
    from services.portal.contract import Page, PageName

from workflows import search
from workflows.notifications import send_email
from workflows.queues import EXPENSES, sibling

REMIND_AFTER = timedelta(days=5)
ESCALATE_AFTER = timedelta(days=10)


class ClaimInput(BaseModel):
    claim_id: str
    placement_id: str
    placement_title: str
    intern_email: str
    intern_name: str
    host_contact_email: str
    host_contact_name: str
    office_email: str
    line_ids: list[str]
    owed_pence: int
    # What people read instead of the claim's id ("MIP-27A-0042-E1"); claims started
    # before references were given have none, and their e-mails name the placement alone.
    reference: str = ""


class HostDecision(BaseModel):
    decided_by: str
    lines: list[LineDecision] = Field(min_length=1)


class Message(BaseModel):
    author: str
    text: str = Field(min_length=1, max_length=2000)


class ClaimView(BaseModel):
    claim_id: str
    status: ClaimStatus
    reminded: bool
    escalated: bool


def _refuse(message: str) -> ApplicationError:
    return ApplicationError(message, type="NotNow", non_retryable=True)


@workflow.defn
class ExpenseClaimWorkflow:
    @workflow.init
    def __init__(self, request: ClaimInput) -> None:
        self._input = request
        self._status = ClaimStatus.submitted
        self._reminded = False
        self._escalated = False
        self._waiting_since = workflow.now()

    @workflow.run
    async def run(self, request: ClaimInput) -> ClaimStatus:
        workflow.upsert_search_attributes(
            [
                search.PLACEMENT_ID.value_set(request.placement_id),
                search.CLAIM_STATUS.value_set(self._status.value),
            ]
        )
        await self._tell_host("submitted", "A claim is waiting for your decision.")
        while self._status is not ClaimStatus.paid:
            seen = self._status
            try:
                await workflow.wait_condition(
                    lambda seen=seen: self._status is not seen,  # type: ignore[misc]
                    timeout=self._until_nudge(),
                )
            except TimeoutError:
                await self._nudge()
        # An update may still be sending its e-mail; let it finish before the claim closes.
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._status

    @workflow.update
    async def decide(self, decision: HostDecision) -> ClaimView:
        approved = sum(d.approve for d in decision.lines)
        status = (
            ClaimStatus.approved
            if approved == len(decision.lines)
            else ClaimStatus.refused
            if approved == 0
            else ClaimStatus.partly_approved
        )
        refusals = "; ".join(d.reason for d in decision.lines if not d.approve)
        await self._move(status, decision.decided_by, refusals, decision.lines)
        await self._tell_intern(f"decided-{status.value}", refusals)
        return self.view()

    @decide.validator
    def _validate_decide(self, decision: HostDecision) -> None:
        if self._status is not ClaimStatus.submitted:
            raise _refuse(f"The claim is {self._status.value}; it is not waiting for a decision.")
        if sorted(d.line_id for d in decision.lines) != sorted(self._input.line_ids):
            raise _refuse("Decide every line of the claim, each once.")
        if any(not d.approve and not d.reason.strip() for d in decision.lines):
            raise _refuse("Give a reason for every line you refuse.")

    @workflow.update
    async def ask(self, question: Message) -> ClaimView:
        await self._move(ClaimStatus.question, question.author, question.text)
        await self._tell_intern(
            f"question-{workflow.info().get_current_history_length()}",
            f"Your host asks: {question.text}",
        )
        return self.view()

    @ask.validator
    def _validate_ask(self, question: Message) -> None:
        if self._status is not ClaimStatus.submitted:
            raise _refuse(f"The claim is {self._status.value}; questions come before a decision.")

    @workflow.update
    async def answer(self, reply: Message) -> ClaimView:
        await self._move(ClaimStatus.submitted, reply.author, reply.text)
        self._waiting_since, self._reminded, self._escalated = workflow.now(), False, False
        await self._tell_host(
            f"answer-{workflow.info().get_current_history_length()}",
            f"The intern answers: {reply.text}",
        )
        return self.view()

    @answer.validator
    def _validate_answer(self, reply: Message) -> None:
        if self._status is not ClaimStatus.question:
            raise _refuse("There is no question to answer.")

    @workflow.update
    async def record_payment(self, note: Message) -> ClaimView:
        await self._move(ClaimStatus.paid, note.author, note.text)
        await self._tell_intern("paid", note.text)
        return self.view()

    @record_payment.validator
    def _validate_payment(self, note: Message) -> None:
        if self._status not in (ClaimStatus.approved, ClaimStatus.partly_approved):
            raise _refuse(f"The claim is {self._status.value}; payment follows an approval.")

    @workflow.query
    def view(self) -> ClaimView:
        return ClaimView(
            claim_id=self._input.claim_id,
            status=self._status,
            reminded=self._reminded,
            escalated=self._escalated,
        )

    def _until_nudge(self) -> timedelta | None:
        if self._status is not ClaimStatus.submitted or self._escalated:
            return None
        due = ESCALATE_AFTER if self._reminded else REMIND_AFTER
        return max(self._waiting_since + due - workflow.now(), timedelta(0))

    async def _nudge(self) -> None:
        if not self._reminded:
            self._reminded = True
            await self._tell_host("reminder", "This claim has waited five days for your decision.")
            return
        self._escalated = True
        await self._email(
            "escalated",
            self._input.office_email,
            "Internship Office",
            "This claim has waited ten days for the host's decision.",
            page=None,
        )

    async def _move(
        self,
        status: ClaimStatus,
        actor: str,
        note: str,
        decisions: list[LineDecision] | None = None,
    ) -> None:
        self._status = status
        workflow.upsert_search_attributes([search.CLAIM_STATUS.value_set(status.value)])
        workflow.set_current_details(f"{status.value}; {_pounds(self._input.owed_pence)} claimed")
        await workflow.execute_activity(
            RECORD_CLAIM,
            ClaimChange(
                claim_id=self._input.claim_id,
                status=status,
                actor=actor,
                note=note,
                decisions=decisions or [],
            ),
            task_queue=sibling(EXPENSES),
            start_to_close_timeout=timedelta(seconds=30),
        )

    async def _tell_host(self, step: str, note: str) -> None:
        page = Page(name=PageName.host_claim, params={"claim_id": self._input.claim_id})
        await self._email(
            step, self._input.host_contact_email, self._input.host_contact_name, note, page
        )

    async def _tell_intern(self, step: str, note: str) -> None:
        page = Page(name=PageName.applicant_claim, params={"claim_id": self._input.claim_id})
        await self._email(step, self._input.intern_email, self._input.intern_name, note, page)

    async def _email(self, step: str, to: str, name: str, note: str, page: Page | None) -> None:
        await send_email(
            EmailRequest(
                kind=MessageKind.expense_update,
                to=[to],
                data={
                    "recipient_name": name,
                    "placement_title": self._input.placement_title,
                    "claim_reference": self._input.reference,
                    "intern_name": self._input.intern_name,
                    "status_label": self._status.value.replace("_", " "),
                    "amount_label": f"{_pounds(self._input.owed_pence)} claimed",
                    "note": note,
                },
                pages={"claim_url": page} if page else {},
                idempotency_key=f"{workflow.info().workflow_id}/{step}/{to}",
                subject_ref=workflow.info().workflow_id,
            )
        )


def _pounds(pence: int) -> str:
    """ "£12.50": integer pence as pounds, never through a float."""
    pounds, rest = divmod(pence, 100)
    return f"£{pounds:,}.{rest:02d}"
