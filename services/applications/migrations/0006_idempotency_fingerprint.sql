-- What an Idempotency-Key was first used for: the sha256 of the request's placement,
-- statement and CV, so that the key sent again with a different request is refused
-- rather than answered with the first application. Rows from before it have none.
ALTER TABLE applications ADD COLUMN request_fingerprint text;
