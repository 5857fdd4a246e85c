"""The offer cascade on the time-skipping server: two days take a fraction of a second."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError

from tests.support.offer_harness import harness
from workflows.application import ApplicationWorkflow, WithdrawRequest
from workflows.messages import Decision
from workflows.placement import PlacementWorkflow, Ranking

ADA, BOB, CY = "ada@example.org", "bob@example.org", "cy@example.org"


async def test_r19_offer_lapses_after_48_hours_and_not_before() -> None:
    async with harness() as h:
        ada = await h.apply("a", ADA)
        await h.forward(ada)
        placement = await h.placement("p1", ["a"])
        await h.rank(placement, "a")
        await h.until(ada, "offered")
        await h.env.sleep(timedelta(hours=47, minutes=59))
        before = await h.status(ada)
        await h.env.sleep(timedelta(minutes=2))
        after = await h.status(ada)
        final = await ada.result()
    assert before == "offered"
    assert after == "lapsed"
    assert final == "lapsed"
    assert h.world.kinds_to(ADA)[-1] == "offer_lapsed"


async def _try(coro: object) -> object:
    try:
        return await coro  # type: ignore[misc]
    except WorkflowUpdateFailedError as exc:
        return exc.cause


async def test_p3_reminder_comes_24_hours_before_the_offer_lapses() -> None:
    async with harness() as h:
        ada = await h.apply("a", ADA)
        await h.forward(ada)
        placement = await h.placement("p1", ["a"])
        await h.rank(placement, "a")
        await h.until(ada, "offered")
        await h.env.sleep(timedelta(hours=23, minutes=58))
        early = h.world.kinds_to(ADA)
        await h.env.sleep(timedelta(minutes=4))
        later = h.world.kinds_to(ADA)
    assert "offer_reminder" not in early
    assert later.count("offer_reminder") == 1


async def test_p2_a_lapse_passes_the_place_to_the_next_ranked_candidate() -> None:
    async with harness() as h:
        ada, bob = await h.apply("a", ADA), await h.apply("b", BOB)
        await h.forward(ada, bob)
        placement = await h.placement("p1", ["a", "b"])
        await h.rank(placement, "a", "b")
        await h.until(ada, "offered")
        bob_waiting = await h.status(bob)
        await h.env.sleep(timedelta(hours=48, minutes=1))
        state = await h.state(placement)
    assert bob_waiting == "forwarded"
    assert state.lapsed == ["a"]
    assert state.open_offers == ["b"]
    assert "offer" in h.world.kinds_to(BOB)


async def test_p2_a_decline_passes_the_place_on_at_once() -> None:
    async with harness() as h:
        ada, bob = await h.apply("a", ADA), await h.apply("b", BOB)
        await h.forward(ada, bob)
        placement = await h.placement("p1", ["a", "b"])
        await h.rank(placement, "a", "b")
        await h.until(ada, "offered")
        await ada.execute_update(
            ApplicationWorkflow.decline, Decision(actor=ADA, reason="Another commitment")
        )
        await h.env.sleep(timedelta(seconds=5))
        state = await h.state(placement)
    assert state.declined == ["a"]
    assert state.open_offers == ["b"]
    assert h.world.kinds_to(ADA)[-1] == "decline_acknowledgement"


async def test_r4_p2_a_place_given_back_by_one_round_goes_to_the_other_rounds_ranking() -> None:
    async with harness() as h:
        ada, cy = await h.apply("a", ADA), await h.apply("c", CY)
        await h.forward(ada, cy)
        first = await h.placement("p1", ["a"])
        await h.rank(first, "a")
        await h.until(ada, "offered")
        second = await h.placement("p1", ["c"], phase="second")
        waiting = await h.rank(second, "c")  # the one place is held by the first round
        await ada.execute_update(ApplicationWorkflow.decline, Decision(actor=ADA))
        await h.until(cy, "offered")
        state = await h.state(second)
    assert waiting.open_offers == []
    assert state.open_offers == ["c"]
    assert h.world.holds == {"c": "p1"}  # one place, held once


async def test_p2_r18_a_spent_ranking_leaves_the_place_unfilled_and_the_rest_hear() -> None:
    async with harness() as h:
        ada, bob, cy = await h.apply("a", ADA), await h.apply("b", BOB), await h.apply("c", CY)
        await h.forward(ada, bob, cy)
        placement = await h.placement("p1", ["a", "b", "c"], outcomes_in=timedelta(days=10))
        await h.rank(placement, "a")
        await h.until(ada, "offered")
        await ada.execute_update(ApplicationWorkflow.decline, Decision(actor=ADA))
        await h.env.sleep(timedelta(days=11))
        final = await placement.result()
        bob_now, cy_now = await h.status(bob), await h.status(cy)
    assert final.unfilled == 1
    assert final.accepted == []
    assert bob_now == "not_successful"
    assert cy_now == "not_successful"
    assert h.world.kinds_to(BOB)[-1] == "not_successful"
    assert "not_successful" not in h.world.kinds_to(ADA)


async def test_r18_the_placement_closes_ahead_so_the_rest_hear_before_the_outcomes_date() -> None:
    """Telling thousands takes a while, so a placement closes that long before the date
    (workflows/closing.py): an hour here, and the rest have heard half an hour before it."""
    async with harness() as h:
        ada, bob, cy = await h.apply("a", ADA), await h.apply("b", BOB), await h.apply("c", CY)
        await h.forward(ada, bob, cy)
        placement = await h.placement(
            "p1", ["a", "b", "c"], outcomes_in=timedelta(days=1), closes_ahead=timedelta(hours=1)
        )
        await h.rank(placement, "a")
        await h.until(ada, "offered")
        await h.env.sleep(timedelta(hours=23, minutes=30))
        state = await h.state(placement)
        bob_now, cy_now, ada_now = await h.status(bob), await h.status(cy), await h.status(ada)
    assert state.closed
    assert (bob_now, cy_now) == ("not_successful", "not_successful")
    assert ada_now == "offered"  # an open offer runs its course
    assert h.world.kinds_to(CY)[-1] == "not_successful"


async def test_r16_p2_an_offer_that_overtakes_the_forwarded_signal_is_taken() -> None:
    """The round moves the table, sends the digest and tells the workflows beside it; a
    host quick to rank may have an offer reach a workflow first. It is forwarded news."""
    async with harness() as h:
        ada = await h.apply("a", ADA)  # never signalled `forwarded`
        placement = await h.placement("p1", ["a"])
        state = await h.rank(placement, "a")
        await h.until(ada, "offered")
    assert state.offered == ["a"]
    assert h.world.kinds_to(ADA)[-1] == "offer"


async def test_r17_a_host_ranks_once_and_only_its_own_candidates() -> None:
    async with harness() as h:
        ada = await h.apply("a", ADA)
        await h.forward(ada)
        placement = await h.placement("p1", ["a"])
        stranger = await _try(
            placement.execute_update(
                PlacementWorkflow.submit_ranking, Ranking(application_ids=["zzz"], ranked_by="sam")
            )
        )
        first = await h.rank(placement, "a")
        second = await _try(
            placement.execute_update(
                PlacementWorkflow.submit_ranking, Ranking(application_ids=["a"], ranked_by="sam")
            )
        )
    assert "not an application forwarded for this placement" in str(stranger)
    assert first.offered == ["a"]
    assert "ranked already" in str(second)


async def test_r21_r22_accepting_introduces_intern_and_host_and_withdraws_the_rest() -> None:
    """R21: one e-mail introduces intern and host; R22: it carries the preparation
    information; R20: the applicant's other open application is withdrawn."""
    async with harness() as h:
        ada_one, ada_two, bob = (
            await h.apply("a1", ADA),
            await h.apply("a2", ADA),
            await h.apply("b", BOB),
        )
        await h.forward(ada_one, ada_two, bob)
        one = await h.placement("p1", ["a1"])
        two = await h.placement("p2", ["a2", "b"])
        await h.rank(one, "a1")
        await h.rank(two, "a2", "b")
        await h.until(ada_one, "offered")
        await h.until(ada_two, "offered")
        accepted = await ada_one.execute_update(ApplicationWorkflow.accept, Decision(actor=ADA))
        await h.env.sleep(timedelta(seconds=5))
        other = await h.status(ada_two)
        other_final = await ada_two.result()
        two_state = await h.state(two)
        intro = [e for e in h.world.emails if e.kind.value == "introduction"]
        one_now = await h.status(ada_one)
    assert accepted.status.value == "accepted"
    assert one_now == "introduced"
    assert other == "declined"
    assert other_final == "declined"
    assert two_state.open_offers == ["b"]
    [email] = intro
    assert email.to == [ADA, "sam@isis.example.com"]
    assert email.data["preparation"] == "Bring a laptop."
    assert email.calendar is not None
    assert [str(d) for d in email.calendar.days] == ["2030-06-04", "2030-06-05"]
    assert any(
        e.kind.value == "withdrawal_notice" and "sam@isis.example.com" in e.to
        for e in h.world.emails
    )


