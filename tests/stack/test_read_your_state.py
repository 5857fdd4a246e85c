"""Read your own state (issue 10): whatever a response shows as open can be acted on at once.

Fifty offers are accepted the moment the API first shows them, from either read model (the
offers service's row or the applications service's status, R19, R20), and fifty claims are
decided the moment they are submitted (P5), one of them before its workflow has started."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import pytest
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from launcher.mailcatcher import MailCatcher
from mip.core import ids, outbox
from mip.core.auth import Role
from mip.core.runtime import ServiceRuntime
from mip.core.settings import Settings
from services.applications.app import create_app as applications_app
from services.expenses.app import create_app as expenses_app
from services.notifications.app import create_app as notifications_app
from tests.support.applying import (
    HOST,
    apply,
    close_round_now,
    make_profile,
    make_round,
    open_round,
)
from tests.support.auth import auth
from tests.support.rehearsal import wait_status
from tests.support.stack import Stack, round_stack, running_stack
from tests.support.upload_samples import png

N = 50
PNG = png()
HOST_EMAIL = HOST["contact_email"]
# Where each accepting task first reads "offered": both read models must be safe to act on.
TRIGGERS = ("offers service row", "my offers", "applications service")


@dataclass(frozen=True)
class Applicant:
    email: str
    headers: dict[str, str]
    application_id: str
    placement: dict[str, Any]


@dataclass(frozen=True)
class Answer:
    trigger: str
    response: httpx.Response


async def _applicants(stack: Stack, name: str, n: int) -> tuple[dict[str, Any], list[Applicant]]:
    """`n` applicants, two to each placement of one round (R12 allows each of them two)."""
    apps, settings = stack.http["applications"], stack.settings
    the_round, placements = await make_round(
        apps, settings, open_round(name), places=2, placements=(n + 1) // 2
    )
    emails = [f"intern{i:02d}@example.org" for i in range(n)]
    headers = await asyncio.gather(
        *(make_profile(apps, settings, e, name=f"Intern {i}") for i, e in enumerate(emails))
    )
    answers = await asyncio.gather(
        *(apply(apps, h, placements[i // 2]["id"]) for i, h in enumerate(headers))
    )
    assert [a.status_code for a in answers] == [201] * n, [a.text for a in answers]
    return the_round, [
        Applicant(email, h, a.json()["id"], placements[i // 2])
        for i, (email, h, a) in enumerate(zip(emails, headers, answers, strict=True))
    ]


async def _shown_offered(stack: Stack, trigger: str, who: Applicant) -> bool:
    """One read of one read model: does it show this application's offer as open?"""
    offers, apps, mine = stack.http["offers"], stack.http["applications"], who.application_id
    if trigger == "offers service row":
        row = await offers.get(f"/v1/offers/{mine}", headers=who.headers)
        assert row.status_code in (200, 404), row.text  # 404: no offer yet
        return row.status_code == 200 and bool(row.json()["status"] == "offered")
    if trigger == "my offers":
        listed = await offers.get("/v1/me/offers", headers=who.headers)
        assert listed.status_code == 200, listed.text
        return any(o["application_id"] == mine and o["status"] == "offered" for o in listed.json())
    found = await apps.get(f"/v1/applications/{mine}", headers=who.headers)
    status: str = found.json()["status"]
    assert status in ("forwarded", "offered"), status  # nothing else can come first
    return status == "offered"


async def _accept_when_shown(stack: Stack, trigger: str, who: Applicant) -> Answer:
    """Read as fast as one client can and accept in the same breath as the first "offered"."""
    async with asyncio.timeout(90):
        while True:
            if await _shown_offered(stack, trigger, who):
                accepted = await stack.http["offers"].post(
                    f"/v1/offers/{who.application_id}/accept", headers=who.headers
                )
                return Answer(trigger, accepted)


async def _rank_everyone(stack: Stack, applicants: list[Applicant]) -> None:
    """The host ranks both applicants of each placement, so both are offered a place."""
    by_placement: dict[str, list[str]] = {}
    for a in applicants:
        by_placement.setdefault(a.placement["id"], []).append(a.application_id)
    host = auth(stack.settings, Role.host, HOST_EMAIL)
    ranked = await asyncio.gather(
        *(
            stack.http["offers"].post(
                f"/v1/placements/{placement}/ranking", json={"application_ids": ids}, headers=host
            )
            for placement, ids in by_placement.items()
        )
    )
    assert [r.status_code for r in ranked] == [200] * len(by_placement), [r.text for r in ranked]


