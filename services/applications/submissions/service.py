"""Accepting a submission: every rule checked before anything is written (R6-R14), then
the row, its CV, its first event and its workflow's start written in one transaction (P1)."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from uuid import UUID

from asyncpg import Connection

from mip.core import outbox
from mip.core.auth import Principal
from mip.core.errors import Conflict, InvalidInput, NotFound
from mip.core.runtime import ServiceRuntime
from services.applications.applicants import repository as applicants
from services.applications.applicants.eligibility import allowance_warning, check_eligible
from services.applications.catalogue import repository as catalogue
from services.applications.catalogue.facts import facts_of
from services.applications.catalogue.rules import LONDON
from services.applications.catalogue.schemas import Placement, Round
from services.applications.config import ApplicationsSettings
from services.applications.submissions import repository as repo
from services.applications.submissions.cv import check_cv
from services.applications.submissions.schemas import Application
from services.applications.submissions.statement import prepare_statement
from workflows.application import ApplicationInput, ApplicationWorkflow, workflow_id
from workflows.queues import WORKFLOWS

log = logging.getLogger("mip.submissions")


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


class LateSubmission(InvalidInput):
    slug = "applications-closed"
    title = "Applications are closed"


class IdempotencyKeyReused(InvalidInput):
    slug = "idempotency-key-reused"
    title = "The Idempotency-Key was already used for a different request"


class IdempotencyKeyInFlight(Conflict):
    slug = "idempotency-key-in-flight"
    title = "A request with this Idempotency-Key is still being processed"


def phase_of(found: Round, placement: Placement, now: datetime) -> str:
    """Which round a submission at `now` belongs to, or why none will take it (R4, R14)."""
    clock = found.clock
    if now < clock.advertise_at:
        raise NotFound(f"There is no advertised placement {placement.id}.")
    if now < clock.deadline_at:
        return "first"
    opens, closes = clock.second_round_opens_at, clock.second_round_deadline_at
    if opens and closes and opens <= now < closes and placement.readvertised:
        return "second"
    raise _late(found, placement, now)


def _late(found: Round, placement: Placement, now: datetime) -> LateSubmission:
    """The refusal names the deadline that was applied, as the round's clock has it (R14)."""
    clock = found.clock
    opens, closes = clock.second_round_opens_at, clock.second_round_deadline_at
    if placement.readvertised and opens and closes and now >= closes:
        deadline, which = closes, "Applications to the second round closed"
    else:
        deadline, which = clock.deadline_at, "Applications closed"
    detail = f"{which} at {london_label(deadline)}"
    if placement.readvertised and opens and now < opens:
        detail += f"; this placement is re-advertised in a second round from {london_label(opens)}"
    return LateSubmission(
        f"{detail}. Late applications cannot be accepted, whatever the reason.",
        deadline=deadline.isoformat(),
    )


def london_label(instant: datetime) -> str:
    """`12:00 on Monday 01 April 2019 (UK time, BST)`; seconds only when the instant has them."""
    local = instant.astimezone(LONDON)
    at = f"{local:%H:%M}"
    if local.second or local.microsecond:
        at += f":{local:%S}"
    if local.microsecond:
        at += f".{local.microsecond // 1000:03d}"
    return f"{at} on {local:%A %d %B %Y} (UK time, {local:%Z})"


