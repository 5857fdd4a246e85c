-- The trace context of the request that wrote an outbox row (W3C traceparent and
-- tracestate, as JSON), so the workflow's start joins that request's trace however much
-- later it happens (issue 16). NULL while tracing is off.
--
-- IF NOT EXISTS: a schema made before the core owned the outbox has the column already,
-- from its service's copy (applications 0008, expenses 0006).
ALTER TABLE workflow_outbox ADD COLUMN IF NOT EXISTS trace_context jsonb;
