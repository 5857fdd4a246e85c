"""Every message the programme sent, as the office reads it (P4): found by address, kind
or state; each one's deliveries and why one failed; the confirmations that are late
(R15); and sending one again. A sign-in e-mail shows that it went out, never its link:
the notifications service keeps it with the link withheld, and this page shows what is
kept."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from mip.core.errors import RemoteProblem
from services.notifications.contract import EmailStatus, MessageKind
from services.portal.contract import PageName
from services.portal.forms import problem_errors
from services.portal.office.labels import MESSAGE_KINDS, MESSAGE_STATES
from services.portal.web import Services, render, see_other

router = APIRouter(prefix="/office")
PER_PAGE = 50
PROMISED_HOURS = 3  # R15: what applicants are told to wait before asking the office


@router.get("/messages", response_class=HTMLResponse)
async def message_list(
    request: Request,
    services: Services,
    recipient: Annotated[str, Query(max_length=254)] = "",
    kind: str = "",
    status: str = "",
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
) -> HTMLResponse:
    """P4, R15: every message, newest first, filtered by address, kind and state."""
    chosen_kind = MessageKind(kind) if kind in MESSAGE_KINDS else None
    chosen_status = EmailStatus(status) if status in MESSAGE_STATES else None
    found = await services.notifications.messages(
        recipient=recipient.strip() or None,
        kind=chosen_kind,
        status=chosen_status,
        limit=PER_PAGE + 1,
        offset=(page - 1) * PER_PAGE,
    )
    context = {
        "messages": found[:PER_PAGE],
        "more": len(found) > PER_PAGE,
        "page": page,
        "filters": {
            "recipient": recipient.strip(),
            "kind": chosen_kind.value if chosen_kind else "",
            "status": chosen_status.value if chosen_status else "",
        },
        "kinds": MESSAGE_KINDS,
        "states": MESSAGE_STATES,
        "kind_options": list(MESSAGE_KINDS.items()),
        "state_options": [(state, words) for state, (words, _) in MESSAGE_STATES.items()],
    }
    return render(request, "office/messages.html", context)


@router.get("/messages/overdue", response_class=HTMLResponse)
async def overdue(request: Request, services: Services) -> HTMLResponse:
    """R15: confirmations not delivered within three hours of the submission, and those
    that failed for good, each with a button to send it again."""
    found = await services.notifications.overdue_confirmations(PROMISED_HOURS)
    context = {"messages": found, "hours": PROMISED_HOURS, "states": MESSAGE_STATES}
    return render(request, "office/overdue.html", context)


@router.get("/messages/{message_id}", name=PageName.office_message, response_class=HTMLResponse)
async def message_page(request: Request, message_id: UUID, services: Services) -> HTMLResponse:
    """P4: one message as it was kept, each attempt to deliver it and its outcome."""
    found = await services.notifications.message(message_id)
    context = {"message": found, "kinds": MESSAGE_KINDS, "states": MESSAGE_STATES}
    return render(request, "office/message.html", context)


@router.post("/messages/{message_id}/resend", response_class=HTMLResponse)
async def resend(request: Request, message_id: UUID, services: Services) -> Response:
    """R15, P4: the same message again, as a new message with its own record; a sign-in
    e-mail is refused (its link is not kept), and the page says so."""
    found = await services.notifications.message(message_id)
    try:
        await services.notifications.resend(message_id)
    except RemoteProblem as problem:
        context = {
            "message": found,
            "kinds": MESSAGE_KINDS,
            "states": MESSAGE_STATES,
            "errors": problem_errors(problem),
        }
        return render(request, "office/message.html", context, problem.status)
    to = found.recipients[0] if found.recipients else ""
    return see_other(
        request,
        f"/office/messages?recipient={to}",
        flash=f"The message to {', '.join(found.recipients)} is being sent again, as a new "
        "message listed here",
    )
