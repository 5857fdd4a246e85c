"""What the application and placement workflows say to each other and what the services
send their updates: one payload type per message, imported by sender and handler alike."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class ErasureNotice(BaseModel):
    """The person is being erased (issue 23 item 4): end the application as a withdrawal
    would, and tell the erasure workflow once done."""

    erasure_workflow_id: str


class OfferRequest(BaseModel):
    window_seconds: int = Field(ge=1, description="48 hours unless a rehearsal")
    placement_workflow_id: str


class Decision(BaseModel):
    actor: str
    reason: str = ""


class Resolution(BaseModel):
    application_id: str
    outcome: Literal["accepted", "declined", "lapsed", "unavailable", "withdrawn_after_acceptance"]
