"""PlacementWorkflow: a placement's offers, from the host's ranking (P2, R19).

The host ranks the forwarded candidates once. The top ones are offered the places; each
decline, lapse or withdrawal passes the place to the next ranked candidate at once, until
the places are full, the ranking is spent or the placement closes, shortly before the
outcomes-by date (workflows/closing.py). At the close every candidate who was never
offered a place hears "not successful this time" (R18), even while an offer made earlier
is still open; that offer runs its course.

Each offer first holds one of the placement's places in the offers service's ledger, which
both rounds share: a place re-advertised in the second round is never offered twice (R4).
The round moves the outcomes-by date with `reschedule` (R3).
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from pydantic import BaseModel, Field
from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from mip.core import ids, when
    from services.offers.contract import (
        HOLD_PLACE,
        RELEASE_PLACE,
        PlaceHold,
        PlacementInput,
        PlacementState,
    )

# Read only when a signal is sent: the application workflow's module imports this one
# (through its effects), so this import may find it half-made.
from workflows import application as application_workflow
from workflows.messages import OfferRequest, Resolution
from workflows.queues import OFFERS, sibling
from workflows.signals import signal_quietly

# Histories recorded before this patch told the rest only after every offer had closed,
# and held no places in the ledger; they replay as they ran.
OUTCOMES_ON_TIME = "outcomes-on-time-and-place-holds"
# Histories recorded before this patch made the first offers inside the host's ranking
# update, so the host waited on a chain of activities and signals; the update now takes
# the ranking and answers, and the main loop makes the offers. The same patch tells the
# rest of the candidates at once rather than one signal after another (issue 24).
RANKING_AT_ONCE = "ranking-answers-at-once"
ACTIVITY_TIMEOUT = timedelta(seconds=30)
# How often a round whose places the other round holds asks the ledger again.
RETRY_BLOCKED = timedelta(hours=1)


class Reschedule(BaseModel):
    outcomes_at: datetime


class Ranking(BaseModel):
    application_ids: list[str] = Field(min_length=1)
    ranked_by: str


@workflow.defn
class PlacementWorkflow:
    @workflow.init
    def __init__(self, request: PlacementInput) -> None:
        # The input is here before any signal or update, even one arriving with the start.
        self._input: PlacementInput | None = request
        # How long before the outcomes-by date the placement closes; a moved date moves both.
        self._lead = request.outcomes_at - (request.closes_at or request.outcomes_at)
        self._closes_at = request.outcomes_at - self._lead
        self._ranking: list[str] = []
        self._next = 0
        self._open: list[str] = []
        self._outcomes: dict[str, list[str]] = {
            "accepted": [],
            "declined": [],
            "lapsed": [],
            "withdrawn": [],
            "unavailable": [],
        }
        self._offered: list[str] = []
        self._pending: list[Resolution] = []
        self._closed = False
        self._woken = False
        # Every place is held by an offer of the other round until one of ours resolves.
        self._blocked = False
        self._on_time = False
        # The host's ranking and the main loop both fill places; one at a time.
        self._filling = asyncio.Lock()

    @workflow.run
    async def run(self, request: PlacementInput) -> PlacementState:
        self._input = request
        self._on_time = workflow.patched(OUTCOMES_ON_TIME)
        self._show("waiting for the host's ranking")
        while workflow.now() < self._closes_at:
            self._woken = False
            try:
                await workflow.wait_condition(
                    lambda: bool(self._pending) or self._ranked_and_idle() or self._woken,
                    timeout=self._until_next_try(),
                )
            except TimeoutError:
                if not self._on_time:
                    break
                # A place freed where no workflow could say so (an intern withdrawing after
                # the first round closed) is found by trying again now and then.
                self._blocked = False
                continue  # the loop's test decides: the date may have moved meanwhile
            await self._take_pending()
            await self._fill()
        self._closed = True
        if self._on_time:
            await self._tell_the_rest()
        while self._open or self._pending:  # offers already made still run their course
            await workflow.wait_condition(lambda: bool(self._pending))
            await self._take_pending()
        if not self._on_time:
            await self._tell_the_rest()
        self._show("closed")
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.state()

    @workflow.update
    async def submit_ranking(self, ranking: Ranking) -> PlacementState:
        self._ranking = list(ranking.application_ids)
        if workflow.patched(RANKING_AT_ONCE):
            return self.state()  # offering: the main loop wakes for a ranking to fill
        await self._fill()
        return self.state()

    @submit_ranking.validator
    def _validate_ranking(self, ranking: Ranking) -> None:
        assert self._input is not None
        if self._ranking:
            raise ApplicationError(
                "This placement has been ranked already; a host ranks once.",
                type="AlreadyRanked",
                non_retryable=True,
            )
        if self._closed or workflow.now() >= self._closes_at:
            raise ApplicationError(self._closed_because(), type="Closed", non_retryable=True)
        known = {c.application_id for c in self._input.candidates}
        if len(set(ranking.application_ids)) != len(ranking.application_ids):
            raise ApplicationError(
                "The ranking names a candidate twice.", type="BadRanking", non_retryable=True
            )
        strangers = [a for a in ranking.application_ids if a not in known]
        if strangers:
            raise ApplicationError(
                f"{strangers[0]} is not an application forwarded for this placement.",
                type="BadRanking",
                non_retryable=True,
            )

    @workflow.signal
    def resolved(self, resolution: Resolution) -> None:
        self._pending.append(resolution)

    @workflow.signal
    def reschedule(self, change: Reschedule) -> None:
        """R3: the office moved the outcomes-by date; a closed placement stays closed."""
        if not self._closed:
            self._closes_at = change.outcomes_at - self._lead
            self._woken = True

    @workflow.signal
    def place_freed(self) -> None:
        """The other round's workflow gave a place back: try the ranking again (P2)."""
        self._blocked = False
        self._woken = True

    @workflow.query
    def state(self) -> PlacementState:
        assert self._input is not None
        accepted = self._outcomes["accepted"]
        return PlacementState(
            placement_id=self._input.placement_id,
            places=self._input.places,
            ranking=self._ranking,
            offered=self._offered,
            accepted=accepted,
            declined=self._outcomes["declined"],
            lapsed=self._outcomes["lapsed"],
            withdrawn=self._outcomes["withdrawn"],
            open_offers=self._open,
            unfilled=max(self._input.places - len(accepted) - len(self._open), 0),
            closed=self._closed,
            offering=self._ranked_and_idle() or self._filling.locked(),
            closes_at=self._closes_at,
        )

    def _closed_because(self) -> str:
        if self._lead and workflow.now() < self._closes_at + self._lead:
            return (
                f"Ranking closed at {when.when(self._closes_at)}, so that every applicant "
                "hears the outcome by the outcomes-by date; no more offers are made."
            )
        return "The outcomes-by date has passed; no more offers are made."

    def _until_next_try(self) -> timedelta:
        until_outcomes = max(self._closes_at - workflow.now(), timedelta(0))
        if self._on_time and self._blocked:
            return min(until_outcomes, RETRY_BLOCKED)
        return until_outcomes

    def _ranked_and_idle(self) -> bool:
        return bool(self._ranking) and self._can_offer()

    def _can_offer(self) -> bool:
        assert self._input is not None
        filled = len(self._outcomes["accepted"]) + len(self._open)
        return (
            filled < self._input.places
            and self._next < len(self._ranking)
            and workflow.now() < self._closes_at
            and not self._closed
            and not self._blocked
        )

    async def _take_pending(self) -> None:
        while self._pending:
            await self._take(self._pending.pop(0))

    async def _take(self, resolution: Resolution) -> None:
        application = resolution.application_id
        if application in self._open:
            self._open.remove(application)
        if resolution.outcome == "withdrawn_after_acceptance":
            if application in self._outcomes["accepted"]:
                self._outcomes["accepted"].remove(application)
            self._outcomes["withdrawn"].append(application)
        else:
            self._outcomes[resolution.outcome].append(application)
        if resolution.outcome != "accepted" and self._on_time:
            # The offers service may have released it already, when it recorded the outcome;
            # either way the place is free now, and the other round may be waiting for it.
            await self._place_activity(RELEASE_PLACE, application)
            await self._tell_other_round()
            self._blocked = False

    async def _fill(self) -> None:
        if not self._on_time:  # histories from before the patch filled without the lock
            await self._fill_places()
            return
        async with self._filling:
            await self._fill_places()

    async def _fill_places(self) -> None:
        assert self._input is not None
        while self._can_offer():
            application = self._ranking[self._next]
            if self._on_time and not await self._place_activity(HOLD_PLACE, application):
                self._blocked = True  # the other round's offers hold every place
                break
            self._next += 1
            self._open.append(application)
            self._offered.append(application)
            offer = OfferRequest(
                window_seconds=self._input.window_seconds,
                placement_workflow_id=workflow.info().workflow_id,
            )
            if not await signal_quietly(
                ids.application(application), application_workflow.ApplicationWorkflow.offer, offer
            ):
                await self._take(Resolution(application_id=application, outcome="unavailable"))
        state = self.state()
        self._show(
            f"{len(state.accepted)} accepted, {len(state.open_offers)} open, "
            f"{state.unfilled} unfilled of {state.places}"
        )

    async def _place_activity(self, name: str, application: str) -> bool:
        assert self._input is not None
        held: bool = await workflow.execute_activity(
            name,
            PlaceHold(
                placement_id=self._input.placement_id,
                application_id=application,
                capacity=self._input.capacity or self._input.places,
            ),
            task_queue=sibling(OFFERS),
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            result_type=bool,
        )
        return held

    async def _tell_other_round(self) -> None:
        """A place this round held is free: the other round may be waiting for one."""
        assert self._input is not None
        other = "second" if self._input.phase == "first" else "first"
        await signal_quietly(
            ids.placement(self._input.placement_id, other), PlacementWorkflow.place_freed
        )

    async def _tell_the_rest(self) -> None:
        """R18: every candidate never offered a place hears the outcome."""
        assert self._input is not None
        never_offered = [
            ids.application(c.application_id)
            for c in self._input.candidates
            if c.application_id not in self._offered
        ]
        outcomes_due = application_workflow.ApplicationWorkflow.outcomes_due
        if workflow.patched(RANKING_AT_ONCE):
            await asyncio.gather(*(signal_quietly(wf, outcomes_due) for wf in never_offered))
            return
        for wf in never_offered:
            await signal_quietly(wf, outcomes_due)

    def _show(self, detail: str) -> None:
        workflow.set_current_details(detail)
