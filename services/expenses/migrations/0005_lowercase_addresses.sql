-- Addresses are compared case-insensitively (issue 11 item 5): a person's token subject is
-- read lower-cased (mip.core.auth) and claims are written with the intern's and the host
-- contact's addresses lower-cased from now on. This lower-cases the addresses written
-- before. The file runs in one transaction with its schema_migrations row
-- (mip.core.migrations): whole or not at all.
--
-- Neither column is a key or unique, so nothing can collide and nothing refers to them:
-- both are lower-cased outright. claim_events.actor is the record of who did what, and
-- stays as written. lower() follows the database's collation beyond ASCII; for ASCII it
-- is str.lower().

UPDATE claims
SET intern_email = lower(intern_email),
    host_contact_email = lower(host_contact_email)
WHERE intern_email <> lower(intern_email)
   OR host_contact_email <> lower(host_contact_email);
