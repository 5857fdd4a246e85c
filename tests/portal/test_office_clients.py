"""The typed client methods the office's pages call, against the real services over HTTP:
each returns the service's own model, and a refusal comes back as the service's problem."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest

from launcher.mailcatcher import MailCatcher
from mip.core.auth import Role
from mip.core.errors import RemoteProblem
from mip.core.settings import Settings
from services.applications.app import create_app as applications_app
from services.applications.applicants.schemas import Answer
from services.applications.client import ApplicationsClient, SlotChangeIn, SlotsIn
from services.applications.contract import (
    HostIn,
    Placement,
    PlacementIn,
    RoundDatesIn,
    RoundIn,
    RoundSettingsIn,
)
from services.notifications.app import create_app as notifications_app
from services.notifications.client import NotificationsClient
from services.notifications.contract import EmailStatus, MessageKind
from services.notifications.messages.schemas import MessageSummary
from services.offers.client import OffersClient
from tests.support.applying import HOST, apply, make_profile, open_round
from tests.support.auth import auth, token
from tests.support.rehearsal import SAM, setup_rehearsal, wait_status
from tests.support.stack import Stack, round_stack, running_stack
from tests.support.waiting import eventually

ADA = "ada@example.org"
NOBODY = "nobody@example.org"  # the test SMTP server refuses this address for good


def _clients(stack: Stack) -> tuple[ApplicationsClient, NotificationsClient, OffersClient]:
    office = token(stack.settings, Role.office, "office@example.org")
    return (
        ApplicationsClient(stack.settings.applications_url, office),
        NotificationsClient(stack.settings.notifications_url, office),
        OffersClient(stack.settings.offers_url, office),
    )


def _titled(placement: Placement, host_id: UUID, title: str) -> PlacementIn:
    return PlacementIn(
        host_id=host_id,
        title=title,
        description=placement.description,
        week_starts_on=placement.week_starts_on,
        days=placement.days,
    )


async def _set_up(apps: ApplicationsClient) -> tuple[UUID, UUID, UUID]:
    host = await apps.create_host(HostIn.model_validate(HOST))
    the_round = await apps.create_round(RoundIn.model_validate(open_round()))
    monday = the_round.weeks[0].starts_on
    placement = await apps.create_placement(
        the_round.id,
        PlacementIn(
            host_id=host.id,
            title="Launch",
            description="Help with a launch",
            week_starts_on=monday,
            days=[monday, monday + timedelta(days=1)],
        ),
    )
    return host.id, the_round.id, placement.id


async def test_r9_r15_p4_office_client_methods_set_up_change_and_watch_messages(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    async with running_stack(
        mail_settings, applications=applications_app, notifications=notifications_app
    ) as stack:
        apps, mail, _ = _clients(stack)
        async with apps, mail:
            host_id, round_id, placement_id = await _set_up(apps)
            host = await apps.host(host_id)
            moved = await apps.update_host(
                host_id, HostIn.model_validate({**HOST, "contact_name": "Jo Lee"})
            )
            week = (await apps.round(round_id)).weeks[0]
            widened = await apps.update_round(
                round_id, RoundSettingsIn(weeks=[week], statement_word_limit=200)
            )
            today = date.today()
            dated = await apps.reschedule_round_dates(
                round_id,
                RoundDatesIn(
                    advertising_date=today - timedelta(days=1),
                    deadline_date=today + timedelta(days=2),
                    outcomes_by_date=today + timedelta(days=4),
                ),
            )
            placement = await apps.placement(placement_id)
            retitled = await apps.update_placement(
                placement_id, _titled(placement, host_id, "Product launch")
            )
            http = stack.http["applications"]
            for who in (ADA, NOBODY):
                headers = await make_profile(http, stack.settings, who)
                await http.put(
                    "/v1/me/equal-opportunities", json={"disability": "yes"}, headers=headers
                )
                assert (await apply(http, headers, str(placement_id))).status_code == 201
            with pytest.raises(RemoteProblem) as refused:
                await apps.update_placement(placement_id, _titled(retitled, host_id, "Another"))
            totals = await apps.equal_opportunities_totals(round_id)

            async def failed() -> list[MessageSummary]:
                return await mail.overdue_confirmations()

            async def delivered() -> list[MessageSummary]:
                return await mail.messages(kind=MessageKind.confirmation, status=EmailStatus.sent)

            overdue = await eventually(failed, timeout_s=30)
            sent = await eventually(delivered, timeout_s=30)
            detail = await mail.message(overdue[0].id)
            resent = await mail.resend(overdue[0].id)
            to_nobody = await mail.messages(recipient="nobody@")
    assert (host.name, moved.contact_name) == (HOST["name"], "Jo Lee")
    assert widened.statement_word_limit == 200
    assert (dated.clock.deadline_at.date(), dated.clock.deadline_at.hour) == (
        today + timedelta(days=2),
        12,
    )
    assert retitled.title == "Product launch"
    assert refused.value.status == 409
    assert "2 applications have been made for this placement" in refused.value.problem["detail"]
    assert (totals.answered, totals.disability[Answer.yes]) == (2, 2)
    assert [m.recipients for m in overdue] == [[NOBODY]]
    assert overdue[0].status is EmailStatus.failed
    assert [m.recipients for m in sent] == [[ADA]]
    assert detail.deliveries
    assert detail.deliveries[-1].outcome == "permanent_failure"
    assert resent.idempotency_key == f"resend:{overdue[0].id}:1"
    assert len(to_nobody) >= 1


async def test_r23_p7_office_client_reads_the_round_and_a_withdrawal_after_acceptance(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    async with round_stack(mail_settings) as stack:
        http, offers_http = stack.http["applications"], stack.http["offers"]
        round_id, placements = await setup_rehearsal(http, stack.settings)
        ada = await make_profile(http, stack.settings, ADA)
        await asyncio.sleep(3)  # advertised
        application = (await apply(http, ada, placements[SAM])).json()["id"]
        await wait_status(stack, application, ADA, "forwarded")
        ranked = await offers_http.post(
            f"/v1/placements/{placements[SAM]}/ranking",
            json={"application_ids": [application]},
            headers=auth(stack.settings, Role.host, SAM),
        )
        assert ranked.status_code == 200, ranked.text
        await wait_status(stack, application, ADA, "offered")
        accepted = await offers_http.post(f"/v1/offers/{application}/accept", headers=ada)
        assert accepted.status_code == 200, accepted.text
        await wait_status(stack, application, ADA, "introduced")
        withdrawn = await offers_http.post(
            f"/v1/offers/{application}/withdraw", json={"reason": "A family illness"}, headers=ada
        )
        assert withdrawn.status_code == 200, withdrawn.text
        _, _, offers = _clients(stack)
        async with offers:
            withdrawals = await offers.withdrawals(UUID(round_id))
            view = await offers.round_view(UUID(round_id))
    assert [(str(w.application_id), w.applicant_email, w.reason) for w in withdrawals] == [
        (application, ADA, "A family illness")
    ]
    assert withdrawals[0].withdrawn_at is not None
    line = next(p for p in view.placements if str(p.placement_id) == placements[SAM])
    assert (line.accepted, line.withdrawn_after_acceptance, line.unfilled) == (0, 1, 1)
    assert view.totals.withdrawn_after_acceptance == 1


async def test_r29_office_client_publishes_sees_changes_and_cancels_support_sessions(
    settings: Settings,
) -> None:
    """What the office's support pages call: each answer the service's model, a refusal
    its problem."""
    first = (datetime.now(UTC) + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    later = first + timedelta(minutes=15)
    async with running_stack(settings, applications=applications_app) as stack:
        apps, _, _ = _clients(stack)
        async with apps:
            published = await apps.publish_support_slots(
                SlotsIn(starts_at=[first, later], adviser_name="Sam", location="Room 1")
            )
            ada = await make_profile(stack.http["applications"], stack.settings, ADA)
            booked = await stack.http["applications"].post(
                f"/v1/support/slots/{published[0].id}/booking", headers=ada
            )
            listed = await apps.office_support_slots()
            one = await apps.support_slot(published[0].id)
            with pytest.raises(RemoteProblem) as clash:
                await apps.change_support_slot(
                    published[1].id, SlotChangeIn(starts_at=first, adviser_name="Sam", location="x")
                )
            moved = await apps.change_support_slot(
                published[1].id,
                SlotChangeIn(
                    starts_at=later + timedelta(hours=1), adviser_name="Pat", location="x"
                ),
            )
            cancelled = await apps.cancel_support_slot(published[0].id)
            with pytest.raises(RemoteProblem) as gone:
                await apps.support_slot(published[0].id)
    assert booked.status_code == 201
    assert [s.id for s in listed] == [s.id for s in published]
    assert [s.booked_by.email if s.booked_by else None for s in listed] == [ADA, None]
    assert one.booked_by == listed[0].booked_by
    assert [s.booked_by.name if s.booked_by else None for s in listed] == ["Dr Ada Lovelace", None]
    assert (clash.value.status, clash.value.problem["field"]) == (409, "starts_at")
    assert (moved.starts_at, moved.adviser_name, moved.booked_by) == (
        later + timedelta(hours=1),
        "Pat",
        None,
    )
    assert cancelled.booked_by == listed[0].booked_by
    assert gone.value.status == 404
