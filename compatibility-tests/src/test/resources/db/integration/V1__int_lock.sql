-- Spring Integration's lock table (DefaultLockRepository) for SQLite: Spring Integration ships
-- this table for other databases only. LOCK_KEY and CLIENT_ID hold UUIDs as text. The repository
-- binds its times as LocalDateTime, which sqlite-jdbc stores as ISO-8601 text; that text sorts in
-- time order, as the repository's EXPIRED_AFTER comparisons need.
CREATE TABLE INT_LOCK (
  LOCK_KEY      TEXT NOT NULL,
  REGION        TEXT NOT NULL,
  CLIENT_ID     TEXT,
  CREATED_DATE  TEXT NOT NULL,
  EXPIRED_AFTER TEXT NOT NULL,
  CONSTRAINT INT_LOCK_PK PRIMARY KEY (LOCK_KEY, REGION)
);

-- What the tests' application writes while it holds a lock, or holds the writer.
CREATE TABLE work (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL
);
