-- Addresses are compared case-insensitively (issue 11 item 5): a person's token subject is
-- read lower-cased (mip.core.auth) and offers are recorded with the address lower-cased
-- from now on. This lower-cases the addresses written before. The file runs in one
-- transaction with its schema_migrations row (mip.core.migrations): whole or not at all.
--
-- offers.applicant_email has no key and no uniqueness: lower-cased outright.
--
-- acceptances has the primary key (round_id, applicant_email), the rule of one acceptance
-- a round (R20). Two rows of one round whose addresses differ only by case would be two
-- acceptances by one person: merging them would silently drop one accepted place, so they
-- are left as they are and a NOTICE names them for the office. Every other row is
-- lower-cased; that cannot collide, as it is then the only row of its round and address.
--
-- marks.marked_by is the record of which host marked, and stays as written.
-- lower() follows the database's collation beyond ASCII; for ASCII it is str.lower().

DO $$
DECLARE
    clash record;
BEGIN
    FOR clash IN
        SELECT round_id, string_agg(applicant_email, ', ' ORDER BY applicant_email) AS spellings
        FROM acceptances
        GROUP BY round_id, lower(applicant_email)
        HAVING count(*) > 1
    LOOP
        RAISE NOTICE 'offers.acceptances: round % has acceptances by % that differ only by case; '
            'left as they are for the office', clash.round_id, clash.spellings;
    END LOOP;
END
$$;

UPDATE acceptances a SET applicant_email = lower(a.applicant_email)
WHERE a.applicant_email <> lower(a.applicant_email)
  AND NOT EXISTS (
      SELECT 1 FROM acceptances twin
      WHERE twin.round_id = a.round_id
        AND lower(twin.applicant_email) = lower(a.applicant_email)
        AND twin.applicant_email <> a.applicant_email
  );

UPDATE offers SET applicant_email = lower(applicant_email)
WHERE applicant_email <> lower(applicant_email);
