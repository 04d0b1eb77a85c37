CREATE TABLE vine (
    id     INTEGER PRIMARY KEY,
    name   TEXT    NOT NULL,
    pruned INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE harvest (
    id        INTEGER PRIMARY KEY,
    vine_id   INTEGER NOT NULL REFERENCES vine (id),
    kilograms INTEGER NOT NULL
);
