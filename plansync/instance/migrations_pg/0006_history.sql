-- As SQLite's 0006: a program's current state and its history's base.
ALTER TABLE programs ADD COLUMN state_digest TEXT;
ALTER TABLE programs ADD COLUMN state BYTEA;

CREATE TABLE history_base (
    program_id  TEXT PRIMARY KEY REFERENCES programs(id) ON DELETE CASCADE,
    document    BYTEA NOT NULL
);
