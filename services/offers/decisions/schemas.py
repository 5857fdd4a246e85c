"""Bodies of the offer routes."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Reason(BaseModel):
    reason: str = Field(default="", max_length=1000)
