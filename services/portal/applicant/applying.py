"""Applying for a placement: a CV and a statement, checked by the applications service
(R10-R14); the errors beside the field they concern and summarised at the top."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from mip.core.errors import RemoteProblem
from services.applications.client import Upload
from services.applications.contract import Application
from services.portal.applicant.uploads import BoundedUpload, FileField, read_file
from services.portal.applicant.words import megabytes_label
from services.portal.forms import FIRST, FormErrors, Shown, refusal
from services.portal.reading import Form
from services.portal.web import Portal, Services, render, see_other

router = APIRouter(prefix="/applicant")
CV = FileField(
    "cv",
    missing="Select your CV",
    too_large="The CV is larger than {limit}; a two-page CV is usually well under 1 MB",
)


async def _page(
    request: Request, services: Services, placement_id: UUID, now: datetime, shown: Shown = FIRST
) -> HTMLResponse:
    apps = services.applications
    placement = await apps.placement(placement_id)
    the_round = await apps.round(placement.round_id)
    # Closed is said first: nobody fills in a profile to learn it (R4, R14).
    window = the_round.clock.window(now, readvertised=placement.readvertised)
    eligibility = None  # and no profile yet: the page asks for one first
    if window.open:
        try:
            eligibility = await apps.eligibility(placement_id)
        except RemoteProblem as problem:
            if problem.status != 404:
                raise
    context = {
        "placement": placement,
        "the_round": the_round,
        "window": window,
        "eligibility": eligibility,
        "cv_limit": megabytes_label((await apps.limits()).cv_max_bytes),
        **shown.context(),
        "form": {"idempotency_key": str(uuid.uuid4()), **shown.values},
    }
    return render(request, "applicant/apply.html", context, shown.status_code)


@router.get("/apply", response_class=HTMLResponse)
async def apply_form(
    request: Request,
    services: Services,
    portal: Portal,
    placement: Annotated[UUID, Query()],
) -> HTMLResponse:
    """R10-R14: one placement, a CV (PDF or Word, two pages) and a statement of about 300
    words, until midday on the deadline day."""
    return await _page(request, services, placement, portal.clock())


def _problem_errors(problem: RemoteProblem) -> FormErrors:
    """Put the service's refusal where it belongs: the CV, the statement, or (late, not
    eligible, over the limit) the summary at the top (R11-R14)."""
    kind = str(problem.problem.get("type", "")).rsplit(":", 1)[-1]
    detail = str(problem.problem.get("detail", ""))
    shown = (409, 413, 422)
    if kind in ("unacceptable-cv", "payload-too-large"):
        return refusal(problem, shown=shown, default_field="cv")
    if kind == "invalid-input" and "statement" in detail:
        return refusal(problem, shown=shown, default_field="statement")
    return refusal(problem, shown=shown, fields={"placement_id": "placement"})


def _sent_message(sent: Application) -> str:
    words = [f"Your application for {sent.placement_title} was sent."]
    if sent.statement_cut:
        words.append(
            f"Your statement has {sent.statement_words} words; the host will read the first "
            f"{sent.statement_word_limit}."
        )
    words.extend(sent.warnings)
    return " ".join(words)


async def apply(request: Request, services: Services, portal: Portal) -> Response:
    """R10-R14: the portal checks what it can (a statement, a CV within the size limit);
    the applications service judges the rest, late applications included (R14)."""
    form = Form(await request.form())
    try:
        placement_id = UUID(form.get("placement"))
    except ValueError:
        return render(request, "errors/not_found.html", {}, 404)
    statement = form.text("statement", "your personal statement")
    limit = (await services.applications.limits()).cv_max_bytes
    cv = await read_file(form, CV, limit)
    errors = form.errors
    if not errors and cv is not None:
        try:
            sent = await services.applications.submit_application(
                placement_id,
                statement,
                Upload(cv.filename or "cv", cv.content),
                idempotency_key=form.get("idempotency_key") or None,
            )
        except RemoteProblem as problem:
            errors = _problem_errors(problem)
        else:
            return see_other(
                request, f"/applicant/applications/{sent.id}", flash=_sent_message(sent)
            )
    # A new key: what is sent next is a new attempt, not a retry of the refused one.
    again = Shown({"statement": statement}, errors, 422)
    return await _page(request, services, placement_id, portal.clock(), again)


router.add_api_route(
    "/apply",
    apply,
    methods=["POST"],
    response_class=HTMLResponse,
    route_class_override=BoundedUpload,
)
