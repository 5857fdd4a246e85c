"""After a small round on real servers, /metrics on each service and on the workflow worker
says what the office would count by hand (issue 16): applications per round, confirmations
sent and overdue (R15), e-mails failed for good, offers open, accepted and lapsed (R19),
claims waiting on a host past five days (P5); and says it again from a fresh process."""

from __future__ import annotations

from typing import Any

from launcher.mailcatcher import MailCatcher
from mip.core.auth import Role
from mip.core.settings import Settings
from services.applications.app import create_app as applications_app
from services.expenses.app import create_app as expenses_app
from services.notifications.app import create_app as notifications_app
from services.offers.app import create_app as offers_app
from tests.support.applying import apply, make_profile
from tests.support.auth import auth, running
from tests.support.observability import (
    dashboard_expressions,
    names_in,
    rule_expressions,
    unexported,
)
from tests.support.rehearsal import KIM, SAM, setup_rehearsal, wait_status
from tests.support.scrape import Scrape, scrape
from tests.support.servers import free_port
from tests.support.stack import Stack, running_stack_on
from tests.support.upload_samples import png
from tests.support.waiting import eventually
from workflows.worker import worker_runtime

ADA, BOB, DEE = (f"{n}@example.org" for n in ("ada.m", "bob.m", "dee.m"))
NOBODY = "nobody@example.org"  # the `smtp` fixture refuses it for good (550)
ROUND = "Rehearsal round"


async def _a_small_round(stack: Stack) -> tuple[dict[str, str], dict[str, str]]:
    """Four applications: Ada accepted, Dee's offer lapsed, Nobody's offer open, Bob waiting."""
    apps, offers, settings = stack.http["applications"], stack.http["offers"], stack.settings
    _, placement = await setup_rehearsal(apps, settings, acceptance_window_s=15)
    people = {p: await make_profile(apps, settings, p) for p in (ADA, BOB, DEE, NOBODY)}

    async def advertised() -> bool:
        return (await apps.get(f"/v1/placements/{placement[KIM]}")).status_code == 200

    await eventually(advertised)
    ids = {}
    for person, host in ((ADA, SAM), (BOB, SAM), (DEE, KIM), (NOBODY, KIM)):
        answer = await apply(apps, people[person], placement[host])
        assert answer.status_code == 201, answer.text
        ids[person] = answer.json()["id"]
    for person in ids:
        await wait_status(stack, ids[person], person, "forwarded")
    for host, ranking in ((SAM, [ADA, BOB]), (KIM, [DEE, NOBODY])):
        ranked = await offers.post(
            f"/v1/placements/{placement[host]}/ranking",
            json={"application_ids": [ids[p] for p in ranking]},
            headers=auth(settings, Role.host, host),
        )
        assert ranked.status_code == 200, ranked.text
    await wait_status(stack, ids[ADA], ADA, "offered")
    accepted = await offers.post(f"/v1/offers/{ids[ADA]}/accept", headers=people[ADA])
    assert accepted.status_code == 200, accepted.text
    await wait_status(stack, ids[ADA], ADA, "introduced")
    await wait_status(stack, ids[DEE], DEE, "lapsed")  # after 15 s: the place passes on
    await wait_status(stack, ids[NOBODY], NOBODY, "offered")  # open for 15 s from now
    return ids, placement


async def _a_claim_waiting_six_days(stack: Stack, application_id: str, placement: str) -> None:
    expenses, me = stack.http["expenses"], auth(stack.settings, Role.applicant, ADA)
    claim = await expenses.post("/v1/claims", json={"application_id": application_id}, headers=me)
    assert claim.status_code == 201, claim.text
    claim_id = claim.json()["id"]
    day = (await stack.http["applications"].get(f"/v1/placements/{placement}")).json()["days"][0]
    line = await expenses.post(
        f"/v1/claims/{claim_id}/lines",
        headers=me,
        files={"receipt": ("receipt.png", png(), "image/png")},
        data={"category": "lunch", "spent_on": day, "amount": "8.50", "description": "lunch"},
    )
    assert line.status_code == 201, line.text
    submitted = await expenses.post(f"/v1/claims/{claim_id}/submit", headers=me)
    assert submitted.status_code == 200, submitted.text
    # Six days pass (in the table): the host has not decided.
    await stack.apps["expenses"].state.runtime.pool.execute(
        "UPDATE claim_events SET at = at - interval '6 days' WHERE claim_id = $1", claim_id
    )


async def _bobs_confirmation_took_four_hours(stack: Stack) -> None:
    await stack.apps["notifications"].state.runtime.pool.execute(
        "UPDATE messages SET created_at = sent_at - interval '4 hours'"
        " WHERE kind = 'confirmation' AND $1 = ANY(recipients)",
        BOB,
    )


