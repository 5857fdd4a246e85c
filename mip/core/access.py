"""The shape of a service's answer to a subject access request (UK GDPR art. 15, issue 23).

Each service publishes, in its contract, what it holds about one person: its tables' rows
as they are stored (minus bytes, which are listed as files) and the files themselves by
name with the path on that service that serves them. Rows stay plain mappings so that a
column added to a table reaches a person's archive without a second schema to keep in step.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from uuid import UUID

from pydantic import BaseModel

Row = dict[str, Any]


class HeldFile(BaseModel):
    """A file held about the person: `name` is its name in the archive; `download` the
    path on the same service that serves it to the person or the office."""

    name: str
    of: UUID  # the row it belongs to: an application's CV, a claim line's receipt
    media_type: str
    size_bytes: int
    download: str


def rows(records: Iterable[Mapping[str, Any]]) -> list[Row]:
    return [dict(r) for r in records]
