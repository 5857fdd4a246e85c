-- The search attributes a workflow starts with (keyword name -> value, as JSON), so that
-- its first task need not set them: one history event and one visibility write fewer for
-- each of a round's thousands of applications (issue 24). NULL: none at the start.
ALTER TABLE workflow_outbox ADD COLUMN IF NOT EXISTS search_attributes jsonb;
