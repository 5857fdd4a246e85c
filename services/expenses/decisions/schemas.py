"""Bodies of a host's decision, a question or an answer, and a payment note."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, Field


class LineDecisionIn(BaseModel):
    line_id: UUID
    approve: bool
    reason: str = Field(default="", max_length=1000)


class DecisionIn(BaseModel):
    lines: list[LineDecisionIn] = Field(min_length=1)


class NoteIn(BaseModel):
    text: str = Field(min_length=1, max_length=2000)
