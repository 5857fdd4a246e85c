-- One row per offer that holds one of a placement's places, whichever round made it (R4, P2).
-- The first round's cascade and the second round's ranking both take a place here first,
-- so a placement is never offered to more candidates than it has places.
CREATE TABLE place_holds (
    application_id uuid PRIMARY KEY,
    placement_id   uuid NOT NULL,
    held_at        timestamptz NOT NULL DEFAULT now(),
    released_at    timestamptz
);
CREATE INDEX place_holds_active ON place_holds (placement_id) WHERE released_at IS NULL;
