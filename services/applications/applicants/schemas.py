"""An applicant's profile (R6-R8) and their optional equal-opportunities answers (R9)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from mip.core.bounds import Day
from mip.core.text import OneLine

Text = Annotated[OneLine, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class Division(StrEnum):
    medical_sciences = "medical_sciences"
    mpls = "mpls"
    humanities = "humanities"
    social_sciences = "social_sciences"
    other = "other"


class StaffRole(StrEnum):
    postdoctoral_researcher = "postdoctoral_researcher"
    research_assistant = "research_assistant"
    bioinformatician_or_technician = "bioinformatician_or_technician"
    college_junior_research_fellow = "college_junior_research_fellow"
    temporary_teaching_staff_who_research = "temporary_teaching_staff_who_research"
    other = "other"


class ContractType(StrEnum):
    fixed_term = "fixed_term"
    open_ended = "open_ended"


class ProfileIn(BaseModel):
    name: Text
    department: Text
    division: Division
    role: StaffRole
    university_employed: bool = True
    contract_type: ContractType
    contract_end_date: Day | None = None


class Profile(BaseModel):
    # What was stored is shown as it is: the input's rules are for what comes in.
    name: str
    department: str
    division: Division
    role: StaffRole
    university_employed: bool
    contract_type: ContractType
    contract_end_date: date | None = None
    email: str
    updated_at: datetime


class Answer(StrEnum):
    yes = "yes"
    no = "no"
    prefer_not_to_say = "prefer_not_to_say"


class EqualOpportunitiesIn(BaseModel):
    disability: Answer = Answer.prefer_not_to_say
    under_represented: Answer = Answer.prefer_not_to_say


class EqualOpportunitiesTotals(BaseModel):
    """What the office sees of R9 answers: counts, never who."""

    answered: int
    disability: dict[Answer, int]
    under_represented: dict[Answer, int]


class Eligibility(BaseModel):
    """Whether the profile may apply (R6, R7), and the division's allowance (R8)."""

    eligible: bool
    reason: str | None = Field(description="why the profile may not apply (R6, R7)")
    judged_against: date = Field(
        description="the application deadline a contract's end date is judged against (R6)"
    )
    allowance_days: int | None = Field(
        description="days of professional development the division allows; none: no set number"
    )
    allowance_advice: str
    placement_warning: str | None = Field(
        default=None, description="a placement longer than the allowance: agree it with your PI"
    )
