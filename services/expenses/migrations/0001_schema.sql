COMMENT ON SCHEMA expenses IS 'MIP expenses service: Expense claims, claim lines and receipts. No other service reads these tables.';
