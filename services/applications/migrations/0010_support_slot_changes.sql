-- The office changes and cancels support sessions (R29, issue 21 item 2).
--
-- A cancelled slot is kept, marked `cancelled_at`, with its bookings (each cancelled with
-- it), so what the applicant was told stays on record. Only slots still running hold
-- their time: one a time, as before, so a cancelled 10:15 may be published again.
--
-- `revision` counts the changes the office made to a slot's time, adviser or place: the
-- e-mail telling its booked applicant of change n is keyed by it (sent once, however
-- often the request is retried), and the calendar file carries it as SEQUENCE, so the
-- applicant's calendar moves the session instead of adding a second one.

ALTER TABLE support_slots
    ADD COLUMN cancelled_at timestamptz,
    ADD COLUMN revision integer NOT NULL DEFAULT 0;

ALTER TABLE support_slots DROP CONSTRAINT support_slots_starts_at_key;
CREATE UNIQUE INDEX support_slots_one_a_time ON support_slots (starts_at)
    WHERE cancelled_at IS NULL;
