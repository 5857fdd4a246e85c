"""What an applicant gets back for a submission, and reads of their applications."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, Field


class CvSummary(BaseModel):
    format: str
    size_bytes: int
    pages: int | None
    hosts_receive_pages: int | None = Field(description="a longer PDF reaches hosts cut (R11)")


class Event(BaseModel):
    at: datetime
    actor: str
    from_status: str | None
    to_status: str
    reason: str


class Application(BaseModel):
    id: UUID
    workflow_id: str
    round_id: UUID
    placement_id: UUID
    placement_title: str
    host_name: str
    applicant_email: str
    applicant_name: str
    phase: str
    status: str
    submitted_at: datetime
    statement_words: int
    statement_word_limit: int
    statement_cut: bool
    cv: CvSummary
    warnings: list[str]
    history: list[Event] = Field(default_factory=list)


class WithdrawIn(BaseModel):
    reason: str = Field(default="", max_length=1000)
