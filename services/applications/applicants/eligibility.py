"""Who may apply (R6, R7) and how many days their division allows (R8)."""

from __future__ import annotations

from datetime import date

from mip.core import when
from mip.core.errors import InvalidInput
from services.applications.applicants.schemas import ContractType, Division, Profile, StaffRole

ELIGIBLE_ROLES = {
    StaffRole.postdoctoral_researcher,
    StaffRole.research_assistant,
    StaffRole.bioinformatician_or_technician,
    StaffRole.college_junior_research_fellow,
    StaffRole.temporary_teaching_staff_who_research,
}
# Days of professional development a year; None: supportive, with no set number (R8).
DEFAULT_ALLOWANCE: dict[Division, int | None] = {
    Division.medical_sciences: 5,
    Division.mpls: 10,
    Division.humanities: 10,
    Division.social_sciences: None,
}
ENDED_WITHIN_MONTHS = 12


class Ineligible(InvalidInput):
    slug = "ineligible"
    title = "Not eligible for the programme"


def _months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    for candidate_day in range(day.day, 0, -1):
        try:
            return date(year, month + 1, candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def check_eligible(profile: Profile, deadline: date) -> None:
    """Raise Ineligible, with the reason, unless `profile` may apply before `deadline`."""
    if not profile.university_employed:
        raise Ineligible("The programme is for research staff employed by the university.")
    if profile.role not in ELIGIBLE_ROLES:
        raise Ineligible(
            "The programme is for postdoctoral researchers, research assistants, "
            "bioinformaticians and technicians, college-based junior research fellows and "
            "temporary teaching staff who also research."
        )
    if profile.contract_type is not ContractType.fixed_term:
        raise Ineligible("The programme is for research staff on fixed-term contracts.")
    end = profile.contract_end_date
    earliest = _months_before(deadline, ENDED_WITHIN_MONTHS)
    if end is not None and end < earliest:
        raise Ineligible(
            f"Your fixed-term contract ended on {when.day(end)}; it must be current, or have "
            f"ended within the 12 months before the deadline (on or after {when.day(earliest)})."
        )


def allowance_warning(
    division: Division, days: int, allowance: dict[Division, int | None] = DEFAULT_ALLOWANCE
) -> str | None:
    """A placement longer than the division's allowance is allowed, with this warning (R8)."""
    allowed = allowance.get(division)
    if allowed is None or days <= allowed:
        return None
    return (
        f"This placement is {days} days; your division's guidance allows up to {allowed} days "
        "of professional development. Please agree the placement with your PI."
    )


def allowance_advice(division: Division, allowance: dict[Division, int | None]) -> str:
    """What the division's guidance says, in words an applicant can act on (R8)."""
    if division is Division.other:
        return "Agree the days of your placement with your PI before you apply."
    days = allowance.get(division)
    if days is None:
        return (
            "Your division supports professional development with no set number of days; "
            "agree the placement with your PI."
        )
    return (
        f"Your division's guidance allows up to {days} days of professional development. "
        "A longer placement is not refused, but agree it with your PI first."
    )
