-- The retention schedule (issue 23 item 2, docs/privacy.md): a round's RetentionWorkflow
-- erases CVs and statements it no longer needs, and keeps each round's equal-opportunities
-- totals before the individual answers are deleted (R9), so the office's totals page
-- reads the same afterwards. `erased_at` marks what was erased: a CV is gone, not broken.

ALTER TABLE cvs ADD COLUMN erased_at timestamptz;
ALTER TABLE applications ADD COLUMN statement_erased_at timestamptz;

CREATE TABLE equal_opportunities_totals (
    round_id          uuid PRIMARY KEY REFERENCES rounds (id),
    answered          integer NOT NULL,
    disability        jsonb NOT NULL,
    under_represented jsonb NOT NULL,
    kept_at           timestamptz NOT NULL DEFAULT now()
);
