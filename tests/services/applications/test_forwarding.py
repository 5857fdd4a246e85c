"""R16 at the deadline: a round's applications forwarded in one step (issue 24 item 2).

The round asks the applications service once to move the read model for every placement,
each in one transaction (starting any workflow its outbox still holds), while the offers
service starts the placements' workflows; then, beside the hosts' digests, to tell each
application's workflow."""

from __future__ import annotations

from functools import partial
from typing import Any

from launcher.mailcatcher import MailCatcher
from mip.core import ids
from mip.core.auth import Role
from mip.core.settings import Settings
from services.applications import forwarding
from services.applications.app import create_app as applications_app
from services.applications.contract import ApplicationStatus, Forwarding
from services.notifications.app import create_app as notifications_app
from services.offers.app import create_app as offers_app
from tests.support.applying import apply, close_round_now, make_profile, make_round, open_round
from tests.support.auth import auth
from tests.support.stack import Stack, running_stack
from tests.support.waiting import eventually
from workflows.application import ApplicationView, ApplicationWorkflow


async def _history(stack: Stack, settings: Settings, application_id: str) -> list[Any]:
    office = auth(settings, Role.office)
    found = await stack.http["applications"].get(
        f"/v1/applications/{application_id}/history", headers=office
    )
    history: list[Any] = found.json()
    return history


def _forwarding(the_round: Any, placement: Any, applications: list[str]) -> Forwarding:
    return Forwarding(
        round_id=the_round["id"], placement_id=placement["id"], application_ids=applications
    )


async def _forwarded_workflow(stack: Stack, application_id: str) -> ApplicationView | None:
    handle = stack.temporal.get_workflow_handle(ids.application(application_id))
    view: ApplicationView = await handle.query(ApplicationWorkflow.view)
    return view if view.status is ApplicationStatus.forwarded else None


async def test_r16_each_application_is_forwarded_once_workflow_and_table_alike(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    # The workflow takes its signals once its confirmation is sent: the notifications
    # service is there to send it, and the offers service to start the placement's.
    settings = mail_settings
    async with running_stack(
        settings,
        applications=applications_app,
        notifications=notifications_app,
        offers=offers_app,
    ) as stack:
        http = stack.http["applications"]
        the_round, [placement] = await make_round(http, settings, open_round())
        applied = []
        for who in ("ada", "bob"):
            me = await make_profile(http, settings, f"{who}.fwd@example.org")
            applied.append((await apply(http, me, placement["id"])).json()["id"])
        await close_round_now(http, settings, the_round["id"], the_round["clock"])

        async def forwarded(application_id: str) -> list[Any] | None:
            history = await _history(stack, settings, application_id)
            return history if history[-1]["to_status"] == "forwarded" else None

        histories = [await eventually(partial(forwarded, a), timeout_s=30) for a in applied]
        # The table moves first, then each workflow is told beside the host's digest (an
        # offer that overtakes the signal is that news too: ApplicationWorkflow._on_offer).
        views = [await eventually(partial(_forwarded_workflow, stack, a)) for a in applied]
        # Each of the round's activities run again, as a retry would: nothing moves twice.
        runtime = stack.apps["applications"].state.runtime
        both = _forwarding(the_round, placement, applied)
        again = await forwarding.mark(runtime.pool, stack.temporal, both)
        told = await forwarding.tell(runtime.pool, stack.temporal, both)
        before_issue_24 = await forwarding.forward(runtime.pool, stack.temporal, both)
        after = [await _history(stack, settings, a) for a in applied]
    assert [v.status for v in views] == [ApplicationStatus.forwarded] * 2
    for history in histories:
        assert [(e["from_status"], e["to_status"]) for e in history] == [
            (None, "submitted"),
            ("submitted", "forwarded"),
        ]
        assert history[-1]["reason"] == "forwarded to the host"
    assert (again, told, before_issue_24) == (0, 2, 0)
    assert after == histories


async def test_r16_an_application_withdrawn_meanwhile_is_not_forwarded(
    settings: Settings,
) -> None:
    async with running_stack(settings, applications=applications_app) as stack:
        http = stack.http["applications"]
        the_round, [placement] = await make_round(http, settings, open_round())
        me = await make_profile(http, settings, "cy.fwd@example.org")
        application = (await apply(http, me, placement["id"])).json()["id"]
        withdrawn = await http.post(
            f"/v1/applications/{application}/withdraw", json={"reason": "a clash"}, headers=me
        )
        runtime = stack.apps["applications"].state.runtime
        hers = _forwarding(the_round, placement, [application])
        moved = await forwarding.mark(runtime.pool, stack.temporal, hers)
        told = await forwarding.tell(runtime.pool, stack.temporal, hers)
        moved_before_issue_24 = await forwarding.forward(runtime.pool, stack.temporal, hers)
        history = await _history(stack, settings, application)
    assert withdrawn.status_code == 200
    assert (moved, told, moved_before_issue_24) == (0, 0, 0)
    assert [e["to_status"] for e in history] == ["submitted", "withdrawn"]
