-- As SQLite's 0005: the record of each program's syncs.
CREATE TABLE sync_records (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    program_id      TEXT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    server_version  INTEGER NOT NULL,
    digest          TEXT NOT NULL,
    document        BYTEA,
    commit_id       TEXT,
    repository      TEXT,
    path            TEXT,
    at              TEXT NOT NULL,
    account         TEXT NOT NULL
);
CREATE INDEX sync_records_program ON sync_records (program_id, id);
