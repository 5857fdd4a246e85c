COMMENT ON SCHEMA offers IS 'MIP offers service: Selections, host rankings and offers. No other service reads these tables.';
