"""Records the workflow histories that tests/workflows/test_replay.py replays.

To record new histories (after a deliberate, versioned workflow change, or to cover a new
workflow type), from the repository root:

    .venv/bin/python -m tests.support.record_histories

It starts embedded PostgreSQL and Temporal (as `mip dev` runs them) and a mail catcher in a
temporary directory, runs a rehearsal round the way tests/stack/test_whole_round.py does
(applications, offers, notifications and expenses services plus the workflow worker, via
`running_stack`): six applications, an offer accepted and introduced, one declined by the
cascade, one declined by the applicant, one lapsed, two not successful, a readvertised
placement with its alerts, an expense claim submitted and decided, an applicant erased at
her request while forwarded, and a stack check. It
then writes the history of one workflow of each kind (running or finished) to
tests/histories/<WorkflowType>[-<what>].json, replacing what is there. About a minute.

Keep the old files when a workflow change must still replay them: a history is a promise
that workflows already running in production will keep running. `--beside LABEL` writes
the new ones into tests/histories/LABEL/ instead, beside the old (issue 22 recorded
`typed-messages/` so); the replay test reads every folder. `--only TYPE` writes one
workflow type's alone: a new type's first history (issue 23 recorded `retention/` with
`--beside retention --only RetentionWorkflow`, `anonymise/` with `--beside anonymise
--only RetentionWorkflow` when the schedule came to anonymise a round, and `housekeeping/`
with `--beside housekeeping --only HousekeepingWorkflow`). The housekeeping sweep runs
through the round every 0.1 s, started as the worker starts it; its history is of a run
that has continued as new, so the whole of one run replays.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import uuid
from datetime import date
from pathlib import Path

from temporalio.client import WorkflowExecutionStatus

from launcher.mailcatcher import MailCatcher
from mip.core import ids as workflow_ids
from mip.core.auth import Role
from mip.core.payload_keys import DEV_PAYLOAD_KEYS
from mip.core.settings import Environment, Settings
from services.applications.app import create_app as applications_app
from services.expenses.app import create_app as expenses_app
from services.notifications.app import create_app as notifications_app
from services.offers.app import create_app as offers_app
from tests.support.applying import apply, make_profile, next_monday
from tests.support.auth import auth
from tests.support.rehearsal import KIM, SAM, setup_rehearsal, wait_status
from tests.support.servers import embedded_servers
from tests.support.stack import Stack, running_stack
from tests.support.upload_samples import png
from tests.support.waiting import eventually
from workflows.queues import WORKFLOWS
from workflows.retention import RetentionWorkflow
from workflows.stack_check import StackCheckInput, StackCheckWorkflow
from workflows.worker import ensure_housekeeping

HISTORIES = Path(__file__).resolve().parents[1] / "histories"
ADA, BOB, CY, DEE, EVE = (f"{n}@example.org" for n in ("ada", "bob", "cy", "dee", "eve"))
FAN = "fan@example.org"
# Applies and is erased at their request while forwarded (issue 23 item 4).
GUS = "gus@example.org"


async def _subscribe_fan(stack: Stack, smtp: MailCatcher) -> None:
    notifications = stack.http["notifications"]
    await notifications.post(
        "/v1/alerts/subscriptions",
        json={"email": FAN},
        headers=auth(stack.settings, Role.applicant, FAN),
    )

    async def invite() -> str | None:
        for m in smtp.store.messages():
            if m["X-MIP-Kind"] == "alert_confirm":
                body = m.get_body(("plain",))
                assert body is not None
                text: str = body.get_content()
                return text
        return None

    text = await eventually(invite)
    start = text.index("/alerts/confirm?token=")
    token = text[start:].split()[0].split("token=")[1]
    confirmed = await notifications.post("/v1/alerts/confirm", params={"token": token})
    assert confirmed.json()["status"] == "confirmed"


async def _claim(stack: Stack, application_id: str, headers: dict[str, str]) -> None:
    """A claim for the introduced placement: one lunch line, submitted, approved by the host."""
    expenses = stack.http["expenses"]
    started = await expenses.post(
        "/v1/claims", json={"application_id": application_id}, headers=headers
    )
    assert started.status_code == 201, started.text
    claim_id = started.json()["id"]
    line = await expenses.post(
        f"/v1/claims/{claim_id}/lines",
        headers=headers,
        files={"receipt": ("receipt.png", png(), "image/png")},
        data={
            "category": "lunch",
            "spent_on": str(next_monday(date.today())),
            "amount": "6.50",
            "description": "lunch",
        },
    )
    assert line.status_code == 201, line.text
    submitted = await expenses.post(f"/v1/claims/{claim_id}/submit", headers=headers)
    assert submitted.status_code == 200, submitted.text
    decided = await expenses.post(
        f"/v1/claims/{claim_id}/decision",
        headers=auth(stack.settings, Role.host, SAM),
        json={"lines": [{"line_id": x["id"], "approve": True} for x in submitted.json()["lines"]]},
    )
    assert decided.status_code == 200, decided.text


async def _round(stack: Stack, smtp: MailCatcher) -> dict[str, str]:
    """Runs the round; returns the file name (without .json) for each chosen workflow id."""
    apps, offers, settings = stack.http["applications"], stack.http["offers"], stack.settings
    await ensure_housekeeping(stack.temporal, settings)
    await _subscribe_fan(stack, smtp)
    round_id, placement = await setup_rehearsal(apps, settings)
    people = {p: await make_profile(apps, settings, p) for p in (ADA, BOB, CY, DEE, EVE, GUS)}
    await asyncio.sleep(3)  # advertised
    ids: dict[tuple[str, str], str] = {}
    applying = ((ADA, SAM), (BOB, SAM), (CY, SAM), (ADA, KIM), (DEE, KIM), (EVE, KIM), (GUS, KIM))
    for person, host in applying:
        response = await apply(apps, people[person], placement[host])
        assert response.status_code == 201, response.text
        ids[person, host] = response.json()["id"]
    for person, host in ids:
        await wait_status(stack, ids[person, host], person, "forwarded")
    erasure_id = await _erase(stack, GUS)
    for host, ranking in ((SAM, [ADA, BOB, CY]), (KIM, [ADA, DEE, EVE])):
        ranked = await offers.post(
            f"/v1/placements/{placement[host]}/ranking",
            json={"application_ids": [ids[p, host] for p in ranking]},
            headers=auth(settings, Role.host, host),
        )
        assert ranked.status_code == 200, ranked.text
    await wait_status(stack, ids[ADA, SAM], ADA, "offered")
    await wait_status(stack, ids[ADA, KIM], ADA, "offered")
    accepted = await offers.post(f"/v1/offers/{ids[ADA, SAM]}/accept", headers=people[ADA])
    assert accepted.status_code == 200, accepted.text
    await wait_status(stack, ids[ADA, KIM], ADA, "declined")
    await wait_status(stack, ids[DEE, KIM], DEE, "offered")
    declined = await offers.post(
        f"/v1/offers/{ids[DEE, KIM]}/decline",
        json={"reason": "Clashes with a conference"},
        headers=people[DEE],
    )
    assert declined.status_code == 200, declined.text
    await wait_status(stack, ids[EVE, KIM], EVE, "lapsed")
    await wait_status(stack, ids[BOB, SAM], BOB, "not_successful")
    await wait_status(stack, ids[ADA, SAM], ADA, "introduced")

    async def readvertised() -> bool:
        kinds = [m["X-MIP-Kind"] for m in smtp.store.messages() if m["To"] == FAN]
        return "alert_readvertised" in kinds

    await eventually(readvertised, timeout_s=60)
    await _claim(stack, ids[ADA, SAM], people[ADA])
    await stack.temporal.execute_workflow(
        StackCheckWorkflow.run,
        StackCheckInput(answer_within_s=20),
        id=f"stack-check-{uuid.uuid4().hex[:8]}",
        task_queue=settings.queue(WORKFLOWS),
    )
    await asyncio.sleep(2)  # let the last e-mails and the claim's first steps be recorded
    retention = stack.temporal.get_workflow_handle(workflow_ids.retention(round_id))

    async def erased() -> bool:  # CVs and e-mail bodies erased, the round anonymised
        return {"messages", "anonymise"} <= set(await retention.query(RetentionWorkflow.done))

    await eventually(erased, timeout_s=60)
    return {
        workflow_ids.application(ids[ADA, SAM]): "ApplicationWorkflow-introduced",
        workflow_ids.application(ids[ADA, KIM]): "ApplicationWorkflow-declined-by-acceptance",
        workflow_ids.application(ids[DEE, KIM]): "ApplicationWorkflow-declined",
        workflow_ids.application(ids[EVE, KIM]): "ApplicationWorkflow-lapsed",
        workflow_ids.application(ids[BOB, SAM]): "ApplicationWorkflow-not-successful",
        workflow_ids.round_(round_id): "RoundWorkflow",
        workflow_ids.retention(round_id): "RetentionWorkflow",
        workflow_ids.application(ids[GUS, KIM]): "ApplicationWorkflow-erased",
        erasure_id: "ErasureWorkflow",
    }


async def _housekeeping(stack: Stack) -> str:
    """The history of a run of the housekeeping sweep that has continued as new."""
    workflow_id = workflow_ids.housekeeping(stack.settings.task_queue_prefix)

    async def continued() -> str | None:
        async for run in stack.temporal.list_workflows(f"WorkflowId = '{workflow_id}'"):
            if run.status is WorkflowExecutionStatus.CONTINUED_AS_NEW:
                return run.run_id
        return None

    run_id = await eventually(continued, timeout_s=120)
    handle = stack.temporal.get_workflow_handle(workflow_id, run_id=run_id)
    return (await handle.fetch_history()).to_json()


async def _erase(stack: Stack, email: str) -> str:
    """The office erases `email`; the erasure's workflow id, once it has finished."""
    office = auth(stack.settings, Role.office)
    path = f"/v1/office/people/{email}/erasure"

    async def finished() -> str | None:
        state = (await stack.http["applications"].post(path, headers=office)).json()
        return str(state["workflow_id"]) if state["finished"] else None

    return await eventually(finished, timeout_s=60)


