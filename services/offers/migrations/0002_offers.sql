-- Hosts' marks, offers and the one acceptance each applicant may make in a round (R17-R20).
CREATE TABLE marks (
    application_id uuid PRIMARY KEY,
    placement_id   uuid NOT NULL,
    mark           text NOT NULL CHECK (mark IN ('shortlisted', 'interviewed', 'unsuccessful')),
    marked_by      text NOT NULL,
    marked_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE offers (
    application_id  uuid PRIMARY KEY,
    round_id        uuid NOT NULL,
    placement_id    uuid NOT NULL,
    applicant_email text NOT NULL,
    status          text NOT NULL
                    CHECK (status IN ('offered', 'accepted', 'declined', 'lapsed', 'withdrawn')),
    offered_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz,
    decided_at      timestamptz,
    reason          text NOT NULL DEFAULT ''
);
CREATE INDEX offers_round ON offers (round_id, placement_id);
CREATE INDEX offers_applicant ON offers (lower(applicant_email));

-- R20: the primary key is the rule; two accepts at the same moment cannot both insert.
CREATE TABLE acceptances (
    round_id        uuid NOT NULL,
    applicant_email text NOT NULL,
    application_id  uuid NOT NULL,
    accepted_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (round_id, applicant_email)
);
