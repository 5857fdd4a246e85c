"""Spans kept in memory for a test: MIP traces into them while the block runs."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from mip.core import telemetry


@contextmanager
def captured_spans() -> Iterator[InMemorySpanExporter]:
    """Every span MIP makes in this process (services, clients, workers) until the end,
    scrubbed as every exporter gets them."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: "mip-test"}))
    provider.add_span_processor(SimpleSpanProcessor(telemetry.ScrubbingExporter(exporter)))
    telemetry.enable_tracing(provider)
    try:
        yield exporter
    finally:
        telemetry.disable_tracing()
        provider.shutdown()


def ancestry(span: ReadableSpan, spans: Sequence[ReadableSpan]) -> list[ReadableSpan]:
    """`span` and its parents up to the root of its trace, root first."""
    by_id = {s.context.span_id: s for s in spans if s.context is not None}
    chain = [span]
    while chain[-1].parent is not None and chain[-1].parent.span_id in by_id:
        chain.append(by_id[chain[-1].parent.span_id])
    return chain[::-1]


def render_tree(trace_id: int, spans: Sequence[ReadableSpan]) -> str:
    """One trace as an indented tree of span names with durations, for a person to read."""
    in_trace = sorted(
        (s for s in spans if s.context and s.context.trace_id == trace_id),
        key=lambda s: s.start_time or 0,
    )
    ids = {s.context.span_id for s in in_trace if s.context}
    children: dict[int | None, list[ReadableSpan]] = {}
    for span in in_trace:
        parent = span.parent.span_id if span.parent and span.parent.span_id in ids else None
        children.setdefault(parent, []).append(span)
    lines: list[str] = []

    def walk(parent: int | None, depth: int) -> None:
        for span in children.get(parent, []):
            took = ((span.end_time or 0) - (span.start_time or 0)) / 1e6
            lines.append(f"{'  ' * depth}{span.name}  {took:.1f} ms")
            if span.context:
                walk(span.context.span_id, depth + 1)

    walk(None, 0)
    return "\n".join(lines)
