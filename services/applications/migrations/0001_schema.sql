COMMENT ON SCHEMA applications IS 'MIP applications service: Hosts, rounds, placements, applicants, applications, CVs and support sessions. No other service reads these tables.';
