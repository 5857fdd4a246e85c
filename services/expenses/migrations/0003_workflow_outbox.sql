-- Workflows to start, written in the same transaction as what they are about (P1).
CREATE TABLE workflow_outbox (
    workflow_id   text PRIMARY KEY,
    workflow_type text NOT NULL,
    task_queue    text NOT NULL,
    input         jsonb NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    started_at    timestamptz,
    attempts      integer NOT NULL DEFAULT 0,
    last_error    text
);
CREATE INDEX workflow_outbox_pending ON workflow_outbox (created_at) WHERE started_at IS NULL;
