"""What a host reads of an application forwarded to it, and a CV as stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from pydantic import BaseModel


class ForwardedApplication(BaseModel):
    id: UUID
    applicant_name: str
    applicant_email: str
    status: str
    statement: str
    cv_url: str
    cv_format: str
    submitted_at: datetime


@dataclass(frozen=True)
class CvFile:
    """A CV's bytes as the reader is allowed them: hosts get their cut copy (R11)."""

    content: bytes
    format: str
