-- Applicants, their applications with CVs and history, and the workflow outbox (R6-R15, P1, P6).
CREATE TABLE applicants (
    email              text PRIMARY KEY,
    name               text NOT NULL,
    department         text NOT NULL,
    division           text NOT NULL,
    role               text NOT NULL,
    university_employed boolean NOT NULL,
    contract_type      text NOT NULL CHECK (contract_type IN ('fixed_term', 'open_ended')),
    contract_end_date  date,
    updated_at         timestamptz NOT NULL DEFAULT now()
);

-- Kept apart from the profile: hosts never see these, the office only as totals (R9).
CREATE TABLE equal_opportunities (
    applicant_email   text PRIMARY KEY REFERENCES applicants (email),
    disability        text NOT NULL CHECK (disability IN ('yes', 'no', 'prefer_not_to_say')),
    under_represented text NOT NULL CHECK (under_represented IN ('yes', 'no', 'prefer_not_to_say')),
    updated_at        timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE placements ADD COLUMN readvertised boolean NOT NULL DEFAULT false;

CREATE TABLE applications (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    applicant_email    text NOT NULL REFERENCES applicants (email),
    round_id           uuid NOT NULL REFERENCES rounds (id),
    placement_id       uuid NOT NULL REFERENCES placements (id),
    phase              text NOT NULL CHECK (phase IN ('first', 'second')),
    status             text NOT NULL,
    statement          text NOT NULL,
    statement_words    integer NOT NULL,
    statement_for_hosts text NOT NULL,
    allowance_warning  text,
    idempotency_key    text,
    submitted_at       timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX applications_one_per_placement
    ON applications (applicant_email, placement_id) WHERE status <> 'withdrawn';
CREATE UNIQUE INDEX applications_idempotency
    ON applications (applicant_email, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX applications_round ON applications (round_id, placement_id);

CREATE TABLE cvs (
    application_id uuid PRIMARY KEY REFERENCES applications (id) ON DELETE CASCADE,
    filename       text NOT NULL,
    format         text NOT NULL CHECK (format IN ('pdf', 'docx', 'doc')),
    size_bytes     integer NOT NULL,
    pages          integer,
    content        bytea NOT NULL,
    host_copy      bytea NOT NULL
);

CREATE TABLE application_events (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    at             timestamptz NOT NULL DEFAULT now(),
    actor          text NOT NULL,
    from_status    text,
    to_status      text NOT NULL,
    reason         text NOT NULL DEFAULT ''
);
CREATE INDEX application_events_by_application ON application_events (application_id, at);

CREATE TABLE support_slots (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    starts_at    timestamptz NOT NULL UNIQUE,
    adviser_name text NOT NULL,
    location     text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE support_bookings (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slot_id         uuid NOT NULL REFERENCES support_slots (id),
    applicant_email text NOT NULL,
    booked_at       timestamptz NOT NULL DEFAULT now(),
    cancelled_at    timestamptz
);
-- One person a slot (R29), enforced by the database so two clicks cannot both win.
CREATE UNIQUE INDEX support_bookings_one_per_slot ON support_bookings (slot_id) WHERE cancelled_at IS NULL;
