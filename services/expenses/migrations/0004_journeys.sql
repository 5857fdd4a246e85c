-- A travel line says from where, to where and how; the rules judge that journey (R24-R27).
-- Lunch lines, and lines written before journeys were asked for, have none.
ALTER TABLE claim_lines
    ADD COLUMN travel_from text CHECK (length(travel_from) BETWEEN 1 AND 100),
    ADD COLUMN travel_to   text CHECK (length(travel_to) BETWEEN 1 AND 100),
    ADD COLUMN travel_mode text,
    ADD CONSTRAINT claim_lines_whole_journey CHECK (
        (travel_from IS NULL) = (travel_to IS NULL)
        AND (travel_to IS NULL) = (travel_mode IS NULL)
    );
