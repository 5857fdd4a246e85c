-- Hosts, rounds and placements: what the office sets up and applicants browse (R1-R5).
CREATE TABLE hosts (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name          text NOT NULL UNIQUE,
    sector        text NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('for_profit', 'non_profit', 'college_or_department')),
    location      text NOT NULL CHECK (location IN ('oxford', 'oxfordshire', 'london', 'elsewhere')),
    contact_name  text NOT NULL,
    contact_email text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX hosts_contact_email ON hosts (lower(contact_email));

CREATE TABLE rounds (
    id                                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name                                    text NOT NULL UNIQUE,
    advertise_at                            timestamptz NOT NULL,
    deadline_at                             timestamptz NOT NULL,
    outcomes_at                             timestamptz NOT NULL,
    second_round_opens_at                   timestamptz,
    second_round_deadline_at                timestamptz,
    acceptance_window_hours                 integer NOT NULL,
    applications_per_applicant              integer NOT NULL,
    second_round_applications_per_applicant integer NOT NULL,
    statement_word_limit                    integer NOT NULL,
    cv_page_limit                           integer NOT NULL,
    created_at                              timestamptz NOT NULL DEFAULT now(),
    CHECK (advertise_at < deadline_at AND deadline_at < outcomes_at)
);

CREATE TABLE round_weeks (
    round_id  uuid NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    starts_on date NOT NULL,
    ends_on   date NOT NULL,
    PRIMARY KEY (round_id, starts_on)
);

CREATE TABLE placements (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    round_id       uuid NOT NULL,
    host_id        uuid NOT NULL REFERENCES hosts (id),
    title          text NOT NULL,
    description    text NOT NULL,
    week_starts_on date NOT NULL,
    days           date[] NOT NULL CHECK (cardinality(days) BETWEEN 2 AND 5),
    places         integer NOT NULL CHECK (places > 0),
    mode           text NOT NULL CHECK (mode IN ('in_person', 'remote')),
    preparation    text NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (round_id, week_starts_on) REFERENCES round_weeks (round_id, starts_on)
);
CREATE INDEX placements_round ON placements (round_id, week_starts_on);
CREATE INDEX placements_host ON placements (host_id);
