"""The applicant's profile, whether it lets them apply (R6-R8), and their optional
equal-opportunities answers (R9)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from mip.core.errors import RemoteProblem
from services.applications.client import (
    ContractType,
    Division,
    EqualOpportunitiesIn,
    Profile,
    ProfileIn,
    StaffRole,
)
from services.portal.forms import Shown, refusal
from services.portal.reading import Form
from services.portal.web import Services, render, see_other

router = APIRouter(prefix="/applicant")

DIVISIONS: dict[str, str] = {
    Division.medical_sciences: "Medical Sciences",
    Division.mpls: "Mathematical, Physical and Life Sciences (MPLS)",
    Division.humanities: "Humanities",
    Division.social_sciences: "Social Sciences",
    Division.other: "Another division, or none",
}
ROLES: dict[str, str] = {
    StaffRole.postdoctoral_researcher: "Postdoctoral researcher",
    StaffRole.research_assistant: "Research assistant",
    StaffRole.bioinformatician_or_technician: "Bioinformatician or technician",
    StaffRole.college_junior_research_fellow: "College-based junior research fellow",
    StaffRole.temporary_teaching_staff_who_research: "Temporary teaching staff who also research",
    StaffRole.other: "Something else",
}
CONTRACTS: dict[str, str] = {
    ContractType.fixed_term: "Fixed-term",
    ContractType.open_ended: "Open-ended (permanent)",
}
YES_NO = {"yes": "Yes", "no": "No"}
ANSWERS = {"yes": "Yes", "no": "No", "prefer_not_to_say": "Prefer not to say"}


def _as_form(profile: Profile) -> dict[str, Any]:
    end = profile.contract_end_date
    return {
        "name": profile.name,
        "department": profile.department,
        "division": profile.division.value,
        "role": profile.role.value,
        "university_employed": "yes" if profile.university_employed else "no",
        "contract_type": profile.contract_type.value,
        "contract_end_date": end,
    }


def _profile_page(request: Request, shown: Shown) -> HTMLResponse:
    context = {
        **shown.context(),
        "divisions": list(DIVISIONS.items()),
        "roles": list(ROLES.items()),
        "contracts": list(CONTRACTS.items()),
        "yes_no": list(YES_NO.items()),
    }
    return render(request, "applicant/profile.html", context, shown.status_code)


@router.get("/profile", response_class=HTMLResponse)
async def profile(request: Request, services: Services) -> HTMLResponse:
    """R6-R8: who you are, your role and your contract, which decide whether you may apply."""
    try:
        form = _as_form(await services.applications.my_profile())
    except RemoteProblem as problem:
        if problem.status != 404:
            raise
        form = {}
    return _profile_page(request, Shown(form))


def _read_profile(form: Form) -> ProfileIn | None:
    name = form.text("name", "your full name")
    department = form.text("department", "your department")
    division = form.choice("division", "your division", DIVISIONS)
    role = form.choice("role", "your role", ROLES)
    employed = form.choice("university_employed", "yes if the university employs you", YES_NO)
    contract = form.choice("contract_type", "the kind of contract you have", CONTRACTS)
    end = form.day("contract_end_date", "the date your contract ends", required=False)
    if form.errors:
        return None
    return ProfileIn.model_validate(
        {
            "name": name,
            "department": department,
            "division": division,
            "role": role,
            "university_employed": employed == "yes",
            "contract_type": contract,
            "contract_end_date": end,
        }
    )


@router.post("/profile", response_class=HTMLResponse)
async def save_profile(request: Request, services: Services) -> Response:
    """R6-R8: saved, then the eligibility page says whether it lets you apply."""
    form = Form(await request.form())
    body, errors = _read_profile(form), form.errors
    if body is not None:
        try:
            await services.applications.save_profile(body)
        except RemoteProblem as problem:
            errors = refusal(problem, shown=(422,))
        else:
            return see_other(request, "/applicant/eligibility", flash="Your profile is saved")
    return _profile_page(request, Shown(form.values, errors, 422))


@router.get("/eligibility", response_class=HTMLResponse)
async def eligibility(request: Request, services: Services) -> Response:
    """R6, R7: whether you may apply, and why not; R8: the days your division allows."""
    try:
        found = await services.applications.eligibility()
    except RemoteProblem as problem:
        if problem.status != 404:
            raise
        return RedirectResponse("/applicant/profile", status_code=303)
    return render(request, "applicant/eligibility.html", {"eligibility": found})


@router.get("/equal-opportunities", response_class=HTMLResponse)
async def equal_opportunities(request: Request, services: Services) -> Response:
    """R9: optional questions; hosts never see the answers, the office only totals."""
    answers = await services.applications.my_equal_opportunities()
    form = answers.model_dump(mode="json")
    return render(
        request,
        "applicant/equal_opportunities.html",
        {"form": form, "answers": list(ANSWERS.items())},
    )


@router.post("/equal-opportunities", response_class=HTMLResponse)
async def save_equal_opportunities(request: Request, services: Services) -> Response:
    """R9: an unanswered question is kept as "prefer not to say"."""
    form = Form(await request.form())
    chosen = {
        k: form.get(k) if form.get(k) in ANSWERS else "prefer_not_to_say"
        for k in ("disability", "under_represented")
    }
    try:
        await services.applications.save_equal_opportunities(
            EqualOpportunitiesIn.model_validate(chosen)
        )
    except RemoteProblem as problem:
        return render(
            request,
            "applicant/equal_opportunities.html",
            {
                "form": chosen,
                "answers": list(ANSWERS.items()),
                "errors": refusal(problem, shown=(422,)),
            },
            422,
        )
    return see_other(request, "/applicant", flash="Your answers are saved")
