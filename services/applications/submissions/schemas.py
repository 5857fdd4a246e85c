"""What an applicant gets back for a submission, and reads of their applications: the
published contract's types, and the withdrawal body that is the feature's own."""

from __future__ import annotations

from pydantic import BaseModel, Field

from services.applications.contract import Application as Application
from services.applications.contract import CvSummary as CvSummary
from services.applications.contract import Event as Event


class WithdrawIn(BaseModel):
    reason: str = Field(default="", max_length=1000)


class Limits(BaseModel):
    """What a submission may be, so a form can say so and check a file before sending it."""

    cv_max_bytes: int = Field(description="a larger CV is refused with 413 (R11)")
    statement_max_chars: int
