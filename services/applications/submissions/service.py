"""Accepting a submission: every rule checked before anything is written (R6-R14), then
the row, its CV, its first event and its workflow's start written in one transaction (P1);
reading and withdrawing it (R12, R16)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg
from asyncpg import Connection

from mip.core import ids, when
from mip.core.auth import Principal, Role
from mip.core.errors import Conflict, InvalidInput, NotFound
from mip.core.logging import bind_application
from mip.core.runtime import ServiceRuntime
from services.applications.applicants import repository as applicants
from services.applications.applicants.eligibility import allowance_warning, check_eligible
from services.applications.applicants.schemas import Profile
from services.applications.catalogue import repository as catalogue
from services.applications.catalogue.facts import facts_of
from services.applications.catalogue.rules import LONDON
from services.applications.catalogue.schemas import Placement, Round
from services.applications.config import applications_settings
from services.applications.contract import parse_reference, reference
from services.applications.submissions import repository as repo
from services.applications.submissions.cv import CheckedCv, check_cv
from services.applications.submissions.deadlines import open_window
from services.applications.submissions.idempotency import Submission, hold_key, replay
from services.applications.submissions.schemas import Application
from services.applications.submissions.statement import Statement, prepare_statement
from workflows.application import (
    ApplicationInput,
    ApplicationWorkflow,
    WithdrawRequest,
    search_attributes_at_start,
)


@dataclass(frozen=True)
class Accepted:
    """A submission every rule has passed: what is written and what its workflow is told."""

    applicant_name: str
    the_round: Round
    placement: Placement
    phase: str
    deadline: datetime
    now: datetime
    statement: Statement
    cv: CheckedCv
    warning: str | None
    limit: int


async def submit(
    runtime: ServiceRuntime, who: Principal, sub: Submission
) -> tuple[Application, bool]:
    """Accept a submission; return it and whether it is new (False: an idempotent replay)."""
    async with runtime.pool.acquire() as conn:
        earlier = await replay(conn, who, sub)
        if earlier is not None:
            return earlier, False
        profile = await applicants.get_profile(conn, who.subject)
        placement = await catalogue.get_placement(conn, sub.placement_id)
        the_round = await catalogue.get_round(conn, placement.round_id) if placement else None
    if profile is None:
        raise InvalidInput("Complete your profile (PUT /v1/me/profile) before applying.")
    if placement is None or the_round is None:
        raise NotFound(f"There is no advertised placement {sub.placement_id}.")
    accepted = await _check(runtime, who, sub, (profile, placement, the_round))
    async with runtime.pool.acquire() as conn, conn.transaction():
        earlier = await hold_key(conn, who, sub)
        if earlier is not None:
            return earlier, False
        await _check_room(conn, who, accepted)
        application_id, ref = await _record(conn, who, sub, accepted)
        bind_application(application_id)
        start = _workflow_input(runtime, (application_id, ref), who.subject, accepted)
        await runtime.enqueue_workflow(
            conn,
            ApplicationWorkflow,
            ids.application(application_id),
            start,
            search_attributes=search_attributes_at_start(start),
        )
        created = await repo.get(conn, application_id)
    assert created is not None
    runtime.start_soon(created.workflow_id)
    return created, True


async def _check(
    runtime: ServiceRuntime,
    who: Principal,
    sub: Submission,
    found: tuple[Profile, Placement, Round],
) -> Accepted:
    """Every rule that needs no lock, before anything is written (R6-R14)."""
    config = applications_settings(runtime)
    profile, placement, the_round = found
    now = runtime.clock()
    window = open_window(the_round, placement, now)
    phase, deadline = window.phase, window.deadline
    check_eligible(profile, deadline.astimezone(LONDON).date())
    if phase == "second":
        await _check_second_round(runtime, who, the_round.id)
    if not sub.statement.strip():
        raise InvalidInput("The personal statement is empty.")
    if len(sub.statement) > config.statement_max_chars:
        raise InvalidInput(f"The statement is over {config.statement_max_chars} characters.")
    statement = prepare_statement(sub.statement, the_round.statement_word_limit)
    cv = await asyncio.to_thread(
        check_cv, sub.cv_content, max_bytes=config.cv_max_bytes, host_pages=the_round.cv_page_limit
    )
    return Accepted(
        applicant_name=profile.name,
        the_round=the_round,
        placement=placement,
        phase=phase,
        deadline=deadline,
        now=now,
        statement=statement,
        cv=cv,
        warning=allowance_warning(profile.division, len(placement.days), config.allowance_days),
        limit=(
            the_round.applications_per_applicant
            if phase == "first"
            else the_round.second_round_applications_per_applicant
        ),
    )


async def _check_second_round(runtime: ServiceRuntime, who: Principal, round_id: UUID) -> None:
    async with runtime.pool.acquire() as conn:
        if await repo.has_accepted_place(conn, who.subject, round_id):
            raise Conflict(
                "You have accepted a place in this round; the second round is for those "
                "who have not."
            )


async def _record(
    conn: Connection, who: Principal, sub: Submission, accepted: Accepted
) -> tuple[UUID, str]:
    """The application's row, its CV and its first event, inside the caller's transaction:
    its id and its reference."""
    statement, cv, now = accepted.statement, accepted.cv, accepted.now
    application_id, ref = await repo.insert(
        conn,
        {
            "applicant_email": who.subject,
            "round_id": accepted.the_round.id,
            "placement_id": accepted.placement.id,
            "phase": accepted.phase,
            "statement": statement.whole,
            "statement_words": statement.words,
            "statement_for_hosts": statement.for_hosts,
            "allowance_warning": accepted.warning,
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
    return application_id, ref


async def _check_room(conn: Connection, who: Principal, accepted: Accepted) -> None:
    """Under the applicant's round lock: not this placement twice, not over the limit (R12)."""
    round_id, limit = accepted.the_round.id, accepted.limit
    await repo.lock_applicant_round(conn, who.subject, round_id)
    held = await repo.active_in_phase(conn, who.subject, round_id, accepted.phase)
    if any(h["placement_id"] == accepted.placement.id for h in held):
        raise Conflict("You have already applied for this placement.")
    if len(held) >= limit:
        titles = "; ".join(h["title"] for h in held)
        raise Conflict(
            f"You may hold at most {when.plural(limit, 'application')} in this round and "
            f"already hold {len(held)} ({titles}). Withdraw one before the deadline to apply "
            "for another.",
            limit=limit,
        )


