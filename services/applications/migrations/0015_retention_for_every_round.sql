-- Every round has a retention schedule (docs/privacy.md). A round's RetentionWorkflow is
-- enqueued with it; `retention_enqueued_at` records that, so rounds made before the
-- schedule existed (none recorded) are given theirs when the service starts, once.
ALTER TABLE rounds ADD COLUMN retention_enqueued_at timestamptz;
UPDATE rounds r SET retention_enqueued_at = o.created_at
    FROM workflow_outbox o WHERE o.workflow_id = 'retention-' || r.id::text;