def _assert_business_figures(figures: dict[str, Scrape]) -> None:
    applications, offers = figures["applications"], figures["offers"]
    notifications, expenses = figures["notifications"], figures["expenses"]
    assert applications.value("mip_applications_submitted_total", round=ROUND) == 4
    assert applications.value("mip_applications", round=ROUND, status="introduced") == 1
    assert applications.value("mip_applications", round=ROUND, status="forwarded") == 1
    # R19: one offer accepted, one lapsed after its window, one open now.
    assert offers.value("mip_offers", status="offered") == 1
    assert offers.value("mip_offers", status="accepted") == 1
    assert offers.value("mip_offers", status="lapsed") == 1
    assert offers.value("mip_offers", status="declined") == 0
    # R15: four confirmations, three delivered; Nobody's failed for good and Bob's came
    # four hours late, so two are overdue.
    assert notifications.value("mip_emails_sent_total", kind="confirmation") == 3
    assert notifications.value("mip_emails_failed_permanently_total", kind="confirmation") == 1
    assert notifications.value("mip_emails_failed_permanently_total", kind="offer") == 1
    assert notifications.value("mip_confirmations_overdue") == 2
    assert notifications.value("mip_emails_pending") == 0
    # P5: Ada's claim has waited six days for the host.
    assert expenses.value("mip_claims", status="submitted") == 1
    assert expenses.value("mip_claims_awaiting_host_overdue") == 1
    for name, scraped in figures.items():
        assert scraped.value("mip_figures_up", service=name) == 1
        assert scraped.value("mip_health_check", service=name, check="database") == 1


async def _figures_of(urls: dict[str, str]) -> dict[str, Scrape]:
    return {name: await scrape(f"{url}/metrics") for name, url in urls.items()}


async def _from_fresh_processes(settings: Settings) -> dict[str, Scrape]:
    """Each service started anew on the same tables, before anything else happens."""
    found = {}
    for name, factory in (
        ("applications", applications_app),
        ("offers", offers_app),
        ("notifications", notifications_app),
        ("expenses", expenses_app),
    ):
        async with running(factory(settings)) as http:
            answer = await http.get("/metrics")
            assert answer.status_code == 200
            found[name] = Scrape(answer.text)
    return found


async def test_r15_r19_p5_metrics_after_a_small_round_and_every_name_alerts_query(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    worker_metrics = f"127.0.0.1:{free_port()}"
    async with running_stack_on(
        worker_runtime(worker_metrics),
        mail_settings,
        applications=applications_app,
        offers=offers_app,
        notifications=notifications_app,
        expenses=expenses_app,
    ) as stack:
        ids, placement = await _a_small_round(stack)
        await _a_claim_waiting_six_days(stack, ids[ADA], placement[SAM])
        await _bobs_confirmation_took_four_hours(stack)
        urls = {name: str(http.base_url).rstrip("/") for name, http in stack.http.items()}
        figures = await _figures_of(urls)
        worker = await scrape(f"http://{worker_metrics}/metrics")
        traffic = figures["applications"]
        unauthenticated = await stack.http["applications"].get("/v1/me")
        assert unauthenticated.status_code == 401
        after = await scrape(f"{urls['applications']}/metrics")
        settings = stack.settings
    _assert_business_figures(figures)
    _assert_business_figures(await _from_fresh_processes(settings))

    # Traffic by route template and status; problem types as they were answered.
    route = "/v1/applications"
    assert traffic.value("mip_http_requests_total", route=route, method="POST", status="201") == 4
    assert traffic.total("mip_http_request_duration_seconds_count", route=route) == 4
    assert after.value("mip_http_problems_total", route="/v1/me", type="not-authenticated") == 1
    assert "/v1/applications/" + ids[ADA] not in traffic.text  # templates, never raw paths

    # The worker: Temporal's SDK metrics, and ours recorded by the workflows.
    _assert_worker(worker)

    # Every name the alert rules and the dashboard query is one these endpoints export.
    exported = set().union(*(s.families() for s in [*figures.values(), worker]))
    for expressions in (rule_expressions(), dashboard_expressions()):
        assert all(names_in(e) for e in expressions), "each query names a metric"
        used = set().union(*map(names_in, expressions))
        assert unexported(used, exported) == set()


def _assert_worker(worker: Scrape) -> None:
    transitions: dict[str, Any] = {
        status: worker.value("mip_application_transitions", status=status)
        for status in ("forwarded", "offered", "accepted", "introduced", "lapsed")
    }
    assert transitions == {
        "forwarded": 4,
        "offered": 3,
        "accepted": 1,
        "introduced": 1,
        "lapsed": 1,
    }
    # Dee's application ended when her offer lapsed; the SDK counts what its worker did.
    assert worker.value("temporal_workflow_completed", workflow_type="ApplicationWorkflow") >= 1
    assert worker.total("temporal_workflow_task_schedule_to_start_latency_count") > 0
    assert worker.total("temporal_num_pollers") > 0
