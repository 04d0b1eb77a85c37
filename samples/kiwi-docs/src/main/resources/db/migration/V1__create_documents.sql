CREATE TABLE documents (
    id         INTEGER PRIMARY KEY,
    title      TEXT    NOT NULL,
    body       TEXT    NOT NULL DEFAULT '',
    tags       TEXT    NOT NULL DEFAULT '',
    updated_at TEXT    NOT NULL,
    version    INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX documents_recent ON documents (updated_at DESC, id DESC);

CREATE VIRTUAL TABLE documents_fts USING fts5(
    title, body, tags,
    content = 'documents',
    content_rowid = 'id',
    tokenize = 'porter unicode61'
);

CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
    INSERT INTO documents_fts (rowid, title, body, tags) VALUES (new.id, new.title, new.body, new.tags);
END;

CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, title, body, tags)
    VALUES ('delete', old.id, old.title, old.body, old.tags);
END;

CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, body, tags ON documents BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, title, body, tags)
    VALUES ('delete', old.id, old.title, old.body, old.tags);
    INSERT INTO documents_fts (rowid, title, body, tags) VALUES (new.id, new.title, new.body, new.tags);
END;
