-- A line's reason is read by the intern and the host; which rule decided it is the `rule`
-- column's to say (issue 20 item 6). Reasons written before this ended in "(R24)" and the
-- like; this takes those ids out, leaving the words.
UPDATE claim_lines
SET reason = regexp_replace(reason, '\s*\((?:R|P)\d{1,2}(?:[-, ]+(?:R|P)?\d{1,2})*\)', '', 'g')
WHERE reason ~ '\((?:R|P)\d{1,2}';
