COMMENT ON SCHEMA notifications IS 'MIP notifications service: Messages, templates, deliveries and the alerts list. No other service reads these tables.';
