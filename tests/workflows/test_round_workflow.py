"""RoundWorkflow's clock on the time-skipping server, the services' activities stubbed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from temporalio import activity
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from mip.core import ids
from services.applications.contract import (
    FORWARD_PLACEMENT,
    FORWARDING_SNAPSHOT,
    MARK_FORWARDED,
    MARK_READVERTISED,
    MARK_ROUND_FORWARDED,
    TELL_FORWARDED,
    TELL_ROUND_FORWARDED,
    Candidate,
    Forwarding,
    PlacementFacts,
    PlacementSnapshot,
    RoundClock,
    RoundSnapshot,
    SnapshotQuery,
)
from services.notifications.contract import (
    LIST_ALERT_RECIPIENTS,
    SEND_EMAIL,
    AlertRecipient,
    EmailOutcome,
    EmailRequest,
    EmailStatus,
)
from services.offers import opening
from services.offers.contract import (
    PLACEMENT_COUNTS,
    START_PLACEMENTS,
    PlacementCounts,
    PlacementStart,
)
from tests.support.time_skipping import time_skipping
from workflows.notifications import AlertAnnouncementWorkflow
from workflows.placement import PlacementWorkflow
from workflows.queues import APPLICATIONS, INTERACTIVE, NOTIFICATIONS, OFFERS, WORKFLOWS
from workflows.round import NextStep, RoundInput, RoundWorkflow

FACTS = PlacementFacts(
    title="Silver",
    host_name="St John's",
    host_contact_name="Helen",
    host_contact_email="helen@sjc.example.org",
    week_starts_on=date(2030, 6, 3),
    days=[date(2030, 6, 3), date(2030, 6, 4)],
    mode="in_person",
    preparation="",
    location="Oxford",
)


@dataclass
class Services:
    snapshots: list[tuple[str, datetime]] = field(default_factory=list)
    readvertised: list[dict[str, int]] = field(default_factory=list)
    emails: list[EmailRequest] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    forwarded: list[Forwarding] = field(default_factory=list)
    told: list[Forwarding] = field(default_factory=list)
    # What had happened when each e-mail was asked for: forwardings, workflows told,
    # placements started.
    seen_at_email: list[tuple[int, int, int]] = field(default_factory=list)
    placements_started: list[str] = field(default_factory=list)
    # The priority key each activity was scheduled with, by activity.
    priorities: dict[str, set[int | None]] = field(default_factory=dict)

    def _seen(self) -> None:
        info = activity.info()
        self.priorities.setdefault(info.activity_type, set()).add(info.priority.priority_key)

    @activity.defn(name=FORWARDING_SNAPSHOT)
    async def snapshot(self, query: SnapshotQuery) -> RoundSnapshot:
        self._seen()
        self.snapshots.append((query.phase, activity.info().current_attempt_scheduled_time))
        return RoundSnapshot(
            round_id="r1",
            round_name="2030",
            placements=[
                PlacementSnapshot(
                    placement_id="p1", facts=FACTS, places=2, candidates=self.candidates
                )
            ],
        )

    @activity.defn(name=FORWARD_PLACEMENT)
    async def forward(self, forwarding: Forwarding) -> int:
        self.forwarded.append(forwarding)
        return len(forwarding.application_ids)

    @activity.defn(name=MARK_FORWARDED)
    async def mark_forwarded(self, forwarding: Forwarding) -> int:
        return await self.forward(forwarding)

    @activity.defn(name=TELL_FORWARDED)
    async def tell(self, forwarding: Forwarding) -> int:
        self.told.append(forwarding)
        return len(forwarding.application_ids)

    @activity.defn(name=START_PLACEMENTS)
    async def start_placements(self, starts: list[PlacementStart]) -> int:
        self._seen()
        self.placements_started += [start.workflow_id for start in starts]
        return await opening.start_all(activity.client(), starts)

    @activity.defn(name=MARK_ROUND_FORWARDED)
    async def mark_round(self, placements: list[Forwarding]) -> int:
        self._seen()
        return sum([await self.forward(p) for p in placements])

    @activity.defn(name=TELL_ROUND_FORWARDED)
    async def tell_round(self, placements: list[Forwarding]) -> int:
        self._seen()
        return sum([await self.tell(p) for p in placements])

    @activity.defn(name=PLACEMENT_COUNTS)
    async def counts(self, round_id: str) -> dict[str, PlacementCounts]:
        return {"p1": PlacementCounts(accepted=0, offered=0)}

    @activity.defn(name=MARK_READVERTISED)
    async def mark(self, places: dict[str, int]) -> None:
        self.readvertised.append(places)

    @activity.defn(name=LIST_ALERT_RECIPIENTS)
    async def recipients(self) -> list[AlertRecipient]:
        return [AlertRecipient(subscriber_id="s1", email="fan@example.org", unsubscribe_url="u")]

    @activity.defn(name=SEND_EMAIL)
    async def send(self, request: EmailRequest) -> EmailOutcome:
        self._seen()
        self.emails.append(request)
        self.seen_at_email.append(
            (len(self.forwarded), len(self.told), len(self.placements_started))
        )
        return EmailOutcome(message_id="m", status=EmailStatus.sent, attempts=1)


@asynccontextmanager
async def round_started(
    services: Services,
) -> AsyncIterator[tuple[WorkflowEnvironment, WorkflowHandle[RoundWorkflow, list[str]], datetime]]:
    async with time_skipping(
        [RoundWorkflow, PlacementWorkflow, AlertAnnouncementWorkflow],
        {
            APPLICATIONS: [
                services.snapshot,
                services.forward,
                services.mark_forwarded,
                services.tell,
                services.mark_round,
                services.tell_round,
                services.mark,
            ],
            OFFERS: [services.counts, services.start_placements],
            NOTIFICATIONS: [services.recipients, services.send],
        },
    ) as env:
        now = await env.get_current_time()
        clock = RoundClock(
            advertise_at=now + timedelta(hours=1),
            deadline_at=now + timedelta(hours=2),
            outcomes_at=now + timedelta(days=5),
            second_round_opens_at=now + timedelta(days=6),
            second_round_deadline_at=now + timedelta(days=8),
        )
        handle = await env.client.start_workflow(
            RoundWorkflow.run,
            RoundInput(
                round_id="r1",
                name="2030",
                clock=clock,
                window_seconds=48 * 3600,
            ),
            id="round-r1",
            task_queue=WORKFLOWS,
        )
        yield env, handle, now


async def test_r4_unfilled_places_are_readvertised_and_the_alerts_list_hears() -> None:
    services = Services()
    async with round_started(services) as (env, handle, _):
        await env.sleep(timedelta(days=6, hours=1))
        step: NextStep = await handle.query(RoundWorkflow.next_step)
    assert services.readvertised == [{"p1": 2}]
    kinds = [e.kind.value for e in services.emails]
    assert kinds.count("alert_advertised") == 1
    assert kinds.count("alert_readvertised") == 1
    assert step.step == "forward_second"
    assert step.done == ["advertise", "forward_first", "outcomes", "open_second_round"]


async def test_r3_changing_the_deadline_before_it_passes_reschedules_forwarding() -> None:
    services = Services()
    async with round_started(services) as (env, handle, start):
        await env.sleep(timedelta(minutes=90))  # advertised, not yet at the deadline
        moved = RoundClock(
            advertise_at=start + timedelta(hours=1),
            deadline_at=start + timedelta(hours=5),
            outcomes_at=start + timedelta(days=5),
        )
        await handle.signal(RoundWorkflow.reschedule, moved)
        await env.sleep(timedelta(hours=1))  # past the old deadline
        before = [phase for phase, _ in services.snapshots]
        await env.sleep(timedelta(hours=3))  # past the new one
        after = [phase for phase, _ in services.snapshots]
        final = await handle.result()
    assert before == ["first"]  # the advertising step only
    assert after == ["first", "first"]
    # The second round was taken away; the round lived on until its outcomes-by date.
    assert final == ["advertise", "forward_first", "outcomes"]


async def test_r17_r18_the_hosts_digest_carries_the_instant_ranking_closes() -> None:
    """The notifications service words the digest by it when it sends: one that goes out
    after it does not ask the host to rank (tests/services/notifications). Ranking closes
    ahead of the outcomes-by date by the time telling every application takes, so that
    all have heard by the date (workflows/closing.py): 40 of them, 2.4 s."""
    services = Services(
        candidates=[
            Candidate(application_id=f"a{n}", applicant_name="Ada", applicant_email="a@x.org")
            for n in range(40)
        ]
    )
    async with round_started(services) as (env, _, start):
        await env.sleep(timedelta(hours=2, minutes=5))  # past the deadline
        placement = env.client.get_workflow_handle(ids.placement("p1", "first"))
        await env.sleep(timedelta(days=5) - timedelta(hours=2, minutes=5) - timedelta(seconds=1))
        state = await placement.query(PlacementWorkflow.state)
    [digest] = [e for e in services.emails if e.kind.value == "forwarded_digest"]
    outcomes_at = start + timedelta(days=5)
    assert datetime.fromisoformat(digest.data["outcomes_at"]) == outcomes_at
    closes_at = datetime.fromisoformat(digest.data["ranking_closes_at"])
    assert closes_at == outcomes_at - timedelta(seconds=2.4)
    assert state.closed  # a second before the outcomes-by date


async def test_r16_a_placements_applications_are_forwarded_in_one_step() -> None:
    """One activity for every application of a placement, not a signal from the round for
    each (3,000 of them took twelve minutes); the digest follows it, while another tells
    the workflows. Every placement's workflow is started by the offers service in one step,
    not by the round as its child, and every placement's applications are moved and told
    in one step each: at full size the round's one history made each wait its turn. Each
    step goes ahead of the rush's own tasks on the services' queues."""
    services = Services(
        candidates=[
            Candidate(application_id=a, applicant_name=a, applicant_email=f"{a}@example.org")
            for a in ("a1", "a2", "a3")
        ]
    )
    async with round_started(services) as (env, _, _):
        await env.sleep(timedelta(hours=2, minutes=5))  # past the deadline
        placement = env.client.get_workflow_handle(ids.placement("p1", "first"))
        state = await placement.query(PlacementWorkflow.state)
        described = await placement.describe()
    [forwarding] = services.forwarded
    assert (forwarding.placement_id, forwarding.application_ids) == ("p1", ["a1", "a2", "a3"])
    assert services.told == [forwarding]
    [digest_saw] = [
        seen
        for e, seen in zip(services.emails, services.seen_at_email, strict=True)
        if e.kind.value == "forwarded_digest"
    ]
    # The digest follows the table's move and the placement's start, so the host finds
    # both the applications and a placement that takes a ranking; the workflows are told
    # beside it (issue 24).
    assert (digest_saw[0], digest_saw[2]) == (1, 1)
    [digest] = [e for e in services.emails if e.kind.value == "forwarded_digest"]
    assert digest.idempotency_key == "round-r1/forward-first/p1"  # as the round's was
    # Every step at the deadline goes ahead of the rush's tasks on the services' queues;
    # the advertising step's snapshot and alert at the default.
    for step in (START_PLACEMENTS, MARK_ROUND_FORWARDED, TELL_ROUND_FORWARDED):
        assert services.priorities[step] == {1}, step
    for step in (FORWARDING_SNAPSHOT, SEND_EMAIL):
        assert services.priorities[step] == {1, None}, step
    assert not state.closed  # started before the host could rank
    # A host's ranking waits on its tasks: not behind the applications' (queues.py).
    assert described.task_queue == INTERACTIVE
    assert services.placements_started == [ids.placement("p1", "first")]
    assert described.parent_id is None
