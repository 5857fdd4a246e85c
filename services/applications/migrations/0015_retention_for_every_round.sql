-- Every round has a retention schedule (docs/privacy.md). A round's RetentionWorkflow is
-- enqueued with it; `retention_enqueued_at` records that, so rounds made before the
-- schedule existed (none recorded) are given theirs when the service starts, once.
ALTER TABLE rounds ADD COLUMN retention_enqueued_at timestamptz;
-- The outbox is the core's (mip/core/migrations), there whenever the service runs; a
-- schema migrated on its own has no rounds to mark.
DO $$
BEGIN
    IF to_regclass('workflow_outbox') IS NOT NULL THEN
        UPDATE rounds r SET retention_enqueued_at = o.created_at
            FROM workflow_outbox o WHERE o.workflow_id = 'retention-' || r.id::text;
    END IF;
END $$;
