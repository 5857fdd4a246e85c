"""Application and placement workflows on the time-skipping server, with the services'
activities replaced by an in-memory stand-in that records what they were asked to do."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from temporalio import activity
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from mip.core import ids
from mip.core.erasure import Erased, ErasureRequest, PersonApplications
from services.applications.contract import (
    APPLICATIONS_OF_PERSON,
    ERASE_APPLICANT,
    OPEN_APPLICATIONS_OF,
    RECORD_STATUS,
    Candidate,
    OpenApplicationsQuery,
    PlacementFacts,
    StatusChange,
)
from services.expenses.contract import ERASE_INTERN
from services.notifications.contract import (
    ERASE_MESSAGES,
    SEND_EMAIL,
    EmailOutcome,
    EmailRequest,
    EmailStatus,
)
from services.offers.contract import (
    CLAIM_ACCEPTANCE,
    ERASE_SELECTION,
    HOLD_PLACE,
    RECORD_OFFER,
    RELEASE_PLACE,
    AcceptanceClaim,
    OfferRecord,
    PlaceHold,
    PlacementInput,
    PlacementState,
)
from tests.support.time_skipping import time_skipping
from tests.support.waiting import eventually
from workflows.application import ApplicationInput, ApplicationView, ApplicationWorkflow
from workflows.placement import PlacementWorkflow, Ranking
from workflows.queues import APPLICATIONS, EXPENSES, NOTIFICATIONS, OFFERS, WORKFLOWS

FACTS = PlacementFacts(
    title="Product marketing",
    host_name="Isis Robotics",
    host_contact_name="Sam",
    host_contact_email="sam@isis.example.com",
    week_starts_on=date(2030, 6, 3),
    days=[date(2030, 6, 4), date(2030, 6, 5)],
    mode="in_person",
    preparation="Bring a laptop.",
    location="Oxford",
)


@dataclass
class World:
    """What the services were asked to record and send."""

    emails: list[EmailRequest] = field(default_factory=list)
    statuses: dict[str, list[str]] = field(default_factory=dict)
    offers: list[OfferRecord] = field(default_factory=list)
    accepted: dict[tuple[str, str], str] = field(default_factory=dict)
    applications: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (email, round)
    holds: dict[str, str] = field(default_factory=dict)  # application -> placement, places held
    # Addresses the stand-in mail server refuses for good, as a real one answers 550.
    undeliverable: set[str] = field(default_factory=set)
    # What each service was asked to erase, in order (issue 23 item 4).
    erasures: list[tuple[str, ErasureRequest]] = field(default_factory=list)

    @activity.defn(name=SEND_EMAIL)
    async def send_email(self, request: EmailRequest) -> EmailOutcome:
        self.emails.append(request)
        refused = {a: "550 5.1.1 No such user here" for a in request.to if a in self.undeliverable}
        reached = len(refused) < len(request.to)
        return EmailOutcome(
            message_id=request.idempotency_key,
            status=EmailStatus.sent if reached else EmailStatus.failed,
            attempts=1,
            detail="; ".join(f"{a}: {why}" for a, why in refused.items()) or None,
            refused=refused,
        )

    @activity.defn(name=RECORD_STATUS)
    async def record_status(self, change: StatusChange) -> bool:
        self.statuses.setdefault(change.application_id, []).append(change.status.value)
        return True

    @activity.defn(name=RECORD_OFFER)
    async def record_offer(self, record: OfferRecord) -> None:
        self.offers.append(record)

    @activity.defn(name=CLAIM_ACCEPTANCE)
    async def claim_acceptance(self, claim: AcceptanceClaim) -> bool:
        key = (claim.round_id, claim.applicant_email)
        holder = self.accepted.setdefault(key, claim.application_id)
        return holder == claim.application_id

    @activity.defn(name=HOLD_PLACE)
    async def hold_place(self, hold: PlaceHold) -> bool:
        if hold.application_id in self.holds:
            return True
        held = sum(p == hold.placement_id for p in self.holds.values())
        if held >= hold.capacity:
            return False
        self.holds[hold.application_id] = hold.placement_id
        return True

    @activity.defn(name=RELEASE_PLACE)
    async def release_place(self, hold: PlaceHold) -> bool:
        return self.holds.pop(hold.application_id, None) is not None

    @activity.defn(name=OPEN_APPLICATIONS_OF)
    async def open_applications_of(self, query: OpenApplicationsQuery) -> list[str]:
        return [
            a
            for a, (email, rnd) in self.applications.items()
            if email == query.applicant_email
            and rnd == query.round_id
            and a != query.except_application_id
        ]

    @activity.defn(name=APPLICATIONS_OF_PERSON)
    async def applications_of_person(self, email: str) -> PersonApplications:
        theirs = [a for a, (e, _) in self.applications.items() if e == email]
        ended = {"withdrawn", "declined", "lapsed", "not_successful", "withdrawn_after_acceptance"}
        running = [a for a in theirs if self.statuses.get(a, ["submitted"])[-1] not in ended]
        return PersonApplications(all=theirs, running=running)

    @activity.defn(name=ERASE_APPLICANT)
    async def erase_applicant(self, request: ErasureRequest) -> Erased:
        return self._erase("applications", request)

    def _erase(self, service: str, request: ErasureRequest) -> Erased:
        self.erasures.append((service, request))
        return Erased(service=service)

    def erasure_activities(self) -> dict[str, list[Callable[..., Any]]]:
        """The four services' erasure steps, each recording what it was asked."""

        def step(name: str, service: str) -> Callable[..., Any]:
            @activity.defn(name=name)
            async def erase(request: ErasureRequest) -> Erased:
                return self._erase(service, request)

            return erase

        return {
            APPLICATIONS: [self.applications_of_person, self.erase_applicant],
            OFFERS: [step(ERASE_SELECTION, "offers")],
            EXPENSES: [step(ERASE_INTERN, "expenses")],
            NOTIFICATIONS: [step(ERASE_MESSAGES, "notifications")],
        }

    def kinds_to(self, address: str) -> list[str]:
        return [e.kind.value for e in self.emails if address in e.to]


