"""Logs and traces carry no personal data beyond ids (issue 23 item 6): a log line and a
span that would carry an applicant's name, address and statement carry none of them once
scrubbed, while the ids that join them to the application (UUIDs, MIP-27A-0042, a
Message-ID) survive. tests/stack/test_logs.py checks the same of real servers' lines."""

from __future__ import annotations

import json
import logging
import sys

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Status, StatusCode
from pydantic import BaseModel, Field, ValidationError

from mip.core import ids, telemetry
from mip.core.logging import JsonFormatter, TextFormatter
from mip.core.scrub import scrub

NAME = "Ada Okafor"
ADDRESS = "ada.okafor+mip@example.org"
STATEMENT = "I would like to learn how robot arms are tested in industry"
PERSON = (NAME, "Okafor", ADDRESS, "ada.okafor", "ada.okafor%2Bmip%40example.org", "robot arms")
APPLICATION_ID = "5f0c4d1e-1111-4222-8333-444455556666"
REFERENCE = "MIP-27A-0042"
MESSAGE_ID = "<3f2a9c0b1d2e3f405162738495a6b7c8d9e0f1a2@mip.example.org>"
IDS = (APPLICATION_ID, REFERENCE, MESSAGE_ID, ids.application(APPLICATION_ID))


class _Profile(BaseModel):
    name: str = Field(max_length=3)


def _echoing_error() -> ValidationError:
    """What pydantic raises for a bad field: its message repeats what was sent."""
    try:
        _Profile(name=NAME)
    except ValidationError as exc:
        return exc
    raise AssertionError("the name was accepted")


# Each way a person's data reaches a line: a model's repr, JSON, a form body or query, a
# database's key detail, a mail server's answer, a display name.
LEAKS = [
    f"starting ApplicationInput(application_id='{APPLICATION_ID}', reference='{REFERENCE}',"
    f" applicant_email='{ADDRESS}', applicant_name='{NAME}', statement='{STATEMENT}')",
    json.dumps({"id": APPLICATION_ID, "applicant_name": NAME, "statement": STATEMENT}),
    f"POST /applicant/apply with placement={APPLICATION_ID}&statement="
    + STATEMENT.replace(" ", "+")
    + f"&intern_name={NAME.replace(' ', '+')}",
    "GET /sign-in?next=/applicant/applications&email=ada.okafor%2Bmip%40example.org",
    f"DETAIL: Key (applicant_email, placement_id)=({ADDRESS}, {APPLICATION_ID}) already exists.",
    f"550 5.1.1 <{ADDRESS}>: Recipient address rejected for {REFERENCE}",
    f"To: {NAME} <{ADDRESS}> Message-ID: {MESSAGE_ID}",
    str(_echoing_error()),
]


@pytest.mark.parametrize("line", LEAKS)
def test_a_person_s_name_address_and_statement_are_scrubbed_and_ids_kept(line: str) -> None:
    scrubbed = scrub(line)
    for personal in PERSON:
        assert personal not in scrubbed, (personal, scrubbed)
    for kept in IDS:
        if kept in line:
            assert kept in scrubbed, (kept, scrubbed)


def _record(message: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    return logging.LogRecord(
        "mip.test",
        logging.WARNING,
        __file__,
        1,
        message,
        args,
        (type(exc), exc, exc.__traceback__) if exc else None,
    )


def test_a_log_line_about_an_applicant_names_only_ids() -> None:
    try:
        raise ValueError(f"could not add {NAME} <{ADDRESS}>: {_echoing_error()}")
    except ValueError:
        exc = sys.exc_info()[1]
    assert exc is not None
    record = _record("application %s (%s) failed: %s", APPLICATION_ID, REFERENCE, LEAKS[0], exc=exc)
    for line in (JsonFormatter("applications").format(record), TextFormatter("x").format(record)):
        for personal in PERSON:
            assert personal not in line, (personal, line)
        assert APPLICATION_ID in line
        assert REFERENCE in line
    entry = json.loads(JsonFormatter("applications").format(record))
    assert "ValueError" in entry["exception"]


def test_a_span_about_an_applicant_leaves_the_process_with_only_ids() -> None:
    exported = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(telemetry.ScrubbingExporter(exported)))
    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span(f"POST /v1/applications for {ADDRESS}") as span:
        span.set_attributes(
            {
                "http.url": "http://portal/sign-in?email=ada.okafor%2Bmip%40example.org",
                "mip.application_id": APPLICATION_ID,
                "mip.reference": REFERENCE,
                "mip.applicant_email": ADDRESS,
                "http.request.body": f"statement={STATEMENT}",
                "enduser.id": NAME,
                "mip.recipients": (f"{NAME} <{ADDRESS}>", "office@example.org"),
                "mip.note": LEAKS[0],
            }
        )
        span.add_event("submitted", {"mip.detail": LEAKS[1]})
        error = _echoing_error()
        span.record_exception(error)
        span.set_status(Status(StatusCode.ERROR, str(error)))
    [sent] = exported.get_finished_spans()
    as_sent = sent.to_json()
    for personal in PERSON:
        assert personal not in as_sent, (personal, as_sent)
    attributes = sent.attributes or {}
    assert attributes["mip.application_id"] == APPLICATION_ID
    assert attributes["mip.reference"] == REFERENCE
    assert [e.name for e in sent.events] == ["submitted", "exception"]
    assert sent.status.status_code is StatusCode.ERROR
    provider.shutdown()
