-- A CV within the pages hosts receive was stored twice, as sent and as the host's copy:
-- 100 KB more to write, compress and log for nearly every submission of a deadline rush
-- (issue 24). The host's copy is now kept only when it is cut short; NULL means the CV as
-- sent. Rows stored before keep both copies.
ALTER TABLE cvs ALTER COLUMN host_copy DROP NOT NULL;
