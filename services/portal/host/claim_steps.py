"""A question to the intern before deciding, and the payment after approving (P5). The
amount paid is typed in pounds and pence and read exactly (money.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from uuid import UUID

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from mip.core.errors import RemoteProblem
from services.expenses.client import Claim, NoteIn
from services.portal.forms import FIRST, FormErrors, Shown, refusal
from services.portal.host.access import HostRoute
from services.portal.host.money import NotAnAmount, to_pence
from services.portal.reading import Form
from services.portal.web import Services, pence, render, see_other

router = APIRouter(prefix="/host", route_class=HostRoute)
NOTE_MAX = 1500  # the service takes 2,000 characters; the payment note adds the amount


def _page(request: Request, name: str, claim: Claim, shown: Shown = FIRST) -> HTMLResponse:
    return render(request, name, {"claim": claim, **shown.context()}, shown.status_code)


@router.get("/claims/{claim_id}/question", response_class=HTMLResponse)
async def question_form(request: Request, claim_id: UUID, services: Services) -> Response:
    """P5: before deciding, the host may ask the intern about the claim."""
    found = await services.expenses.claim(claim_id)
    return _page(request, "host/question.html", found)


@dataclass(frozen=True)
class NotePage:
    """A form whose answer reaches the intern as a note on the claim: its template, the
    field a refusal stands beside, and what the banner says once it is sent."""

    template: str
    field: str
    done: str


QUESTION = NotePage("host/question.html", "question", "Your question has been sent to the intern.")


async def _send_note(
    request: Request,
    claim: Claim,
    page: NotePage,
    form: Form,
    note: str | None,
    send: Callable[[UUID, NoteIn], Awaitable[object]],
) -> Response:
    """`note` sent with `send` unless the form has errors: back to the claim, or the page
    again with what was wrong (a refusal beside `page.field`)."""
    errors = form.errors
    if note is not None and not errors:
        try:
            await send(claim.id, NoteIn(text=note))
        except RemoteProblem as problem:
            errors = refusal(problem, default_field=page.field)
    if errors:
        return _page(request, page.template, claim, Shown(form.values, errors, 422))
    return see_other(request, f"/host/claims/{claim.id}", flash=page.done)


@router.post("/claims/{claim_id}/question", response_class=HTMLResponse)
async def ask(request: Request, claim_id: UUID, services: Services) -> Response:
    """P5: the question goes to the intern by e-mail; the claim waits for the answer."""
    found = await services.expenses.claim(claim_id)
    form = Form(await request.form())
    text = form.text("question", "your question for the intern")
    if len(text) > NOTE_MAX:
        form.errors.add("question", f"Keep your question to {NOTE_MAX} characters")
    return await _send_note(request, found, QUESTION, form, text, services.expenses.ask)


@router.get("/claims/{claim_id}/payment", response_class=HTMLResponse)
async def payment_form(request: Request, claim_id: UUID, services: Services) -> Response:
    """P5: once approved, the host records that they paid what they approved."""
    found = await services.expenses.claim(claim_id)
    return _page(request, "host/payment.html", found)


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
    note, errors = read_payment(found, form.get("amount"), form.get("how"))
    for name, message in errors:
        form.errors.add(name, message)
    done = f"Payment of {pence(found.approved_pence)} recorded."
    page = NotePage("host/payment.html", "amount", done)
    return await _send_note(request, found, page, form, note, services.expenses.record_payment)
