"""Issue 11 item 5 on the time-skipping server: an applicant whose address the mail server
refuses still has the whole life of an application, and the office hears of each e-mail
that could not reach them, once. Histories from before the change still replay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from mip.core.codec import data_converter
from mip.core.settings import Settings
from tests.support.offer_harness import harness
from workflows.application import ApplicationWorkflow
from workflows.application_effects import UNDELIVERABLE_NOTICE
from workflows.placement import PlacementWorkflow

NOBODY, BOB = "nobody@example.org", "bob@example.org"
OFFICE = "office@example.org"


async def _offered_then_lapsed() -> tuple[list[tuple[str, str]], str, WorkflowHistory]:
    async with harness() as h:
        h.world.undeliverable.add(NOBODY)
        nobody, bob = await h.apply("n", NOBODY), await h.apply("b", BOB)
        await h.forward(nobody, bob)
        placement = await h.placement("p1", ["n", "b"])
        await h.rank(placement, "n", "b")
        await h.until(nobody, "offered")
        await h.env.sleep(timedelta(hours=48, minutes=1))
        final = await nobody.result()
        history = await nobody.fetch_history()
        await h.until(bob, "offered")
    office = [(e.kind.value, e.idempotency_key) for e in h.world.emails if e.to == [OFFICE]]
    return office, final, history


async def test_an_unreachable_applicant_is_offered_and_told_and_the_office_hears_each_time() -> (
    None
):
    office, final, history = await _offered_then_lapsed()
    assert final == "lapsed"  # forwarded, offered, reminded, lapsed: the life went on
    assert office == [
        ("undeliverable_notice", f"application-n/undeliverable/{step}")
        for step in ("confirmation", "offer", "offer-reminder", "offer-lapsed")
    ]
    await Replayer(
        workflows=[ApplicationWorkflow, PlacementWorkflow],
        data_converter=data_converter(Settings()),
    ).replay_workflow(history)


async def test_a_history_from_before_the_notices_still_replays(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = workflow.patched

    def before_the_change(patch_id: str) -> bool:
        return False if patch_id == UNDELIVERABLE_NOTICE else real(patch_id)

    # temporalio passes through the sandbox, so the workflows see this stand-in.
    monkeypatch.setattr(workflow, "patched", before_the_change)
    office, final, history = await _offered_then_lapsed()
    monkeypatch.undo()
    assert final == "lapsed"
    assert office == []  # what the code did before: nothing for the office
    await Replayer(
        workflows=[ApplicationWorkflow, PlacementWorkflow],
        data_converter=data_converter(Settings()),
    ).replay_workflow(history)
