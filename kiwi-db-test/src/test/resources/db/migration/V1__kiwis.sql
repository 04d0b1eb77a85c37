CREATE TABLE kiwi (
    id   INTEGER PRIMARY KEY,
    name TEXT    NOT NULL
);
