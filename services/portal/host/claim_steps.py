"""A question to the intern before deciding, and the payment after approving (P5). The
amount paid is typed in pounds and pence and read exactly (money.py)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from mip.core.errors import RemoteProblem
from services.expenses.client import Claim, NoteIn
from services.portal.forms import FormErrors
from services.portal.host.access import HostRoute
from services.portal.host.money import NotAnAmount, to_pence
from services.portal.reading import Form
from services.portal.web import Services, pence, render, see_other

router = APIRouter(prefix="/host", route_class=HostRoute)
NOTE_MAX = 1500  # the service takes 2,000 characters; the payment note adds the amount


def _page(
    request: Request,
    name: str,
    claim: Claim,
    form: dict[str, Any],
    errors: FormErrors,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request, name, {"claim": claim, "form": form, "errors": errors}, status_code=status_code
    )


@router.get("/claims/{claim_id}/question", response_class=HTMLResponse)
async def question_form(request: Request, claim_id: UUID, services: Services) -> Response:
    """P5: before deciding, the host may ask the intern about the claim."""
    found = await services.expenses.claim(claim_id)
    return _page(request, "host/question.html", found, {}, FormErrors())


@router.post("/claims/{claim_id}/question", response_class=HTMLResponse)
async def ask(request: Request, claim_id: UUID, services: Services) -> Response:
    """P5: the question goes to the intern by e-mail; the claim waits for the answer."""
    found = await services.expenses.claim(claim_id)
    form = Form(await request.form())
    text = form.text("question", "your question for the intern")
    errors = form.errors
    if len(text) > NOTE_MAX:
        errors.add("question", f"Keep your question to {NOTE_MAX} characters")
    if not errors:
        try:
            await services.expenses.ask(claim_id, NoteIn(text=text))
        except RemoteProblem as problem:
            if problem.status not in (409, 422):
                raise
            errors = FormErrors.from_problem(problem, default_field="question")
    if errors:
        return _page(request, "host/question.html", found, form.values, errors, 422)
    return see_other(
        request, f"/host/claims/{claim_id}", flash="Your question has been sent to the intern."
    )


@router.get("/claims/{claim_id}/payment", response_class=HTMLResponse)
async def payment_form(request: Request, claim_id: UUID, services: Services) -> Response:
    """P5: once approved, the host records that they paid what they approved."""
    found = await services.expenses.claim(claim_id)
    return _page(request, "host/payment.html", found, {}, FormErrors())


def read_payment(claim: Claim, amount: str, how: str) -> tuple[str | None, FormErrors]:
    """The note the intern receives, or the errors: the amount must be what was approved
    (a different sum is settled with the intern first) and say how it was paid."""
    errors = FormErrors()
    try:
        paid = to_pence(amount)
    except NotAnAmount as exc:
        errors.add("amount", str(exc))
    else:
        if paid != claim.approved_pence:
            errors.add(
                "amount",
                f"Enter the amount you approved, {pence(claim.approved_pence)}; you typed "
                f"{pence(paid)}",
            )
    if not how.strip():
        errors.add("how", "Say how you paid, for example bank transfer on 14 June")
    elif len(how) > NOTE_MAX:
        errors.add("how", f"Keep this to {NOTE_MAX} characters")
    if errors:
        return None, errors
    return f"Paid {pence(claim.approved_pence)}: {how.strip()}", errors


@router.post("/claims/{claim_id}/payment", response_class=HTMLResponse)
async def record_payment(request: Request, claim_id: UUID, services: Services) -> Response:
    """P5: the payment is recorded and the intern told; the claim is closed."""
    found = await services.expenses.claim(claim_id)
    form = Form(await request.form())
    amount, how = form.get("amount"), form.get("how")
    note, errors = read_payment(found, amount, how)
    if note is not None:
        try:
            await services.expenses.record_payment(claim_id, NoteIn(text=note))
        except RemoteProblem as problem:
            if problem.status not in (409, 422):
                raise
            errors = FormErrors.from_problem(problem, default_field="amount")
    if errors:
        return _page(request, "host/payment.html", found, form.values, errors, 422)
    return see_other(
        request,
        f"/host/claims/{claim_id}",
        flash=f"Payment of {pence(found.approved_pence)} recorded.",
    )
