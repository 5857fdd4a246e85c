-- The retention schedule (issue 23 item 2, docs/privacy.md): a sent e-mail's subject,
-- bodies and data are erased after MIP_RETAIN_MESSAGE_BODY_DAYS; its kind, status,
-- recipients and times stay, for the office's pages and the counts.
ALTER TABLE messages ADD COLUMN body_erased_at timestamptz;
