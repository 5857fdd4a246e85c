"""What the claim routes do: an intern starts a claim for an accepted placement, adds
lines the rules judge as they come (R24-R28), and submits it to its workflow (P5)."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple
from uuid import UUID

from mip.core import ids
from mip.core.auth import Principal, Role
from mip.core.errors import Conflict, InvalidInput, NotFound
from mip.core.runtime import ServiceRuntime
from mip.core.text import file_name
from services.applications.client import ApplicationsClient
from services.expenses.claims import repository as repo
from services.expenses.claims.schemas import HostTotals
from services.expenses.config import expenses_settings
from services.expenses.contract import Category, Claim
from services.expenses.policy import Host, HostKind, Journey, Line, Location, judge
from workflows.expense_claim import ClaimInput, ExpenseClaimWorkflow

CLAIMABLE = {"accepted", "introduced"}


class NewLine(NamedTuple):
    category: Category
    spent_on: date
    pence: int
    description: str
    journey: Journey | None
    receipt: tuple[str, str, bytes]  # file name, media type, content


async def readable(runtime: ServiceRuntime, claim_id: UUID, who: Principal) -> Claim:
    async with runtime.pool.acquire() as conn:
        row = await repo.claim_row(conn, claim_id)
        found = await repo.read(conn, claim_id) if row else None
    allowed = row is not None and (
        who.role is Role.office
        or row["intern_email"].lower() == who.subject.lower()
        or (
            who.role is Role.host
            and row["host_contact_email"].lower() == who.subject.lower()
            and row["status"] != "draft"  # the intern's alone until submitted
        )
    )
    if found is None or not allowed:
        raise NotFound(f"There is no claim {claim_id} that you can see.")
    return found


async def start(runtime: ServiceRuntime, application_id: UUID, me: Principal) -> Claim:
    async with ApplicationsClient(
        runtime.settings.applications_url, runtime.service_token()
    ) as apps:
        application = await apps.application(application_id)
        placement = await apps.placement(application.placement_id)
    if application.applicant_email.lower() != me.subject.lower():
        raise NotFound(f"There is no application {application_id} of yours.")
    if application.status not in CLAIMABLE:
        raise InvalidInput(
            "Expenses are claimed for an accepted placement, from the introduction on."
        )
    host = placement.host
    async with runtime.pool.acquire() as conn, conn.transaction():
        claim_id = await repo.insert_claim(
            conn,
            {
                "application_id": application.id,
                "application_reference": application.reference,
                "placement_id": placement.id,
                "placement_title": placement.title,
                "days": placement.days,
                "intern_email": me.subject,
                "intern_name": application.applicant_name,
                "host_name": host.name,
                "host_kind": host.kind.value,
                "host_location": host.location.value,
                "host_contact_name": host.contact_name,
                "host_contact_email": str(host.contact_email),
            },
        )
        await repo.add_event(conn, claim_id, me.subject, "draft", "claim started")
    return await readable(runtime, claim_id, me)


async def draft_of(runtime: ServiceRuntime, claim_id: UUID, me: Principal) -> Claim:
    claim = await readable(runtime, claim_id, me)
    if claim.intern_email.lower() != me.subject.lower():
        raise NotFound(f"There is no claim {claim_id} of yours.")
    if claim.status != "draft":
        raise Conflict(f"The claim is {claim.status}; lines are added before it is submitted.")
    return claim


async def add_line(runtime: ServiceRuntime, claim_id: UUID, line: NewLine) -> None:
    """Judge the line against the claim's host and days, and keep it with its verdict."""
    config = expenses_settings(runtime)
    async with runtime.pool.acquire() as conn, conn.transaction():
        row = await repo.claim_row(conn, claim_id, lock=True)
        assert row is not None
        host = Host(HostKind(row["host_kind"]), Location(row["host_location"]))
        verdict = judge(
            Line(line.category, line.spent_on, line.pence, line.journey),
            host,
            list(row["days"]),
            bus_pass_cap_pence=config.bus_pass_cap_pence,
            places=config.gazetteer(),
        )
        journey = line.journey
        await repo.insert_line(
            conn,
            claim_id,
            {
                "category": line.category.value,
                "spent_on": line.spent_on,
                "amount_pence": line.pence,
                "description": line.description,
                "travel_from": journey.origin if journey else None,
                "travel_to": journey.destination if journey else None,
                "travel_mode": journey.mode.value if journey else None,
            },
            verdict,
            line.receipt,
        )


