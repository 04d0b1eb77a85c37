-- The table the database-size runs fill; applied once, so later starts find nothing to do.
CREATE TABLE payload (id INTEGER PRIMARY KEY, body BLOB NOT NULL);
