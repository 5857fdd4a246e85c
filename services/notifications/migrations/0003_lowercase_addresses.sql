-- Addresses are kept lower-cased (issue 11 item 5). This lower-cases the alerts list's
-- addresses written before. The file runs in one transaction with its schema_migrations row
-- (mip.core.migrations): whole or not at all.
--
-- alert_subscribers_email is a unique index on lower(email) (0002), so no two subscribers
-- can differ only by case and nothing can collide; no table refers to the address.
-- messages.recipients is the record of where each message was sent, and stays as written
-- (the office's search of it is case-insensitive already). lower() follows the database's
-- collation beyond ASCII; for ASCII it is str.lower().

UPDATE alert_subscribers SET email = lower(email) WHERE email <> lower(email);