async def submit(
    runtime: ServiceRuntime, who: Principal, sub: Submission
) -> tuple[Application, bool]:
    """Accept a submission; return it and whether it is new (False: an idempotent replay)."""
    config = ApplicationsSettings()
    pool = runtime.pool
    async with pool.acquire() as conn:
        earlier = await _replay(conn, who, sub)
        if earlier is not None:
            return earlier, False
        profile = await applicants.get_profile(conn, who.subject)
        placement = await catalogue.get_placement(conn, sub.placement_id)
        the_round = await catalogue.get_round(conn, placement.round_id) if placement else None
    if profile is None:
        raise InvalidInput("Complete your profile (PUT /v1/me/profile) before applying.")
    if placement is None or the_round is None:
        raise NotFound(f"There is no advertised placement {sub.placement_id}.")
    now = runtime.clock()
    phase = phase_of(the_round, placement, now)
    deadline = the_round.clock.deadline_at if phase == "first" else the_round.clock.closes_at
    check_eligible(profile, deadline.astimezone(LONDON).date())
    if phase == "second":
        async with pool.acquire() as conn:
            if await repo.has_accepted_place(conn, who.subject, the_round.id):
                raise Conflict(
                    "You have accepted a place in this round; the second round is for those "
                    "who have not."
                )
    if not sub.statement.strip():
        raise InvalidInput("The personal statement is empty.")
    if len(sub.statement) > config.statement_max_chars:
        raise InvalidInput(f"The statement is over {config.statement_max_chars} characters.")
    statement = prepare_statement(sub.statement, the_round.statement_word_limit)
    cv = await asyncio.to_thread(
        check_cv, sub.cv_content, max_bytes=config.cv_max_bytes, host_pages=the_round.cv_page_limit
    )
    warning = allowance_warning(profile.division, len(placement.days), config.allowance_days)
    limit = (
        the_round.applications_per_applicant
        if phase == "first"
        else the_round.second_round_applications_per_applicant
    )
    async with pool.acquire() as conn, conn.transaction():
        earlier = await _hold_key(conn, who, sub)
        if earlier is not None:
            return earlier, False
        await _check_room(conn, who, the_round.id, placement.id, phase, limit)
        application_id = await repo.insert(
            conn,
            {
                "applicant_email": who.subject,
                "round_id": the_round.id,
                "placement_id": placement.id,
                "phase": phase,
                "statement": statement.whole,
                "statement_words": statement.words,
                "statement_for_hosts": statement.for_hosts,
                "allowance_warning": warning,
                "idempotency_key": sub.idempotency_key,
                "request_fingerprint": sub.fingerprint if sub.idempotency_key else None,
                "submitted_at": now,
            },
        )
        await repo.insert_cv(
            conn,
            application_id,
            {
                "filename": sub.cv_filename,
                "format": cv.format.value,
                "content": sub.cv_content,
                "pages": cv.pages,
                "host_copy": cv.host_copy,
            },
        )
        await repo.add_event(
            conn,
            application_id,
            actor=who.subject,
            from_status=None,
            to_status="submitted",
            reason="submitted through MIP",
            at=now,
        )
        start = _workflow_input(
            runtime,
            application_id,
            the_round,
            placement,
            (who.subject, profile.name),
            deadline,
            now,
            statement.was_cut,
            warning,
        )
        await outbox.enqueue(
            conn,
            workflow_type=ApplicationWorkflow.__name__,
            workflow_id=workflow_id(str(application_id)),
            task_queue=runtime.settings.queue(WORKFLOWS),
            arg=start.model_dump(mode="json"),
        )
        created = await repo.get(conn, application_id)
    assert created is not None
    runtime.start_soon(created.workflow_id)
    return created, True


async def _replay(conn: Connection, who: Principal, sub: Submission) -> Application | None:
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


async def _hold_key(conn: Connection, who: Principal, sub: Submission) -> Application | None:
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
    return await _replay(conn, who, sub)


async def _check_room(
    conn: Connection, who: Principal, round_id: UUID, placement_id: UUID, phase: str, limit: int
) -> None:
    """Under the applicant's round lock: not this placement twice, not over the limit (R12)."""
    await repo.lock_applicant_round(conn, who.subject, round_id)
    held = await repo.active_in_phase(conn, who.subject, round_id, phase)
    if any(h["placement_id"] == placement_id for h in held):
        raise Conflict("You have already applied for this placement.")
    if len(held) >= limit:
        titles = "; ".join(h["title"] for h in held)
        raise Conflict(
            f"You may hold at most {limit} application(s) in this round and already hold "
            f"{len(held)} ({titles}). Withdraw one before the deadline to apply for another.",
            limit=limit,
        )


def _workflow_input(
    runtime: ServiceRuntime,
    application_id: UUID,
    the_round: Round,
    placement: Placement,
    applicant: tuple[str, str],
    deadline: datetime,
    now: datetime,
    statement_cut: bool,
    warning: str | None,
) -> ApplicationInput:
    config = ApplicationsSettings()
    applicant_email, applicant_name = applicant
    return ApplicationInput(
        application_id=str(application_id),
        round_id=str(the_round.id),
        placement_id=str(placement.id),
        applicant_email=applicant_email,
        applicant_name=applicant_name,
        deadline_at=deadline,
        placement=facts_of(placement),
        office_email=config.office_email,
        confirmation={
            "applicant_name": applicant_name,
            "placement_title": placement.title,
            "host_name": placement.host.name,
            "week_label": f"week of {placement.week_starts_on:%d %B %Y}",
            "application_id": str(application_id),
            "submitted_at_label": f"{now.astimezone(LONDON):%A %d %B %Y at %H:%M:%S}",
            "statement_cut": statement_cut,
            "word_limit": the_round.statement_word_limit,
            "allowance_warning": warning,
        },
    )
