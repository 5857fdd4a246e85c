"""What a host reads of an application forwarded to it (the contract's
`ForwardedApplication`), and a CV as stored."""

from __future__ import annotations

from dataclasses import dataclass

from services.applications.contract import ForwardedApplication as ForwardedApplication


@dataclass(frozen=True)
class CvFile:
    """A CV's bytes as the reader is allowed them: hosts get their cut copy (R11)."""

    content: bytes
    format: str
    filename: str  # "Okafor-Ada-CV.pdf": named for the person, never by an id
