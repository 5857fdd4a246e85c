-- References people read instead of ids (issue 20 item 5): "MIP-27A-0042" is application
-- 42 of round 27A, the first round whose applications close in 2027. E-mails, subjects,
-- pages and the office's search show the reference; no UUID reaches a person.
--
-- A round's code is its deadline's year and a letter in the order rounds of that year were
-- made; an application's number counts up within its round. Both are given by triggers, so
-- every way a row is written gets one, and under a lock, so two at once never share one.
-- Rows written before this migration are numbered here in the order they were made.

ALTER TABLE rounds ADD COLUMN code text;
ALTER TABLE rounds ADD COLUMN last_reference integer NOT NULL DEFAULT 0;
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
UPDATE rounds r SET last_reference = coalesce(
    (SELECT max(reference_number) FROM applications a WHERE a.round_id = r.id), 0
);

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
    RETURN NEW;
END $$;
CREATE TRIGGER rounds_code BEFORE INSERT ON rounds
    FOR EACH ROW EXECUTE FUNCTION rounds_give_code();

CREATE FUNCTION applications_give_reference() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The round's row lock orders its applications; it is held only to the commit of a
    -- submission's short transaction.
    UPDATE rounds SET last_reference = last_reference + 1 WHERE id = NEW.round_id
        RETURNING last_reference INTO NEW.reference_number;
    RETURN NEW;
END $$;
CREATE TRIGGER applications_reference BEFORE INSERT ON applications
    FOR EACH ROW EXECUTE FUNCTION applications_give_reference();

ALTER TABLE rounds ALTER COLUMN code SET NOT NULL;
ALTER TABLE rounds ADD CONSTRAINT rounds_code_unique UNIQUE (code);
ALTER TABLE applications ALTER COLUMN reference_number SET NOT NULL;
CREATE UNIQUE INDEX applications_reference ON applications (round_id, reference_number);
