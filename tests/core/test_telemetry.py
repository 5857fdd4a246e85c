"""Tracing is off unless the standard OTEL_* variables ask for it (issue 16), and what is
logged or traced is scrubbed of tokens and passwords."""

from __future__ import annotations

import pytest

from mip.core import telemetry
from mip.core.scrub import scrub


@pytest.mark.parametrize(
    ("env", "exporters"),
    [
        ({}, []),  # `mip dev` and the tests: nothing set, nothing traced
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, ["otlp"]),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"}, ["otlp"]),
        ({"OTEL_TRACES_EXPORTER": "console"}, ["console"]),
        ({"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, []),
        ({"OTEL_SDK_DISABLED": "true", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, []),
    ],
)
def test_tracing_follows_the_otel_variables(env: dict[str, str], exporters: list[str]) -> None:
    assert telemetry.exporter_names(env) == exporters


def test_nothing_is_traced_or_installed_with_no_exporter_asked_for() -> None:
    assert telemetry.start_tracing("offers", env={}) is False
    assert not telemetry.tracing()
    assert telemetry.temporal_interceptors() == []
    assert telemetry.carrier() == {}


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        ("GET /v1/alerts/confirm?token=Zk3x_9&x=1", "GET /v1/alerts/confirm?token=***&x=1"),
        (
            "GET /sign-in?next=/host/placements/1&email=sam%40isis.example.com",
            "GET /sign-in?next=/host/placements/1&email=***",
        ),
        ("Authorization: Bearer abc.def-ghi", "Authorization: Bearer ***"),
        ("got eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln in a message", "got *** in a message"),
        ("postgresql://mip:s3cret@db:5432/mip", "postgresql://mip:***@db:5432/mip"),
        (
            "application 5f0c refused: 550 no such user",
            "application 5f0c refused: 550 no such user",
        ),
    ],
)
def test_tokens_and_passwords_never_leave_a_process(text: str, scrubbed: str) -> None:
    assert scrub(text) == scrubbed
