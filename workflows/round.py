"""RoundWorkflow: a round's clock, as durable timers (R3, R4, R16).

    advertising date  -> the alerts list hears that placements are advertised (R30)
    midday deadline   -> every application forwarded; each host gets one e-mail per
                         placement; one PlacementWorkflow per placement takes its ranking
    outcomes-by date  -> the first round's placements have stopped offering and told the
                         rest (R18): they close ahead of it (workflows/closing.py)
    second round opens-> placements with unfilled places re-advertised (R4)
    second deadline   -> second-round applications forwarded the same way

The workflow lives until the last of its dates has passed, so every date still to come can
be moved in any phase (R3); a moved outcomes-by date reaches the placement workflows
already running.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, time, timedelta

from pydantic import BaseModel
from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from mip.core import ids, when
    from services.applications.contract import (
        FORWARD_PLACEMENT,
        FORWARDING_SNAPSHOT,
        MARK_FORWARDED,
        MARK_READVERTISED,
        MARK_ROUND_FORWARDED,
        TELL_FORWARDED,
        TELL_ROUND_FORWARDED,
        Forwarding,
        PlacementSnapshot,
        RoundClock,
        RoundSnapshot,
        SnapshotQuery,
    )
    from services.notifications.contract import MessageKind
    from services.offers.contract import (
        PLACEMENT_COUNTS,
        START_PLACEMENTS,
        PlacementCounts,
        PlacementInput,
        PlacementStart,
    )
    from services.portal.contract import Page, PageName
    from workflows.tz import LONDON
from temporalio.common import Priority, RetryPolicy
from temporalio.workflow import ParentClosePolicy

from workflows.application import ApplicationWorkflow
from workflows.calls import call
from workflows.closing import ranking_closes_at
from workflows.digest import digest_request
from workflows.notifications import AlertAnnouncementWorkflow, Announcement, send_email
from workflows.placement import PlacementWorkflow, Reschedule
from workflows.queues import AHEAD, APPLICATIONS, INTERACTIVE, OFFERS, sibling
from workflows.signals import signal_quietly

RETRY = RetryPolicy(maximum_interval=timedelta(seconds=30))
# Histories recorded before this patch ended at the last forwarding, took the steps in a
# fixed order and forwarded applications before their placement's workflow had started;
# they replay as they ran.
UNTIL_OUTCOMES = "round-lives-until-outcomes"
# Histories recorded before this patch forwarded one placement after another, signalling
# each application from the round (a round trip each: 12 minutes for 3,000 applications);
# the round now forwards every placement at once, each in one activity (issue 24 item 2).
FORWARD_IN_ONE_STEP = "forward-placements-in-one-step"
# Histories recorded before this patch closed the first round's placements at the
# outcomes-by date itself, so the last applicants heard minutes after it; they now close
# ahead of it by the time telling takes (workflows/closing.py).
CLOSE_AHEAD = "close-ahead-of-the-outcomes-date"
# Histories recorded before this patch told every workflow before the table moved, so a
# host's digest waited on 3,000 signals and the engine's backlog behind them; the table
# now moves first, and the workflows are told beside the digest.
DIGEST_FIRST = "digest-before-the-workflows-hear"
# Histories recorded before this patch started each placement's workflow as the round's
# child and forwarded each placement in activities of its own: 400 activities and 100
# child starts on the round's one history at the deadline, each waiting its turn on it
# (the hundredth placement began a minute after the deadline, its digest after that).
# Now the offers service starts every placement and the applications service moves
# every application in one activity each, side by side; then the hosts' digests go while
# one more activity tells the applications' workflows (services/offers/opening.py).
AT_ONCE = "forward-the-round-at-once"
# Signalling a placement's applications is one activity; a retry tells only those left.
FORWARD_TIMEOUT = timedelta(minutes=2)
# Telling a whole round's applications (3,000 signals, under a minute at full size) in one
# activity; a retry after a worker died tells them again, which moves nothing twice.
TELL_ROUND_TIMEOUT = timedelta(minutes=5)


class RoundInput(BaseModel):
    round_id: str
    name: str
    clock: RoundClock
    window_seconds: int


class NextStep(BaseModel):
    step: str | None
    at: datetime | None
    done: list[str]


@workflow.defn
class RoundWorkflow:
    @workflow.init
    def __init__(self, request: RoundInput) -> None:
        self._input: RoundInput | None = request
        self._clock: RoundClock | None = request.clock
        self._changed = False
        self._done: list[str] = []
        self._until_outcomes = False
        # Placement workflows started at the first deadline, told when the outcomes move.
        self._first_placements: list[str] = []
        self._told_outcomes_at = request.clock.outcomes_at
        # The first round's applications, all told at once when its placements close.
        self._first_applications = 0

    @workflow.run
    async def run(self, request: RoundInput) -> list[str]:
        self._until_outcomes = workflow.patched(UNTIL_OUTCOMES)
        while (step := self.next_step()).step is not None:
            assert step.at is not None
            workflow.set_current_details(f"next: {step.step} at {when.short_when(step.at)}")
            try:
                await workflow.wait_condition(
                    lambda: self._changed, timeout=max(step.at - workflow.now(), timedelta(0))
                )
                self._changed = False  # new dates: work out the next step again
                await self._pass_on_outcomes()
                continue
            except TimeoutError:
                pass
            await self._do(step.step)
            self._done.append(step.step)
        workflow.set_current_details("every date of the round has passed")
        return self._done

    @workflow.signal
    def reschedule(self, clock: RoundClock) -> None:
        self._clock = clock
        self._changed = True

    @workflow.query
    def next_step(self) -> NextStep:
        assert self._clock is not None
        clock = self._clock
        steps = [
            ("advertise", clock.advertise_at),
            ("forward_first", clock.deadline_at),
            ("outcomes", clock.outcomes_at if self._until_outcomes else None),
            ("open_second_round", clock.second_round_opens_at),
            ("forward_second", clock.second_round_deadline_at),
        ]
        todo = [(name, at) for name, at in steps if at is not None and name not in self._done]
        if not todo:
            return NextStep(step=None, at=None, done=self._done)
        if self._until_outcomes:  # the outcomes date may fall inside the second round
            todo.sort(key=lambda step: step[1])
        name, at = todo[0]
        return NextStep(step=name, at=at, done=self._done)

    async def _pass_on_outcomes(self) -> None:
        """R3: a moved outcomes-by date reaches the placements already taking offers."""
        assert self._clock is not None
        moved = self._clock.outcomes_at
        if moved == self._told_outcomes_at or not self._until_outcomes:
            return
        self._told_outcomes_at = moved
        for placement_wf in self._first_placements:
            await signal_quietly(
                placement_wf, PlacementWorkflow.reschedule, Reschedule(outcomes_at=moved)
            )

    async def _do(self, step: str) -> None:
        if step == "advertise":
            snapshot = await self._snapshot("first")
            await self._announce(
                "advertised", len(snapshot.placements), self._deadline_label("first")
            )
        elif step == "forward_first":
            await self._forward("first")
        elif step == "outcomes":
            workflow.logger.info("outcomes-by date: the first round's placements close")
        elif step == "open_second_round":
            await self._open_second_round()
        elif step == "forward_second":
            await self._forward("second")

    async def _snapshot(self, phase: str, priority: Priority = Priority.default) -> RoundSnapshot:
        assert self._input is not None
        snapshot: RoundSnapshot = await workflow.execute_activity(
            FORWARDING_SNAPSHOT,
            SnapshotQuery(round_id=self._input.round_id, phase=phase),
            task_queue=sibling(APPLICATIONS),
            result_type=RoundSnapshot,
            start_to_close_timeout=timedelta(seconds=60),
            retry_policy=RETRY,
            priority=priority,
        )
        return snapshot

    async def _forward(self, phase: str) -> None:
        """R16: after the deadline every application goes to its placement's host."""
        at_once = workflow.patched(AT_ONCE)
        snapshot = await self._snapshot(phase, AHEAD if at_once else Priority.default)
        if phase == "first":
            self._first_applications = sum(len(p.candidates) for p in snapshot.placements)
        if at_once:
            await self._forward_at_once(snapshot, phase)
            return
        if workflow.patched(FORWARD_IN_ONE_STEP):
            await asyncio.gather(
                *(
                    self._forward_placement(snapshot, placement, phase)
                    for placement in snapshot.placements
                    if placement.candidates
                )
            )
            return
        for placement in snapshot.placements:
            if not placement.candidates:
                continue
            if self._until_outcomes:
                # The host sees an application once it is forwarded and may rank at once:
                # the placement's workflow is there to take that ranking first.
                await self._start_placement(placement, phase)
            for candidate in placement.candidates:
                await signal_quietly(
                    ids.application(candidate.application_id), ApplicationWorkflow.forward
                )
            if not self._until_outcomes:
                await self._start_placement(placement, phase)
            await self._tell_host(snapshot, placement, phase)

    async def _forward_placement(
        self, snapshot: RoundSnapshot, placement: PlacementSnapshot, phase: str
    ) -> None:
        """The placement's workflow started, to take a ranking as soon as the host can
        send one, and every application forwarded in the table, side by side; then the
        host's digest, while each application's workflow hears it was forwarded."""
        forwarding = _forwarding(snapshot, placement)
        await self._start_placement(placement, phase, interactive=True)
        if workflow.patched(DIGEST_FIRST):
            await call(APPLICATIONS, MARK_FORWARDED, forwarding, start_to_close=FORWARD_TIMEOUT)
            await asyncio.gather(
                self._tell_host(snapshot, placement, phase),
                call(APPLICATIONS, TELL_FORWARDED, forwarding, start_to_close=FORWARD_TIMEOUT),
            )
            return
        await call(APPLICATIONS, FORWARD_PLACEMENT, forwarding, start_to_close=FORWARD_TIMEOUT)
        await self._tell_host(snapshot, placement, phase)

    async def _forward_at_once(self, snapshot: RoundSnapshot, phase: str) -> None:
        """Every placement's workflow started, to take a ranking as soon as its host can
        send one, and every application forwarded in the table, side by side; then each
        host's digest, while every application's workflow hears it was forwarded."""
        placements = [p for p in snapshot.placements if p.candidates]
        starts = [
            PlacementStart(
                workflow_id=ids.placement(placement.placement_id, phase),
                # A host's ranking waits on its tasks, not the applications' (queues.py).
                task_queue=sibling(INTERACTIVE),
                opening=self._opening(placement, phase),
            )
            for placement in placements
        ]
        moves = [_forwarding(snapshot, placement) for placement in placements]
        await asyncio.gather(
            call(OFFERS, START_PLACEMENTS, starts, start_to_close=FORWARD_TIMEOUT, priority=AHEAD),
            call(
                APPLICATIONS,
                MARK_ROUND_FORWARDED,
                moves,
                start_to_close=FORWARD_TIMEOUT,
                priority=AHEAD,
            ),
        )
        if phase == "first":
            self._first_placements += [start.workflow_id for start in starts]
        await asyncio.gather(
            *(self._tell_host(snapshot, placement, phase, AHEAD) for placement in placements),
            call(
                APPLICATIONS,
                TELL_ROUND_FORWARDED,
                moves,
                start_to_close=TELL_ROUND_TIMEOUT,
                priority=AHEAD,
            ),
        )

    async def _start_placement(
        self, placement: PlacementSnapshot, phase: str, *, interactive: bool = False
    ) -> None:
        wf_id = ids.placement(placement.placement_id, phase)
        await workflow.start_child_workflow(
            PlacementWorkflow.run,
            self._opening(placement, phase),
            id=wf_id,
            # A host's ranking waits on its tasks, not the applications' (queues.py).
            task_queue=sibling(INTERACTIVE) if interactive else None,
            parent_close_policy=ParentClosePolicy.ABANDON,
        )
        if phase == "first":
            self._first_placements.append(wf_id)

    def _opening(self, placement: PlacementSnapshot, phase: str) -> PlacementInput:
        assert self._input is not None
        return PlacementInput(
            placement_id=placement.placement_id,
            round_id=self._input.round_id,
            phase=phase,
            places=placement.places,
            window_seconds=self._input.window_seconds,
            outcomes_at=self._outcomes_at(placement, phase),
            closes_at=self._closes_at(phase),
            candidates=placement.candidates,
            capacity=placement.capacity,
        )

    def _outcomes_at(self, placement: PlacementSnapshot, phase: str) -> datetime:
        """When the placement stops taking a ranking and its offers end."""
        assert self._clock is not None
        # The second round's offers can run until the placement's week begins.
        week_start = datetime.combine(placement.facts.week_starts_on, time(0), tzinfo=LONDON)
        return self._clock.outcomes_at if phase == "first" else week_start

    def _closes_at(self, phase: str) -> datetime | None:
        """When the first round's placements stop taking a ranking, so that every
        applicant hears by the outcomes-by date (R18); None: at that date."""
        assert self._clock is not None
        if phase != "first" or not workflow.patched(CLOSE_AHEAD):
            return None
        clock = self._clock
        return ranking_closes_at(clock.deadline_at, clock.outcomes_at, self._first_applications)

    async def _tell_host(
        self,
        snapshot: RoundSnapshot,
        placement: PlacementSnapshot,
        phase: str,
        priority: Priority = Priority.default,
    ) -> None:
        outcomes_at = self._outcomes_at(placement, phase)
        closes_at = self._closes_at(phase) or outcomes_at
        await send_email(
            digest_request(snapshot, placement, phase, outcomes_at, closes_at), priority
        )

    async def _open_second_round(self) -> None:
        """R4: placements with places still unfilled are re-advertised."""
        assert self._input is not None
        snapshot = await self._snapshot("first")
        counts: dict[str, PlacementCounts] = await workflow.execute_activity(
            PLACEMENT_COUNTS,
            self._input.round_id,
            task_queue=sibling(OFFERS),
            result_type=dict[str, PlacementCounts],
            start_to_close_timeout=timedelta(seconds=60),
            retry_policy=RETRY,
        )
        unfilled = {}
        for placement in snapshot.placements:
            count = counts.get(placement.placement_id, PlacementCounts())
            free = placement.places - count.accepted - count.offered
            if free > 0:
                unfilled[placement.placement_id] = free
        if not unfilled:
            return
        await workflow.execute_activity(
            MARK_READVERTISED,
            unfilled,
            task_queue=sibling(APPLICATIONS),
            start_to_close_timeout=timedelta(seconds=60),
            retry_policy=RETRY,
        )
        await self._announce("readvertised", len(unfilled), self._deadline_label("second"))

    async def _announce(self, what: str, count: int, deadline_label: str) -> None:
        assert self._input is not None
        kind = (
            MessageKind.alert_advertised if what == "advertised" else MessageKind.alert_readvertised
        )
        await workflow.start_child_workflow(
            AlertAnnouncementWorkflow.run,
            Announcement(
                kind=kind,
                announcement_id=ids.announcement(self._input.round_id, what),
                round_id=self._input.round_id,
                data={
                    "round_name": self._input.name,
                    "placements_count": count,
                    "deadline_label": deadline_label,
                },
                pages={"placements_url": Page(name=PageName.placements)},
            ),
            id=f"alerts-round-{self._input.round_id}-{what}",
            parent_close_policy=ParentClosePolicy.ABANDON,
        )

    def _deadline_label(self, phase: str) -> str:
        assert self._clock is not None
        at = self._clock.deadline_at if phase == "first" else self._clock.second_round_deadline_at
        return when.when(at) if at else "the deadline"


def _forwarding(snapshot: RoundSnapshot, placement: PlacementSnapshot) -> Forwarding:
    """Every application of the placement, as the applications service moves and tells them."""
    return Forwarding(
        round_id=snapshot.round_id,
        placement_id=placement.placement_id,
        application_ids=[c.application_id for c in placement.candidates],
    )
