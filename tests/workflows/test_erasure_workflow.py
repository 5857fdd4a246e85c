"""ErasureWorkflow (issue 23 item 4) on the time-skipping server, the services stood in for
by the offer harness's world: an applicant holding an offer is erased, the place passes to
the next ranked applicant as on a decline, every service is asked to erase them, and a
worker that keeps nothing between steps (as if restarted between any two) finishes it
from the history alone."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from temporalio import activity
from temporalio.worker import Worker

from mip.core import ids
from mip.core.erasure import Erased, ErasureOutcome, ErasureRequest
from services.offers.contract import ERASE_SELECTION
from tests.support.offer_harness import Harness, World, harness
from workflows.erasure import ErasureInput, ErasureWorkflow
from workflows.queues import OFFERS, WORKFLOWS

ADA, BOB = "ada@example.org", "bob@example.org"
# The erasure runs on queues of its own, so a test can give it a worker of its own.
PREFIX = "restartable-"


async def _offered_to_ada(h: Harness) -> None:
    """ADA and BOB apply; the host ranks ADA first: she holds the one place's offer."""
    a, b = await h.apply("a", ADA), await h.apply("b", BOB)
    await h.forward(a, b)
    placement = await h.placement("p1", ["a", "b"])
    await h.rank(placement, "a", "b")
    await h.until(a, "offered")


@asynccontextmanager
async def _serving(
    h: Harness, activities: dict[str, list[Callable[..., Any]]]
) -> AsyncIterator[None]:
    async with AsyncExitStack() as workers:
        for queue, functions in activities.items():
            await workers.enter_async_context(
                Worker(h.client, task_queue=PREFIX + queue, activities=functions)
            )
        yield


def _erasure_worker(h: Harness) -> Worker:
    return Worker(h.client, task_queue=PREFIX + WORKFLOWS, workflows=[ErasureWorkflow])


async def _start(h: Harness) -> Any:
    return await h.client.start_workflow(
        ErasureWorkflow.run,
        ErasureInput(email=ADA, pseudonym="erased-k"),
        id=ids.erasure("k"),
        task_queue=PREFIX + WORKFLOWS,
    )


async def test_erasing_an_applicant_with_an_open_offer_passes_the_place_on() -> None:
    async with harness() as h, _serving(h, h.world.erasure_activities()):
        await _offered_to_ada(h)
        async with _erasure_worker(h):
            outcome: ErasureOutcome = await (await _start(h)).result()
        assert outcome.ended == ["a"]
        assert _every_service_erased(h.world)
        assert all(r.application_ids == ["a"] for _, r in h.world.erasures)
        await h.until(h.client.get_workflow_handle(ids.application("b")), "offered")
        assert h.world.statuses["a"][-1] == "declined"
        # Ended quietly: no acknowledgement of a decline to the person being forgotten.
        assert "decline_acknowledgement" not in h.world.kinds_to(ADA)


async def test_erasing_twice_asks_the_same_and_ends_nothing_more() -> None:
    async with harness() as h, _serving(h, h.world.erasure_activities()):
        await _offered_to_ada(h)
        async with _erasure_worker(h):
            await (await _start(h)).result()
            again: ErasureOutcome = await (await _start(h)).result()
        assert again.ended == []
        assert h.world.statuses["a"].count("declined") == 1
        await h.until(h.client.get_workflow_handle(ids.application("b")), "offered")


@dataclass
class SlowOffers:
    """The offers service, slow to erase: it is `asked`, then answers once `release`d."""

    world: World
    asked: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    def activities(self) -> dict[str, list[Callable[..., Any]]]:
        @activity.defn(name=ERASE_SELECTION)
        async def slow_offers(request: ErasureRequest) -> Erased:
            self.asked.set()
            await self.release.wait()
            self.world.erasures.append(("offers", request))
            return Erased(service="offers")

        served = self.world.erasure_activities()
        served[OFFERS] = [slow_offers]
        return served


def _every_service_erased(world: World) -> bool:
    return [s for s, _ in world.erasures] == ["offers", "expenses", "notifications", "applications"]


async def test_it_resumes_from_its_history_alone_after_every_step() -> None:
    """A worker that keeps nothing between workflow tasks (as one restarted between any
    two steps would): each step replays the history so far and goes on, here with a
    service slow to answer in the middle."""
    async with harness() as h:
        slow = SlowOffers(h.world)
        async with _serving(h, slow.activities()):
            await _offered_to_ada(h)
            forgetful = Worker(
                h.client,
                task_queue=PREFIX + WORKFLOWS,
                workflows=[ErasureWorkflow],
                max_cached_workflows=0,
            )
            async with forgetful:
                handle = await _start(h)
                await asyncio.wait_for(slow.asked.wait(), 10)
                slow.release.set()
                outcome: ErasureOutcome = await handle.result()
        assert outcome.ended == ["a"]
        assert _every_service_erased(h.world)


async def test_a_worker_stopped_in_the_middle_and_a_new_one_started_finishes_it() -> None:
    """The erasure's worker stops while a service is still erasing (a deploy, a crash);
    the service's answer waits in the history, and a worker started afterwards, which
    has never seen this erasure, finishes it."""
    async with harness(real_time=True) as h:
        slow = SlowOffers(h.world)
        async with _serving(h, slow.activities()):
            await _offered_to_ada(h)
            async with _erasure_worker(h):
                handle = await _start(h)
                await asyncio.wait_for(slow.asked.wait(), 10)
            slow.release.set()
            async with _erasure_worker(h):
                outcome: ErasureOutcome = await asyncio.wait_for(handle.result(), 60)
        assert outcome.ended == ["a"]
        assert _every_service_erased(h.world)
