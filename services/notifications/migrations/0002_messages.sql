-- Every message the programme sends, each delivery attempt, and the alerts list (R15, R30, P4).
CREATE TABLE messages (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    idempotency_key text NOT NULL UNIQUE,
    kind            text NOT NULL,
    recipients      text[] NOT NULL,
    subject         text NOT NULL,
    text_body       text NOT NULL,
    html_body       text NOT NULL,
    data            jsonb NOT NULL,
    request         jsonb NOT NULL,
    header_message_id text NOT NULL,
    round_id        text,
    subject_ref     text,
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
    attempts        integer NOT NULL DEFAULT 0,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);
CREATE INDEX messages_kind_created ON messages (kind, created_at);
CREATE INDEX messages_round ON messages (round_id) WHERE round_id IS NOT NULL;
CREATE INDEX messages_subject_ref ON messages (subject_ref) WHERE subject_ref IS NOT NULL;
CREATE INDEX messages_status ON messages (status) WHERE status <> 'sent';
CREATE INDEX messages_recipients ON messages USING gin (recipients);

CREATE TABLE deliveries (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id   uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    attempted_at timestamptz NOT NULL DEFAULT now(),
    outcome      text NOT NULL CHECK (outcome IN ('sent', 'temporary_failure', 'permanent_failure')),
    smtp_code    integer,
    detail       text NOT NULL
);
CREATE INDEX deliveries_message ON deliveries (message_id, attempted_at);

CREATE TABLE alert_subscribers (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email           text NOT NULL,
    token           text NOT NULL UNIQUE,
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'confirmed', 'unsubscribed')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    confirmed_at    timestamptz,
    unsubscribed_at timestamptz
);
CREATE UNIQUE INDEX alert_subscribers_email ON alert_subscribers (lower(email));