async def test_r19_r20_fifty_offers_accepted_the_moment_they_are_shown(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    async with round_stack(mail_settings) as stack:
        offers = stack.http["offers"]
        the_round, applicants = await _applicants(stack, "Read your state round", N)
        apps_http, round_id = stack.http["applications"], the_round["id"]
        await close_round_now(apps_http, stack.settings, round_id, the_round["clock"])
        await asyncio.gather(
            *(wait_status(stack, a.application_id, a.email, "forwarded") for a in applicants)
        )
        # A task group: if anything fails, no reader is left polling servers that stop.
        async with asyncio.TaskGroup() as group:
            watching = [
                group.create_task(_accept_when_shown(stack, TRIGGERS[i % len(TRIGGERS)], a))
                for i, a in enumerate(applicants)
            ]
            await asyncio.sleep(0.2)  # every task is reading before the first offer is made
            await _rank_everyone(stack, applicants)
        answers = [task.result() for task in watching]
        refused = [
            (a.trigger, a.response.status_code, a.response.text)
            for a in answers
            if a.response.status_code != 200
        ]
        assert refused == []
        await asyncio.gather(
            *(wait_status(stack, a.application_id, a.email, "introduced") for a in applicants)
        )
        rows = await asyncio.gather(
            *(offers.get(f"/v1/offers/{a.application_id}", headers=a.headers) for a in applicants)
        )
        held = await stack.apps["offers"].state.runtime.pool.fetch("SELECT * FROM acceptances")
    assert [a.response.json()["status"] for a in answers] == ["accepted"] * N
    assert {a.trigger for a in answers} == set(TRIGGERS)
    assert [r.json()["status"] for r in rows] == ["accepted"] * N
    assert len(held) == N


# --- expense claims ------------------------------------------------------------------------


async def _interns(stack: Stack, name: str, n: int) -> list[Applicant]:
    """`n` interns whose applications read as introduced, which is what a claim needs (the
    way test_expenses makes one: the offer itself is not what these tests are about)."""
    _, interns = await _applicants(stack, name, n)
    await stack.apps["applications"].state.runtime.pool.execute(
        "UPDATE applications SET status = 'introduced' WHERE id = ANY($1::uuid[])",
        [i.application_id for i in interns],
    )
    return interns


async def _submitted_claim(stack: Stack, intern: Applicant) -> dict[str, Any]:
    """A claim with one lunch line and its receipt, submitted; the response to the submit."""
    expenses = stack.http["expenses"]
    started = await expenses.post(
        "/v1/claims", json={"application_id": intern.application_id}, headers=intern.headers
    )
    assert started.status_code == 201, started.text
    claim_id = started.json()["id"]
    line = await expenses.post(
        f"/v1/claims/{claim_id}/lines",
        headers=intern.headers,
        files={"receipt": ("receipt.png", PNG, "image/png")},
        data={
            "category": "lunch",
            "spent_on": intern.placement["days"][0],
            "amount": "6.50",
            "description": "lunch",
        },
    )
    assert line.status_code == 201, line.text
    submitted = await expenses.post(f"/v1/claims/{claim_id}/submit", headers=intern.headers)
    assert submitted.status_code == 200, submitted.text
    shown: dict[str, Any] = submitted.json()
    assert shown["status"] == "submitted"
    return shown


async def _approve(stack: Stack, claim: dict[str, Any]) -> httpx.Response:
    return await stack.http["expenses"].post(
        f"/v1/claims/{claim['id']}/decision",
        headers=auth(stack.settings, Role.host, HOST_EMAIL),
        json={"lines": [{"line_id": line["id"], "approve": True} for line in claim["lines"]]},
    )


async def _submit_and_decide(stack: Stack, intern: Applicant) -> httpx.Response:
    """The host decides in the same breath as the submit's answer shows `submitted`."""
    return await _approve(stack, await _submitted_claim(stack, intern))


async def test_p5_fifty_claims_decided_right_after_submission(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    async with running_stack(
        mail_settings,
        applications=applications_app,
        expenses=expenses_app,
        notifications=notifications_app,
    ) as stack:
        interns = await _interns(stack, "Claims round", N)
        decided = await asyncio.gather(*(_submit_and_decide(stack, i) for i in interns))
        expenses = stack.http["expenses"]
        read = await asyncio.gather(
            *(
                expenses.get(f"/v1/claims/{d.json()['id']}", headers=i.headers)
                for d, i in zip(decided, interns, strict=True)
                if d.status_code == 200
            )
        )
    refused = [(d.status_code, d.text) for d in decided if d.status_code != 200]
    assert refused == []
    assert [d.json()["status"] for d in decided] == ["approved"] * N
    assert [c.json()["status"] for c in read] == ["approved"] * N
    assert [c.json()["approved_pence"] for c in read] == [650] * N


@contextmanager
def _no_background_starts(
    runtime: ServiceRuntime, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Neither the starter after a commit nor the relay's sweep starts a workflow: only a
    start for one named workflow (an update's ensure_started) still does."""
    sweep = outbox.start_pending

    async def named_only(pool: asyncpg.Pool, client: Client, workflow_id: str | None = None) -> int:
        return 0 if workflow_id is None else await sweep(pool, client, workflow_id)

    starter, runtime.starter = runtime.starter, None
    monkeypatch.setattr(outbox, "start_pending", named_only)
    try:
        yield
    finally:
        runtime.starter = starter


async def _exists(client: Client, workflow_id: str) -> bool:
    try:
        await client.get_workflow_handle(workflow_id).describe()
    except RPCError as exc:
        if exc.status is RPCStatusCode.NOT_FOUND:
            return False
        raise
    return True


async def test_p5_a_claim_decided_before_its_workflow_started_is_decided(
    mail_settings: Settings, smtp: MailCatcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_stack(
        mail_settings,
        applications=applications_app,
        expenses=expenses_app,
        notifications=notifications_app,
    ) as stack:
        [intern] = await _interns(stack, "Early decision round", 1)
        runtime = stack.apps["expenses"].state.runtime
        with _no_background_starts(runtime, monkeypatch):
            claim = await _submitted_claim(stack, intern)
            wf = ids.expense_claim(claim["id"])
            before = await _exists(stack.temporal, wf)
            pending = await runtime.pool.fetchval(
                "SELECT started_at IS NULL FROM workflow_outbox WHERE workflow_id = $1", wf
            )
            decided = await _approve(stack, claim)
            after = await _exists(stack.temporal, wf)
            started = await runtime.pool.fetchval(
                "SELECT started_at IS NOT NULL FROM workflow_outbox WHERE workflow_id = $1", wf
            )
        read = await stack.http["expenses"].get(f"/v1/claims/{claim['id']}", headers=intern.headers)
    assert (before, pending) == (False, True)  # only the outbox row existed
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "approved"
    assert (after, started) == (True, True)
    assert read.json()["status"] == "approved"
    assert read.json()["approved_pence"] == 650
