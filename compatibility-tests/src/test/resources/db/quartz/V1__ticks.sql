-- What TickJob writes each time it fires.
CREATE TABLE tick (
  id           INTEGER PRIMARY KEY,
  run          TEXT    NOT NULL,
  trigger_name TEXT    NOT NULL,
  scheduled_at INTEGER NOT NULL
);

-- What the application writes in the transaction that schedules a job.
CREATE TABLE report_request (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL
);
