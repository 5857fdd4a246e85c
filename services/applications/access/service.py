"""A person's own data (issue 23, subject access): what the applications service holds
about one address, and their CVs as they sent them."""

from __future__ import annotations

from urllib.parse import quote
from uuid import UUID

import asyncpg

from mip.core.access import HeldFile, Row
from mip.core.auth import Principal, Role
from mip.core.errors import NotFound
from services.applications.access import repository as repo
from services.applications.contract import ApplicationsData, reference

CV_MEDIA = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
}


async def held_about(pool: asyncpg.Pool, email: str) -> ApplicationsData:
    address = email.lower()
    async with pool.acquire() as conn:
        tables = await repo.held_about(conn, address)
    # An erased CV's row stays (its format, size, when it went); it has no file.
    kept = [cv for cv in tables["cvs"] if cv["erased_at"] is None]
    files = [_cv_file(address, cv, tables["applications"]) for cv in kept]
    return ApplicationsData.model_validate({"email": address, **tables, "files": files})


def _cv_file(email: str, cv: Row, applications: list[Row]) -> HeldFile:
    application = next(a for a in applications if a["id"] == cv["application_id"])
    ref = reference(application["round_code"], application["reference_number"])
    return HeldFile(
        name=f"{ref}-CV.{cv['format']}",
        of=cv["application_id"],
        media_type=CV_MEDIA[cv["format"]],
        size_bytes=cv["size_bytes"],
        download=cv_path(email, cv["application_id"]),
    )


def cv_path(email: str, application_id: UUID) -> str:
    return f"/v1/people/{quote(email, safe='@')}/cvs/{application_id}"


async def own_cv(
    pool: asyncpg.Pool, email: str, application_id: UUID, who: Principal
) -> tuple[bytes, str]:
    """The CV as sent and its media type, to its applicant or the office making their
    archive. Not recorded as an opening: it goes to the person it is about
    (docs/architecture.md, subject access)."""
    address = email.lower()
    if who.role is not Role.office and who.subject.lower() != address:
        raise NotFound(f"There is no CV {application_id} of yours.")
    async with pool.acquire() as conn:
        row = await repo.cv(conn, address, application_id)
    if row is None:
        raise NotFound(f"There is no CV {application_id} of {address}.")
    return row["content"], CV_MEDIA[row["format"]]


async def record_cv_opening(conn: asyncpg.Connection, application_id: UUID, who: Principal) -> None:
    """Others' reading of a CV is the person's to know (issue 23): hosts and the office."""
    if who.role in (Role.host, Role.office):
        await repo.record_cv_opening(conn, application_id, who.role.value, who.subject.lower())
