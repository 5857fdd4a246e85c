-- Rehearsal rounds (issue 21 item 1): a round made with an exact clock instead of the
-- programme's calendar, so the office can play a whole round in minutes outside
-- production. It is marked as a rehearsal wherever it shows, its placements included, and
-- only a rehearsal can be moved on a step at a time.
--
-- Rounds made before this migration were rehearsals when they were given their window in
-- seconds, or a clock the programme's calendar cannot give: advertised other than at
-- midnight, deadlines other than at midday, outcomes other than at 9am, London time.

ALTER TABLE rounds ADD COLUMN rehearsal boolean NOT NULL DEFAULT false;

UPDATE rounds SET rehearsal = true
WHERE acceptance_window_seconds IS NOT NULL
   OR (advertise_at AT TIME ZONE 'Europe/London')::time <> '00:00'
   OR (deadline_at AT TIME ZONE 'Europe/London')::time <> '12:00'
   OR (outcomes_at AT TIME ZONE 'Europe/London')::time <> '09:00'
   OR (second_round_opens_at AT TIME ZONE 'Europe/London')::time <> '00:00'
   OR (second_round_deadline_at AT TIME ZONE 'Europe/London')::time <> '12:00';