def _workflow_input(
    runtime: ServiceRuntime,
    made: tuple[UUID, str],
    applicant_email: str,
    accepted: Accepted,
) -> ApplicationInput:
    placement, the_round = accepted.placement, accepted.the_round
    name = accepted.applicant_name
    application_id, ref = made
    return ApplicationInput(
        application_id=str(application_id),
        reference=ref,
        round_id=str(the_round.id),
        placement_id=str(placement.id),
        applicant_email=applicant_email,
        applicant_name=name,
        deadline_at=accepted.deadline,
        placement=facts_of(placement),
        office_email=runtime.settings.office_email,
        applicant_key=runtime.settings.applicant_key(applicant_email),
        confirmation={
            "applicant_name": name,
            "placement_title": placement.title,
            "host_name": placement.host.name,
            "week_label": f"the week of {when.day(placement.week_starts_on)}",
            "reference": ref,
            "submitted_at_label": when.when(accepted.now),
            "statement_cut": accepted.statement.was_cut,
            "word_limit": the_round.statement_word_limit,
            "allowance_warning": accepted.warning,
        },
    )


async def mine(pool: asyncpg.Pool, me: Principal) -> list[Application]:
    async with pool.acquire() as conn:
        return await repo.list_for_applicant(conn, me.subject)


async def counts(pool: asyncpg.Pool, round_id: UUID) -> dict[UUID, dict[str, int]]:
    async with pool.acquire() as conn:
        return await repo.counts_by_placement(conn, round_id)


async def by_reference(pool: asyncpg.Pool, text: str) -> Application:
    """The office finds an application by the reference people quote (office only)."""
    parsed = parse_reference(text)
    if parsed is None:
        raise InvalidInput(
            "Enter a reference like MIP-27A-0042: MIP, the round's code and a number.",
            field="reference",
        )
    async with pool.acquire() as conn:
        found = await repo.find_by_reference(conn, *parsed)
    if found is None:
        raise NotFound(f"There is no application {reference(*parsed)}.")
    return found


async def readable(runtime: ServiceRuntime, application_id: UUID, who: Principal) -> Application:
    """Applicants read their own, the office (and services) any; hosts none here (R16)."""
    async with runtime.pool.acquire() as conn:
        found = await repo.get(conn, application_id)
    mine = found is not None and found.applicant_email.lower() == who.subject.lower()
    trusted = who.role in (Role.office, Role.service)
    if found is None or not (trusted or (who.role is Role.applicant and mine)):
        raise NotFound(f"There is no application {application_id} that you can see.")
    return found


async def withdraw(
    runtime: ServiceRuntime, application_id: UUID, me: Principal, reason: str
) -> Application:
    """Before the deadline, frees the slot for another application (R12)."""
    found = await readable(runtime, application_id, me)

    async def finished(_: object) -> Exception:
        status = (await readable(runtime, application_id, me)).status
        words = status.replace("_", " ")
        return Conflict(f"The application is {words}; it cannot be withdrawn now.", reason=status)

    # A refusal is a 409 in the workflow's words; a finished workflow a 409, never a 500.
    await runtime.update_workflow(
        found.workflow_id,
        ApplicationWorkflow.withdraw,
        WithdrawRequest(actor=me.subject, reason=reason),
        why_closed=finished,
    )
    return await readable(runtime, application_id, me)