@dataclass
class Harness:
    env: WorkflowEnvironment
    world: World
    # How far off an application's deadline is: an hour the test server skips, or, on a
    # server in real time, a moment.
    deadline_in: timedelta = timedelta(hours=1)

    @property
    def client(self) -> Client:
        return self.env.client

    async def now(self) -> datetime:
        return await self.env.get_current_time()

    async def apply(
        self, application_id: str, email: str, round_id: str = "r1"
    ) -> WorkflowHandle[Any, Any]:
        self.world.applications[application_id] = (email, round_id)
        handle = await self.client.start_workflow(
            ApplicationWorkflow.run,
            ApplicationInput(
                application_id=application_id,
                round_id=round_id,
                placement_id="p1",
                applicant_email=email,
                applicant_name=email.split("@")[0],
                deadline_at=await self.now() + self.deadline_in,
                placement=FACTS,
                confirmation={"applicant_name": email},
                office_email="office@example.org",
            ),
            id=ids.application(application_id),
            task_queue=WORKFLOWS,
        )
        return handle

    async def forward(self, *handles: WorkflowHandle[Any, Any]) -> None:
        await self.env.sleep(self.deadline_in * 2)  # past the deadline
        for handle in handles:
            await handle.signal(ApplicationWorkflow.forward)
        await self.env.sleep(timedelta(seconds=1))

    async def placement(
        self,
        placement_id: str,
        candidates: list[str],
        *,
        places: int = 1,
        outcomes_in: timedelta = timedelta(days=20),
        closes_ahead: timedelta | None = None,
        phase: str = "first",
        prefix: str = "",
    ) -> WorkflowHandle[Any, Any]:
        """`prefix`: on queues with no worker until `workers_on(prefix)`, so that what is
        sent meanwhile reaches the workflow in its first task. `closes_ahead`: the
        placement closes that long before the outcomes-by date (workflows/closing.py)."""
        outcomes_at = await self.now() + outcomes_in
        return await self.client.start_workflow(
            PlacementWorkflow.run,
            PlacementInput(
                placement_id=placement_id,
                round_id="r1",
                phase=phase,
                places=places,
                window_seconds=48 * 3600,
                outcomes_at=outcomes_at,
                closes_at=outcomes_at - closes_ahead if closes_ahead else None,
                candidates=[
                    Candidate(application_id=c, applicant_name=c, applicant_email=c)
                    for c in candidates
                ],
            ),
            id=ids.placement(placement_id, phase),
            task_queue=prefix + WORKFLOWS,
        )

    @asynccontextmanager
    async def workers_on(self, prefix: str) -> AsyncIterator[None]:
        """The placement workflow and the offers service's activities on `prefix`'s queues."""
        w = self.world
        offers: list[Callable[..., Any]] = [
            w.record_offer,
            w.claim_acceptance,
            w.hold_place,
            w.release_place,
        ]
        async with (
            Worker(self.client, task_queue=prefix + WORKFLOWS, workflows=[PlacementWorkflow]),
            Worker(self.client, task_queue=prefix + OFFERS, activities=offers),
        ):
            yield

    async def until(self, handle: WorkflowHandle[Any, Any], status: str) -> None:
        """Wait (in real time) until the workflow has taken in a signal sent to it."""

        async def reached() -> bool:
            return await self.status(handle) == status

        await eventually(reached, timeout_s=10)

    async def rank(self, placement: WorkflowHandle[Any, Any], *ids: str) -> PlacementState:
        """The host's ranking, and the state once the offers it makes have gone out: the
        update answers as soon as it has taken the ranking."""
        taken: PlacementState = await placement.execute_update(
            PlacementWorkflow.submit_ranking, Ranking(application_ids=list(ids), ranked_by="host")
        )
        assert taken.ranking == list(ids)

        async def offers_made() -> PlacementState | None:
            state = await self.state(placement)
            return None if state.offering else state

        return await eventually(offers_made, timeout_s=10)

    async def status(self, handle: WorkflowHandle[Any, Any]) -> str:
        view: ApplicationView = await handle.query(ApplicationWorkflow.view)
        return view.status.value

    async def state(self, handle: WorkflowHandle[Any, Any]) -> PlacementState:
        found: PlacementState = await handle.query(PlacementWorkflow.state)
        return found


@asynccontextmanager
async def harness(*, real_time: bool = False) -> AsyncIterator[Harness]:
    world = World()
    async with time_skipping(
        [ApplicationWorkflow, PlacementWorkflow],
        {
            NOTIFICATIONS: [world.send_email],
            APPLICATIONS: [world.record_status, world.open_applications_of],
            OFFERS: [
                world.record_offer,
                world.claim_acceptance,
                world.hold_place,
                world.release_place,
            ],
        },
        real_time=real_time,
    ) as env:
        yield Harness(env, world, timedelta(seconds=1) if real_time else timedelta(hours=1))
