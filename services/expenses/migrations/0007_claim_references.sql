-- A claim's reference (issue 20 item 5): its application's reference and the claim's
-- number among that application's claims, "MIP-27A-0042-E1", shown in e-mails, pages and
-- receipt file names instead of the claim's id. Claims made before this migration have
-- no application reference here; they get one from their own id's first characters.

ALTER TABLE claims ADD COLUMN reference text;
UPDATE claims SET reference = 'EXP-' || upper(substr(replace(id::text, '-', ''), 1, 8));
ALTER TABLE claims ALTER COLUMN reference SET NOT NULL;
CREATE UNIQUE INDEX claims_reference ON claims (reference);