async def test_r23_a_withdrawal_after_acceptance_is_recorded_and_reported() -> None:
    async with harness() as h:
        ada, bob = await h.apply("a", ADA), await h.apply("b", BOB)
        await h.forward(ada, bob)
        placement = await h.placement("p1", ["a", "b"])
        await h.rank(placement, "a", "b")
        await h.until(ada, "offered")
        await ada.execute_update(ApplicationWorkflow.accept, Decision(actor=ADA))
        await h.env.sleep(timedelta(seconds=5))
        await ada.execute_update(
            ApplicationWorkflow.withdraw, WithdrawRequest(actor=ADA, reason="Broke my leg")
        )
        await h.env.sleep(timedelta(seconds=5))
        state = await h.state(placement)
    notices = [e for e in h.world.emails if e.kind.value == "withdrawal_notice"]
    assert h.world.statuses["a"][-1] == "withdrawn_after_acceptance"
    assert sorted(n.to[0] for n in notices) == ["office@example.org", "sam@isis.example.com"]
    assert all(n.data["after_acceptance"] for n in notices)
    assert state.withdrawn == ["a"]
    assert state.open_offers == ["b"]


@pytest.mark.parametrize("action", ["accept", "decline"])
async def test_r19_there_is_nothing_to_answer_before_an_offer(action: str) -> None:
    async with harness() as h:
        ada = await h.apply("a", ADA)
        update = getattr(ApplicationWorkflow, action)
        refused = await _try(ada.execute_update(update, Decision(actor=ADA)))
    assert "There is no open offer" in str(refused)


async def test_p2_a_ranking_in_the_placements_first_task_offers_each_candidate_once() -> None:
    """At a busy deadline the host's ranking can reach the placement's workflow with its
    start, before its run has begun: the update used to fill places beside the run's own
    fill, and the second candidate was offered the place twice."""
    async with harness() as h:
        ada, bob = await h.apply("a", ADA), await h.apply("b", BOB)
        await h.forward(ada, bob)
        placement = await h.placement("p1", ["a", "b"], places=2, prefix="busy-")
        ranking = asyncio.create_task(h.rank(placement, "a", "b"))
        await asyncio.sleep(1)  # the update waits with the start for a worker
        async with h.workers_on("busy-"):
            state = await ranking
            await h.until(bob, "offered")
    assert state.offered == ["a", "b"]
    assert h.world.kinds_to(BOB).count("offer") == 1
