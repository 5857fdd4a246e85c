-- The retention schedule's last step for a round's applications (docs/privacy.md): they are
-- kept for the round's counts but no longer name anyone. `anonymised_at` marks the ones
-- done, so the step runs again without finding them.
ALTER TABLE applications ADD COLUMN anonymised_at timestamptz;
