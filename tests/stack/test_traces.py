"""One submission is one trace (issue 16): the HTTP request, the outbox's start of its
workflow, the workflow, each activity and the SMTP send, across the applications
service, the Temporal server, the workflow worker and the notifications service. And a
service process sends its spans where the standard OTEL_* variables say."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.trace import SpanKind

from launcher.mailcatcher import MailCatcher
from launcher.process import Child
from mip.core import ids as workflow_ids
from mip.core.settings import Settings
from services.applications.app import create_app as applications_app
from services.notifications.app import create_app as notifications_app
from tests.support.applying import apply, make_profile, make_round, open_round
from tests.support.otlp import otlp_receiver
from tests.support.servers import free_port
from tests.support.stack import running_stack
from tests.support.tracing import ancestry, captured_spans, render_tree
from tests.support.waiting import eventually

ADA = "ada.traced@example.org"
# From the request to the e-mail, each the parent (or an ancestor) of the next. The
# workflow's own span (RunWorkflow) is a sibling of its activities' starts, both under
# the start: Temporal's interceptor ends a workflow's spans at once, as replay requires.
THE_PATH = [
    "POST /v1/applications",
    "outbox start ApplicationWorkflow",
    "StartWorkflow:ApplicationWorkflow",
    "StartActivity:send_email",
    "RunActivity:send_email",
    "smtp send",
]


def _in_order(names: list[str], wanted: list[str]) -> bool:
    remaining = iter(names)
    return all(any(name == w for name in remaining) for w in wanted)


def _is_sql(span: ReadableSpan) -> bool:
    return (span.attributes or {}).get("db.system") == "postgresql"


async def test_r15_one_submission_is_one_trace_from_the_request_to_the_smtp_send(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    with captured_spans() as exporter:
        async with running_stack(
            mail_settings, applications=applications_app, notifications=notifications_app
        ) as stack:
            http = stack.http["applications"]
            _, [placement] = await make_round(http, mail_settings, open_round())
            me = await make_profile(http, mail_settings, ADA)
            answer = await apply(http, me, placement["id"])
            assert answer.status_code == 201, answer.text
            application_id = answer.json()["id"]

            async def confirmation_sent() -> ReadableSpan | None:
                return next(
                    (
                        s
                        for s in exporter.get_finished_spans()
                        if s.name == "smtp send"
                        and (s.attributes or {}).get("mip.mail.kind") == "confirmation"
                    ),
                    None,
                )

            sent = await eventually(confirmation_sent, timeout_s=60)
        spans = list(exporter.get_finished_spans())

    chain = ancestry(sent, spans)
    names = [s.name for s in chain]
    assert _in_order(names, THE_PATH), render_tree(sent.context.trace_id, spans)
    assert chain[0].parent is None, "the chain reaches the root of its trace"
    assert {s.context.trace_id for s in chain if s.context} == {sent.context.trace_id}

    request = next(s for s in chain if s.name == "POST /v1/applications")
    assert request.kind is SpanKind.SERVER
    assert (request.attributes or {}).get("mip.application_id") == application_id
    start = next(s for s in chain if s.name == "StartWorkflow:ApplicationWorkflow")
    run = next(s for s in spans if s.name == "RunWorkflow:ApplicationWorkflow")
    assert run.parent is not None
    assert start.context is not None
    assert run.parent.span_id == start.context.span_id
    assert (run.attributes or {})["temporalWorkflowID"] == workflow_ids.application(application_id)
    assert sent.kind is SpanKind.CLIENT
    assert smtp.store.messages(), "the span is of a real send that arrived"

    # The SQL of both the request and the notifications activity is in the same trace.
    ids = {s.context.span_id for s in spans if s.context}
    in_trace = [s for s in spans if s.context and s.context.trace_id == sent.context.trace_id]
    sql_under = {
        ancestor.name
        for s in in_trace
        if _is_sql(s)
        for ancestor in ancestry(s, spans)
        if ancestor.name in ("POST /v1/applications", "RunActivity:send_email")
    }
    assert sql_under == {"POST /v1/applications", "RunActivity:send_email"}
    assert all(s.parent is None or s.parent.span_id in ids for s in in_trace), "no orphans"


async def _answers(url: str) -> None:
    async with httpx.AsyncClient(timeout=2) as http:
        (await http.get(url)).raise_for_status()


async def test_a_service_process_exports_its_spans_where_the_otel_variables_say(
    settings: Settings, tmp_path: Path
) -> None:
    port = free_port()
    with otlp_receiver() as (endpoint, received):
        service = Child(
            name="offers",
            argv=[
                sys.executable,
                "-m",
                "uvicorn",
                "services.offers.app:create_app",
                "--factory",
                "--host=127.0.0.1",
                f"--port={port}",
            ],
            log_path=tmp_path / "offers.log",
            ready=lambda: _answers(f"http://127.0.0.1:{port}/healthz"),
            env={
                "DATABASE_URL": settings.database_url.get_secret_value(),
                "TEMPORAL_ADDRESS": settings.temporal_address,
                "MIP_TASK_QUEUE_PREFIX": settings.task_queue_prefix,
                "OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
                "OTEL_BSP_SCHEDULE_DELAY": "100",
            },
        )
        service.start()
        try:
            await service.wait_ready(60)
            async with httpx.AsyncClient() as http:
                answer = await http.get(f"http://127.0.0.1:{port}/v1/me")
            assert answer.status_code == 401

            async def exported() -> bool:
                return ("mip-offers", "GET /v1/me") in received.spans

            await eventually(exported, timeout_s=20)
        finally:
            service.stop()
    # Probes are not traced: a health check every few seconds would bury everything else.
    assert not [name for _, name in received.spans if "healthz" in name]
