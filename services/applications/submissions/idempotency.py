"""An Idempotency-Key makes a retried submission return its first result: the same
request replays, a different one under the same key is refused, and one still being
processed is told apart from a second application."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from uuid import UUID

from asyncpg import Connection

from mip.core.auth import Principal
from mip.core.errors import Conflict, InvalidInput
from services.applications.submissions import repository as repo
from services.applications.submissions.schemas import Application


@dataclass(frozen=True)
class Submission:
    placement_id: UUID
    statement: str
    cv_filename: str
    cv_content: bytes
    idempotency_key: str | None

    @cached_property
    def fingerprint(self) -> str:
        """What the request asks for: sha256 over its placement, statement and CV bytes."""
        digest = hashlib.sha256()
        for part in (self.placement_id.bytes, self.statement.encode(), self.cv_content):
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
        return digest.hexdigest()


class IdempotencyKeyReused(InvalidInput):
    slug = "idempotency-key-reused"
    title = "The Idempotency-Key was already used for a different request"


class IdempotencyKeyInFlight(Conflict):
    slug = "idempotency-key-in-flight"
    title = "A request with this Idempotency-Key is still being processed"


async def replay(conn: Connection, who: Principal, sub: Submission) -> Application | None:
    """The first result when this applicant used the key before for this same request; None
    for a key not used yet. The key sent with a different request is refused, never replayed."""
    if not sub.idempotency_key:
        return None
    earlier = await repo.find_by_idempotency_key(conn, who.subject, sub.idempotency_key)
    if earlier is None:
        return None
    application_id, fingerprint = earlier
    # Applications made before fingerprints were kept have none; they replay as they did.
    if fingerprint is not None and fingerprint != sub.fingerprint:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was already used for a different request (another placement, "
            "statement or CV); send a new key for a new application.",
            application_id=str(application_id),
        )
    found = await repo.get(conn, application_id)
    assert found is not None
    return found


async def hold_key(conn: Connection, who: Principal, sub: Submission) -> Application | None:
    """Inside the submission's transaction: hold the key until it commits, so that a retry
    arriving meanwhile is told apart from a second application (409, not a duplicate)."""
    if not sub.idempotency_key:
        return None
    if not await repo.try_hold_idempotency_key(conn, who.subject, sub.idempotency_key):
        raise IdempotencyKeyInFlight(
            "A request with this Idempotency-Key is still being processed; retry shortly to "
            "get its result."
        )
    # The request that held it may have finished since the first look.
    return await replay(conn, who, sub)