async def remove_line(
    runtime: ServiceRuntime, claim_id: UUID, line_id: UUID, me: Principal
) -> None:
    await draft_of(runtime, claim_id, me)
    async with runtime.pool.acquire() as conn:
        if not await repo.delete_line(conn, claim_id, line_id):
            raise NotFound(f"The claim has no line {line_id}.")


async def submit(runtime: ServiceRuntime, claim_id: UUID, me: Principal) -> Claim:
    """The claim leaves draft and its workflow starts, through the outbox."""
    claim = await draft_of(runtime, claim_id, me)
    if not claim.lines:
        raise InvalidInput("Add at least one line, with its receipt, before submitting.")
    async with runtime.pool.acquire() as conn, conn.transaction():
        row = await repo.claim_row(conn, claim_id, lock=True)
        assert row is not None
        if row["status"] != "draft":
            raise Conflict("The claim has been submitted already.")
        await repo.mark_submitted(conn, claim_id)
        await repo.add_event(conn, claim_id, me.subject, "submitted")
        start = ClaimInput(
            claim_id=str(claim_id),
            placement_id=str(claim.placement_id),
            placement_title=claim.placement_title,
            intern_email=claim.intern_email,
            intern_name=row["intern_name"],
            host_contact_email=row["host_contact_email"],
            host_contact_name=row["host_contact_name"],
            office_email=runtime.settings.office_email,
            line_ids=[str(line.id) for line in claim.lines],
            owed_pence=claim.owed_pence,
            reference=claim.reference,
        )
        started = await runtime.enqueue_workflow(
            conn, ExpenseClaimWorkflow, ids.expense_claim(str(claim_id)), start
        )
    runtime.start_soon(started)
    return await readable(runtime, claim_id, me)


async def visible(runtime: ServiceRuntime, who: Principal, state: str | None = None) -> list[Claim]:
    """Interns see their claims, hosts the claims for their placements once submitted (a
    draft is the intern's until then), the office all; `state` keeps only those in it."""
    intern = who.subject if who.role is Role.applicant else None
    host = who.subject if who.role is Role.host else None
    if who.role is Role.service or (host and state == "draft"):
        return []
    async with runtime.pool.acquire() as conn:
        ids = await repo.claim_ids(conn, intern=intern, host=host, state=state)
    return [await readable(runtime, i, who) for i in ids]


EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


async def receipt(
    runtime: ServiceRuntime, claim_id: UUID, line_id: UUID, who: Principal
) -> tuple[bytes, str, str]:
    """A line's receipt, its media type and the name people save it under: the claim's
    reference and the line's place in it ("MIP-27A-0042-E1-receipt-2.pdf"), to whoever
    may read the claim."""
    claim = await readable(runtime, claim_id, who)
    async with runtime.pool.acquire() as conn:
        row = await repo.receipt(conn, claim_id, line_id)
    if row is None:
        raise NotFound(f"The claim has no line {line_id}.")
    number = next(i for i, line in enumerate(claim.lines, 1) if line.id == line_id)
    extension = EXTENSIONS.get(row["media_type"], "bin")
    name = file_name(claim.reference, "receipt", str(number), extension=extension)
    return row["content"], row["media_type"], name


async def totals(runtime: ServiceRuntime) -> list[HostTotals]:
    async with runtime.pool.acquire() as conn:
        return await repo.totals_by_host(conn)
