-- SQLite's procedure for a change ALTER TABLE can't make (a NOT NULL column, here), steps 4 to 8:
-- https://sqlite.org/lang_altertable.html#otheralter. Steps 1, 2 and 10 to 12 (foreign keys off
-- outside the transaction, the transaction, the check, foreign keys back on) are kiwi-db's and
-- Flyway's. With foreign keys on, DROP TABLE customer would fail: orders still references it.
CREATE TABLE migration_saw AS SELECT foreign_keys FROM pragma_foreign_keys;
CREATE TABLE new_customer (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL DEFAULT '');
INSERT INTO new_customer (id, name) SELECT id, name FROM customer;
DROP TABLE customer;
ALTER TABLE new_customer RENAME TO customer;
CREATE INDEX customer_name ON customer (name);
