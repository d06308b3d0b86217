-- The record of each program's syncs, kept by the instance itself so that every clone, CI and
-- the server agree on it. One row per sync (newest: highest id): the program's server_version
-- right after it, the hash of the canonical document synced, the Git commit whose file holds
-- exactly that document (NULL when none does: uncommitted files, a merge written back), the
-- repository (its first commit: the same in every clone) and the seed file's path in it, the
-- time and the account. The document itself (zlib-compressed canonical bytes) is kept for the
-- newest syncs of each program; older ones are found through their commit in Git.
CREATE TABLE sync_records (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    program_id      TEXT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    server_version  INTEGER NOT NULL,
    digest          TEXT NOT NULL,
    document        BLOB,
    commit_id       TEXT,
    repository      TEXT,
    path            TEXT,
    at              TEXT NOT NULL,
    account         TEXT NOT NULL
);
CREATE INDEX sync_records_program ON sync_records (program_id, id);
