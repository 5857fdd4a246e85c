-- Expense claims, their lines with the policy's verdicts, receipts and history (R24-R28, P5).
CREATE TABLE claims (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    application_id     uuid NOT NULL,
    placement_id       uuid NOT NULL,
    placement_title    text NOT NULL,
    days               date[] NOT NULL,
    intern_email       text NOT NULL,
    intern_name        text NOT NULL,
    host_name          text NOT NULL,
    host_kind          text NOT NULL,
    host_location      text NOT NULL,
    host_contact_name  text NOT NULL,
    host_contact_email text NOT NULL,
    status             text NOT NULL DEFAULT 'draft',
    approved_pence     integer NOT NULL DEFAULT 0,
    created_at         timestamptz NOT NULL DEFAULT now(),
    submitted_at       timestamptz,
    paid_at            timestamptz
);
CREATE INDEX claims_intern ON claims (lower(intern_email));
CREATE INDEX claims_host ON claims (lower(host_contact_email));

CREATE TABLE claim_lines (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    claim_id      uuid NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    category      text NOT NULL,
    spent_on      date NOT NULL,
    amount_pence  integer NOT NULL CHECK (amount_pence > 0),
    description   text NOT NULL,
    allowed       boolean NOT NULL,
    rule          text NOT NULL,
    owed_pence    integer NOT NULL CHECK (owed_pence >= 0),
    reason        text NOT NULL,
    outside_days  boolean NOT NULL,
    host_approved boolean,
    host_reason   text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX claim_lines_claim ON claim_lines (claim_id, created_at);

-- R28: a line exists only with its receipt.
CREATE TABLE receipts (
    line_id    uuid PRIMARY KEY REFERENCES claim_lines (id) ON DELETE CASCADE,
    filename   text NOT NULL,
    media_type text NOT NULL,
    content    bytea NOT NULL
);

CREATE TABLE claim_events (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    claim_id uuid NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    at       timestamptz NOT NULL DEFAULT now(),
    actor    text NOT NULL,
    status   text NOT NULL,
    note     text NOT NULL DEFAULT ''
);
