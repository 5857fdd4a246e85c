-- The core's outbox (mip/core/outbox.py): workflows to start, written in the same
-- transaction as what they are about (P1). Applied in the schema of every service whose
-- spec says `uses_outbox`.
--
-- IF NOT EXISTS throughout: schemas made before the core owned this table already have
-- it, from the copy each service kept (applications 0004, expenses 0003).
CREATE TABLE IF NOT EXISTS workflow_outbox (
    workflow_id   text PRIMARY KEY,
    workflow_type text NOT NULL,
    task_queue    text NOT NULL,
    input         jsonb NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    started_at    timestamptz,
    attempts      integer NOT NULL DEFAULT 0,
    last_error    text
);
CREATE INDEX IF NOT EXISTS workflow_outbox_pending
    ON workflow_outbox (created_at) WHERE started_at IS NULL;
