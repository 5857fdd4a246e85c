"""A person's own data (issue 23, subject access) in the expenses service."""

from __future__ import annotations

from urllib.parse import quote
from uuid import UUID

import asyncpg

from mip.core.access import HeldFile, Row
from mip.core.auth import Principal, Role
from mip.core.errors import NotFound
from services.expenses.access import repository as repo
from services.expenses.contract import ExpensesData

EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


async def held_about(pool: asyncpg.Pool, email: str) -> ExpensesData:
    address = email.lower()
    async with pool.acquire() as conn:
        tables = await repo.held_about(conn, address)
    references = {c["id"]: c["reference"] for c in tables["claims"]}
    files = [
        _receipt_file(address, r, references[r["claim_id"]], n)
        for n, r in enumerate(tables["receipts"], 1)
    ]
    return ExpensesData.model_validate({"email": address, **tables, "files": files})


def _receipt_file(email: str, receipt: Row, reference: str, number: int) -> HeldFile:
    extension = EXTENSIONS.get(receipt["media_type"], "bin")
    return HeldFile(
        name=f"{reference}-receipt-{number}.{extension}",
        of=receipt["line_id"],
        media_type=receipt["media_type"],
        size_bytes=receipt["size_bytes"],
        download=f"/v1/people/{quote(email, safe='@')}/receipts/{receipt['line_id']}",
    )


async def own_receipt(
    pool: asyncpg.Pool, email: str, line_id: UUID, who: Principal
) -> tuple[bytes, str]:
    """A receipt, to the intern whose claim it is on or the office making their archive."""
    address = email.lower()
    if who.role is not Role.office and who.subject.lower() != address:
        raise NotFound(f"There is no receipt {line_id} of yours.")
    async with pool.acquire() as conn:
        row = await repo.receipt(conn, address, line_id)
    if row is None:
        raise NotFound(f"There is no receipt {line_id} of {address}.")
    return row["content"], row["media_type"]
