-- PRAGMA foreign_keys makes Flyway run this migration outside a transaction (it is a no-op inside
-- one), so a violation found after it can't roll it back.
PRAGMA foreign_keys = OFF;
DELETE FROM customer WHERE id = 1;
