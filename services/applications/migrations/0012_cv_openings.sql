-- Who opened a person's CV, and when (issue 23 item 3): a host or the office reading it
-- through `GET /v1/applications/{id}/cv`. The applicant reading their own is not
-- recorded, nor is their own archive being made: this is the record of others' access
-- that a subject access request answers with. `opened_by` is the reader's address, kept
-- for the office; the person's archive names a host by its organisation only.

CREATE TABLE cv_openings (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    role           text NOT NULL CHECK (role IN ('host', 'office')),
    opened_by      text NOT NULL,
    opened_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cv_openings_by_application ON cv_openings (application_id, opened_at);
