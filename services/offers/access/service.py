"""A person's own data (issue 23, subject access) in the offers service."""

from __future__ import annotations

from mip.core.runtime import ServiceRuntime
from services.offers import peers
from services.offers.access import repository as repo
from services.offers.contract import OffersData


async def held_about(runtime: ServiceRuntime, email: str) -> OffersData:
    """Marks are kept by application: which applications are the person's, only the
    applications service knows, so it is asked (as a service) rather than trusted from
    the caller."""
    address = email.lower()
    async with peers.applications(runtime) as applications:
        theirs = await applications.data_of(address)
    ids = [row["id"] for row in theirs.applications]
    async with runtime.pool.acquire() as conn:
        tables = await repo.held_about(conn, address, ids)
    return OffersData.model_validate({"email": address, **tables})