async def record(tmp: str) -> dict[str, str]:
    """Runs the round with its servers under `tmp`; returns each file name's history JSON."""
    recorded: dict[str, str] = {}
    async with embedded_servers(Path(tmp)) as servers:
        smtp = MailCatcher(Path(tmp) / "smtp", refuse=lambda rcpt: rcpt.startswith("nobody@"))
        await smtp.start()
        try:
            settings = Settings(
                environment=Environment.test,
                database_url=servers.postgres_url,
                temporal_address=servers.temporal_address,
                startup_timeout_s=10,
                task_queue_prefix=f"r{uuid.uuid4().hex[:10]}-",
                smtp_url=smtp.url,
                # Sealed with the public development key whatever the environment says:
                # the replay test opens them with it (mip/core/codec.py).
                payload_keys=DEV_PAYLOAD_KEYS,
                # The retention schedule's days in 0.05 s: by the end of the round its
                # workflow has erased CVs and e-mail bodies (its totals wait for the second
                # round's deadline, minutes away).
                retain_rehearsal_day_s=0.05,
                retain_application_days=150,
                # The housekeeping sweep many times a run, so that a run ends in the minute.
                housekeeping_every_s=0.1,
            )
            async with running_stack(
                settings,
                applications=applications_app,
                offers=offers_app,
                notifications=notifications_app,
                expenses=expenses_app,
            ) as stack:
                chosen = await _round(stack, smtp)
                # One of every other type: the first found, in a stable order.
                seen = {name.split("-")[0] for name in chosen.values()}
                async for execution in stack.temporal.list_workflows():
                    kind = execution.workflow_type
                    if kind not in seen and execution.id not in chosen:
                        seen.add(kind)
                        chosen[execution.id] = kind
                for workflow_id, name in sorted(chosen.items(), key=lambda kv: kv[1]):
                    history = await stack.temporal.get_workflow_handle(workflow_id).fetch_history()
                    recorded[name] = history.to_json()
                recorded["HousekeepingWorkflow"] = await _housekeeping(stack)
        finally:
            await smtp.stop()
    return recorded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--beside",
        metavar="LABEL",
        help="write into tests/histories/LABEL/, keeping the histories already there: "
        "for a change to what workflows do, whose old histories must still replay",
    )
    parser.add_argument(
        "--only",
        metavar="TYPE",
        help="write only the histories of this workflow type (a new type, say), leaving "
        "the others' files as they are",
    )
    into = HISTORIES / args.beside if (args := parser.parse_args()).beside else HISTORIES
    with tempfile.TemporaryDirectory(prefix="mip-record-") as tmp:
        recorded = asyncio.run(record(tmp))
    into.mkdir(parents=True, exist_ok=True)
    for name, history in recorded.items():
        if args.only and name.split("-")[0] != args.only:
            continue
        path = into / f"{name}.json"
        path.write_text(history + "\n")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
