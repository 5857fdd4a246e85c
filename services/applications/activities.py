"""The applications service's activities, served on the `mip-applications` task queue:
the workflows' decisions written to the service's own tables (the read model), and the
facts the round workflow needs."""

from __future__ import annotations

from uuid import UUID

from temporalio.exceptions import ApplicationError

from mip.core.activities import ServiceActivities, served
from mip.core.erasure import Erased, ErasureRequest, PersonApplications
from mip.core.housekeeping import Cutoff
from services.applications import forwarding
from services.applications.catalogue import repository as catalogue
from services.applications.contract import (
    ANONYMISE_ROUND,
    APPLICATIONS_OF_PERSON,
    ERASE_APPLICANT,
    ERASE_PLACEMENT_WEEK,
    ERASE_SUPPORT_SESSIONS,
    ERASE_UNPLACED,
    FORWARD_PLACEMENT,
    FORWARDING_SNAPSHOT,
    KEEP_EQUAL_OPPORTUNITIES_TOTALS,
    MARK_FORWARDED,
    MARK_READVERTISED,
    MARK_ROUND_FORWARDED,
    OPEN_APPLICATIONS_OF,
    RECORD_STATUS,
    RETENTION_PLAN,
    ROUND_DATES,
    TELL_FORWARDED,
    TELL_ROUND_FORWARDED,
    Forwarding,
    OpenApplicationsQuery,
    RetentionPlan,
    RoundDates,
    RoundSnapshot,
    SnapshotQuery,
    StatusChange,
    WeekErasure,
)
from services.applications.erasure import service as on_request
from services.applications.retention import repository as retention
from services.applications.submissions import repository as repo
from services.applications.support import repository as support
from services.applications.support.service import SLOT


class ApplicationActivities(ServiceActivities):
    @served(RECORD_STATUS)
    async def record_status(self, change: StatusChange) -> bool:
        async with self.pool.acquire() as conn:
            return await repo.set_status(
                conn,
                UUID(change.application_id),
                change.status.value,
                actor=change.actor,
                reason=change.reason,
            )

    @served(OPEN_APPLICATIONS_OF)
    async def open_applications_of(self, query: OpenApplicationsQuery) -> list[str]:
        async with self.pool.acquire() as conn:
            found = await repo.open_applications_of(
                conn,
                UUID(query.round_id),
                query.applicant_email,
                UUID(query.except_application_id),
            )
        return [str(a) for a in found]

    @served(FORWARDING_SNAPSHOT)
    async def forwarding_snapshot(self, query: SnapshotQuery) -> RoundSnapshot:
        async with self.pool.acquire() as conn:
            return await forwarding.snapshot(conn, query)

    @served(FORWARD_PLACEMENT)
    async def forward_placement(self, placement: Forwarding) -> int:
        client = self.runtime.workflow_client()
        return await forwarding.forward(self.pool, client, placement)

    @served(MARK_FORWARDED)
    async def mark_placement_forwarded(self, placement: Forwarding) -> int:
        client = self.runtime.workflow_client()
        return await forwarding.mark(self.pool, client, placement)

    @served(TELL_FORWARDED)
    async def tell_placement_forwarded(self, placement: Forwarding) -> int:
        client = self.runtime.workflow_client()
        return await forwarding.tell(self.pool, client, placement)

    @served(MARK_ROUND_FORWARDED)
    async def mark_round_forwarded(self, placements: list[Forwarding]) -> int:
        client = self.runtime.workflow_client()
        return await forwarding.mark_all(self.pool, client, placements)

    @served(TELL_ROUND_FORWARDED)
    async def tell_round_forwarded(self, placements: list[Forwarding]) -> int:
        client = self.runtime.workflow_client()
        return await forwarding.tell_all(self.pool, client, placements)

    @served(MARK_READVERTISED)
    async def mark_readvertised(self, places: dict[str, int]) -> None:
        async with self.pool.acquire() as conn:
            await catalogue.mark_readvertised(conn, {UUID(k): v for k, v in places.items()})

    @served(RETENTION_PLAN)
    async def retention_plan(self, round_id: str) -> RetentionPlan:
        async with self.pool.acquire() as conn:
            found = await retention.plan(conn, UUID(round_id))
        if found is None:
            raise ApplicationError(f"There is no round {round_id}.", non_retryable=True)
        return found

    @served(ERASE_UNPLACED)
    async def erase_unplaced(self, round_id: str) -> int:
        async with self.pool.acquire() as conn:
            return await retention.erase_unplaced(conn, UUID(round_id))

    @served(ERASE_PLACEMENT_WEEK)
    async def erase_placement_week(self, erasure: WeekErasure) -> int:
        async with self.pool.acquire() as conn:
            return await retention.erase_week(conn, UUID(erasure.round_id), erasure.week_ends_on)

    @served(KEEP_EQUAL_OPPORTUNITIES_TOTALS)
    async def keep_equal_opportunities_totals(self, round_id: str) -> int:
        async with self.pool.acquire() as conn:
            return await retention.keep_totals_and_erase_answers(conn, UUID(round_id))

    @served(ANONYMISE_ROUND)
    async def anonymise_round(self, round_id: str) -> int:
        async with self.pool.acquire() as conn:
            return await retention.anonymise_round(conn, UUID(round_id))

    @served(ROUND_DATES)
    async def round_dates(self) -> list[RoundDates]:
        async with self.pool.acquire() as conn:
            return await retention.round_dates(conn)

    @served(ERASE_SUPPORT_SESSIONS)
    async def erase_support_sessions(self, cutoff: Cutoff) -> int:
        async with self.pool.acquire() as conn:
            return await support.erase_sessions_over(conn, cutoff.before, SLOT)

    @served(APPLICATIONS_OF_PERSON)
    async def applications_of_person(self, email: str) -> PersonApplications:
        return await on_request.applications_of(self.pool, email)

    @served(ERASE_APPLICANT)
    async def erase_applicant(self, request: ErasureRequest) -> Erased:
        return await on_request.erase(self.pool, request)
