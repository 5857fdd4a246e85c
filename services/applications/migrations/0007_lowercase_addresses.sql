-- Addresses are compared case-insensitively (issue 11 item 5). A person's token subject is
-- read lower-cased (mip.core.auth), applicants' and hosts' addresses are stored lower-cased
-- from now on, and the code compares a subject with a stored address by plain `=` on the
-- column, which its indexes serve. This lower-cases the addresses written before.
--
-- The file runs in one transaction together with its schema_migrations row
-- (mip.core.migrations._apply_one): it applies whole or not at all. The ALTER TABLEs below
-- lock applicants, applications and equal_opportunities until it commits, so a replica
-- writing at the same moment waits rather than slipping a row past the missing keys.
--
-- Foreign keys: applicants.email is the primary key that equal_opportunities.applicant_email
-- and applications.applicant_email reference (0003). Both keys are dropped, the three tables
-- changed with the same old-to-new mapping, and the keys re-created with their names and
-- definitions of 0003. Re-creating a key checks every row, so a mistake here fails the
-- migration instead of leaving an application without its applicant.
--
-- Collisions: two profiles whose addresses differ only by case ('Ada@example.org' and
-- 'ada@example.org') are not merged. Each has its own answers and applications; merging
-- could break applications_one_per_placement and applications_idempotency, exceed the limit
-- of applications per round (R12) and would have to choose one profile and one set of
-- equal-opportunities answers over the other. Such profiles are left exactly as they are,
-- with their applications and answers, and a NOTICE names them for the office to resolve.
-- (The lower-case one is the one a token now reaches; the other is kept, not lost.)
-- Every address of a profile that has no such twin is lower-cased with everything that
-- refers to it; that cannot collide: all rows of one lower-cased address then come from
-- the one profile, so the unique indexes on (applicant_email, ...) still hold.
--
-- support_bookings.applicant_email has no key and no per-person rule (only one live
-- booking a slot), and hosts.contact_email no uniqueness: both are lower-cased outright.
-- application_events.actor is the record of who did what, and stays as written.
--
-- lower() follows the database's collation for letters beyond ASCII; for ASCII, which is
-- every address the programme has seen, it is the same as Python's str.lower().

CREATE TEMPORARY TABLE applicant_renames ON COMMIT DROP AS
SELECT email AS old_email, lower(email) AS new_email
FROM applicants a
WHERE email <> lower(email)
  AND NOT EXISTS (
      SELECT 1 FROM applicants twin
      WHERE lower(twin.email) = lower(a.email) AND twin.email <> a.email
  );

DO $$
DECLARE
    clash record;
BEGIN
    FOR clash IN
        SELECT string_agg(email, ', ' ORDER BY email) AS spellings
        FROM applicants
        GROUP BY lower(email)
        HAVING count(*) > 1
    LOOP
        RAISE NOTICE 'applications.applicants: % differ only by case; left as they are, '
            'with their applications and equal-opportunities answers, for the office to merge',
            clash.spellings;
    END LOOP;
END
$$;

ALTER TABLE equal_opportunities DROP CONSTRAINT equal_opportunities_applicant_email_fkey;
ALTER TABLE applications DROP CONSTRAINT applications_applicant_email_fkey;

UPDATE applicants a SET email = r.new_email
FROM applicant_renames r WHERE a.email = r.old_email;

UPDATE equal_opportunities e SET applicant_email = r.new_email
FROM applicant_renames r WHERE e.applicant_email = r.old_email;

UPDATE applications a SET applicant_email = r.new_email
FROM applicant_renames r WHERE a.applicant_email = r.old_email;

ALTER TABLE equal_opportunities ADD CONSTRAINT equal_opportunities_applicant_email_fkey
    FOREIGN KEY (applicant_email) REFERENCES applicants (email);
ALTER TABLE applications ADD CONSTRAINT applications_applicant_email_fkey
    FOREIGN KEY (applicant_email) REFERENCES applicants (email);

UPDATE support_bookings SET applicant_email = lower(applicant_email)
WHERE applicant_email <> lower(applicant_email);

UPDATE hosts SET contact_email = lower(contact_email)
WHERE contact_email <> lower(contact_email);
