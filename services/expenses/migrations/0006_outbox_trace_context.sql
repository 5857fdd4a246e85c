-- The trace context of the request that wrote an outbox row (W3C traceparent and
-- tracestate, as JSON), so the workflow's start joins that request's trace however much
-- later it happens (issue 16). NULL while tracing is off.
ALTER TABLE workflow_outbox ADD COLUMN trace_context jsonb;
