-- References people read instead of ids (issue 20 item 5): "MIP-27A-0042" is application
-- 42 of round 27A, the first round whose applications close in 2027. E-mails, subjects,
-- pages and the office's search show the reference; no UUID reaches a person.
--
-- A round's code is its deadline's year and a letter in the order rounds of that year were
-- made; an application's number counts up within its round, from a sequence of the round's
-- own. Both are given by triggers, so every way a row is written gets one. A sequence takes
-- no row lock, so the deadline rush's submissions to one round never queue for a number
-- (a counter in the round's row did: 200 at once waited out their statement time-out); a
-- submission that rolls back leaves a gap, as a cancelled ticket would. Rows written before
-- this migration are numbered here in the order they were made.

ALTER TABLE rounds ADD COLUMN code text;
ALTER TABLE applications ADD COLUMN reference_number integer;

WITH ordered AS (
    SELECT id, to_char(deadline_at AT TIME ZONE 'Europe/London', 'YY') AS yy,
           row_number() OVER (
               PARTITION BY to_char(deadline_at AT TIME ZONE 'Europe/London', 'YY')
               ORDER BY created_at, id
           ) AS n
    FROM rounds
)
UPDATE rounds r
SET code = o.yy || CASE WHEN o.n <= 26 THEN chr(64 + o.n::integer) ELSE o.n::text END
FROM ordered o WHERE o.id = r.id;

WITH ordered AS (
    SELECT id, row_number() OVER (PARTITION BY round_id ORDER BY submitted_at, id) AS n
    FROM applications
)
UPDATE applications a SET reference_number = o.n FROM ordered o WHERE o.id = a.id;

CREATE FUNCTION application_numbers(round_id uuid) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT 'application_numbers_' || replace(round_id::text, '-', '_')
$$;
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT id FROM rounds LOOP
        EXECUTE format('CREATE SEQUENCE %I', application_numbers(r.id));
        PERFORM setval(
            application_numbers(r.id),
            coalesce((SELECT max(reference_number) FROM applications WHERE round_id = r.id), 0)
                + 1,
            false
        );
    END LOOP;
END $$;

CREATE FUNCTION rounds_give_code() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    yy text := to_char(NEW.deadline_at AT TIME ZONE 'Europe/London', 'YY');
    n integer;
BEGIN
    IF NEW.code IS NULL THEN
        -- One round at a time takes the next letter of its year.
        PERFORM pg_advisory_xact_lock(hashtextextended('rounds.code', 9));
        SELECT count(*) + 1 INTO n FROM rounds WHERE code ~ ('^' || yy || '[A-Z0-9]');
        NEW.code := yy || CASE WHEN n <= 26 THEN chr(64 + n) ELSE n::text END;
    END IF;
    EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I', application_numbers(NEW.id));
    RETURN NEW;
END $$;
CREATE TRIGGER rounds_code BEFORE INSERT ON rounds
    FOR EACH ROW EXECUTE FUNCTION rounds_give_code();

CREATE FUNCTION applications_give_reference() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.reference_number := nextval(application_numbers(NEW.round_id));
    RETURN NEW;
END $$;
CREATE TRIGGER applications_reference BEFORE INSERT ON applications
    FOR EACH ROW EXECUTE FUNCTION applications_give_reference();

ALTER TABLE rounds ALTER COLUMN code SET NOT NULL;
ALTER TABLE rounds ADD CONSTRAINT rounds_code_unique UNIQUE (code);
ALTER TABLE applications ALTER COLUMN reference_number SET NOT NULL;
CREATE UNIQUE INDEX applications_reference ON applications (round_id, reference_number);
