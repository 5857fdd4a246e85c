"""PlacementWorkflow: a placement's offers, from the host's ranking (P2, R19).

The host ranks the forwarded candidates once. The top ones are offered the places; each
decline, lapse or withdrawal passes the place to the next ranked candidate at once, until
the places are full, the ranking is spent or the outcomes-by date passes. Then every
candidate who was never offered a place hears "not successful this time" (R18).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, Field
from temporalio import workflow
from temporalio.exceptions import ApplicationError

from workflows.offer_contracts import Candidate, OfferRequest, Resolution
from workflows.signals import signal_quietly

OPEN_OUTCOMES = {"declined", "lapsed", "unavailable"}


class PlacementInput(BaseModel):
    placement_id: str
    round_id: str
    phase: str
    places: int = Field(ge=1)
    window_seconds: int = Field(ge=1)
    outcomes_at: datetime
    candidates: list[Candidate]


class Ranking(BaseModel):
    application_ids: list[str] = Field(min_length=1)
    ranked_by: str


class PlacementState(BaseModel):
    placement_id: str
    places: int
    ranking: list[str]
    offered: list[str]
    accepted: list[str]
    declined: list[str]
    lapsed: list[str]
    withdrawn: list[str]
    open_offers: list[str]
    unfilled: int
    closed: bool


def workflow_id(placement_id: str, phase: str) -> str:
    return f"placement-{placement_id}-{phase}"


@workflow.defn
class PlacementWorkflow:
    @workflow.init
    def __init__(self, request: PlacementInput) -> None:
        # The input is here before any signal or update, even one arriving with the start.
        self._input: PlacementInput | None = request
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

    @workflow.run
    async def run(self, request: PlacementInput) -> PlacementState:
        self._input = request
        self._show("waiting for the host's ranking")
        while True:
            try:
                await workflow.wait_condition(
                    lambda: bool(self._pending) or self._ranked_and_idle(),
                    timeout=max(request.outcomes_at - workflow.now(), timedelta(0)),
                )
            except TimeoutError:
                break
            while self._pending:
                self._take(self._pending.pop(0))
            await self._fill()
        self._closed = True
        while self._open or self._pending:  # offers already made still run their course
            await workflow.wait_condition(lambda: bool(self._pending))
            while self._pending:
                self._take(self._pending.pop(0))
        await self._tell_the_rest()
        self._show("closed")
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.state()

    @workflow.update
    async def submit_ranking(self, ranking: Ranking) -> PlacementState:
        self._ranking = list(ranking.application_ids)
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
        if self._closed or workflow.now() >= self._input.outcomes_at:
            raise ApplicationError(
                "The outcomes-by date has passed; no more offers are made.",
                type="Closed",
                non_retryable=True,
            )
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
        )

    def _ranked_and_idle(self) -> bool:
        return bool(self._ranking) and self._can_offer()

    def _can_offer(self) -> bool:
        assert self._input is not None
        filled = len(self._outcomes["accepted"]) + len(self._open)
        return (
            filled < self._input.places
            and self._next < len(self._ranking)
            and workflow.now() < self._input.outcomes_at
            and not self._closed
        )

    def _take(self, resolution: Resolution) -> None:
        application = resolution.application_id
        if application in self._open:
            self._open.remove(application)
        if resolution.outcome == "withdrawn_after_acceptance":
            if application in self._outcomes["accepted"]:
                self._outcomes["accepted"].remove(application)
            self._outcomes["withdrawn"].append(application)
        else:
            self._outcomes[resolution.outcome].append(application)

    async def _fill(self) -> None:
        assert self._input is not None
        while self._can_offer():
            application = self._ranking[self._next]
            self._next += 1
            self._open.append(application)
            self._offered.append(application)
            offer = OfferRequest(
                window_seconds=self._input.window_seconds,
                placement_workflow_id=workflow.info().workflow_id,
            )
            if not await signal_quietly(f"application-{application}", "offer", offer):
                self._open.remove(application)
                self._outcomes["unavailable"].append(application)
        state = self.state()
        self._show(
            f"{len(state.accepted)} accepted, {len(state.open_offers)} open, "
            f"{state.unfilled} unfilled of {state.places}"
        )

    async def _tell_the_rest(self) -> None:
        """R18: every candidate never offered a place hears the outcome."""
        assert self._input is not None
        for candidate in self._input.candidates:
            if candidate.application_id in self._offered:
                continue
            await signal_quietly(f"application-{candidate.application_id}", "outcomes_due")

    def _show(self, detail: str) -> None:
        workflow.set_current_details(detail)
