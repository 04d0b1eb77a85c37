CREATE TABLE note (
    id         INTEGER   PRIMARY KEY,
    body       TEXT      NOT NULL,
    pinned     INTEGER   NOT NULL,
    created_at TIMESTAMP NOT NULL,
    version    INTEGER   NOT NULL
);
