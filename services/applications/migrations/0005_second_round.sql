-- How many places a placement re-advertises in the second round (R4).
ALTER TABLE placements ADD COLUMN second_round_places integer CHECK (second_round_places > 0);
CREATE INDEX applications_applicant_round ON applications (applicant_email, round_id);
-- Rehearsal rounds (refused in production) may give the acceptance window in seconds.
ALTER TABLE rounds ADD COLUMN acceptance_window_seconds integer CHECK (acceptance_window_seconds > 0);
