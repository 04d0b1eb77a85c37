-- Spring Modulith's event publication registry, JPA flavour (spring-modulith-events-jpa), for
-- SQLite. Hibernate's SQLite dialect binds the UUID identifier as its 16 bytes and each Instant as
-- epoch milliseconds, which a TIMESTAMP column keeps as an integer.
CREATE TABLE EVENT_PUBLICATION (
  ID                     BLOB      NOT NULL PRIMARY KEY,
  LISTENER_ID            TEXT      NOT NULL,
  EVENT_TYPE             TEXT      NOT NULL,
  SERIALIZED_EVENT       TEXT      NOT NULL,
  PUBLICATION_DATE       TIMESTAMP NOT NULL,
  COMPLETION_DATE        TIMESTAMP,
  STATUS                 TEXT,
  COMPLETION_ATTEMPTS    INTEGER   NOT NULL,
  LAST_RESUBMISSION_DATE TIMESTAMP
);

-- Incomplete publications are looked up by their missing completion date.
CREATE INDEX EVENT_PUBLICATION_BY_COMPLETION_DATE_IDX ON EVENT_PUBLICATION (COMPLETION_DATE);
