-- As SQLite's 0004: staff accounts and API tokens (only hashes are stored).
ALTER TABLE users ADD COLUMN staff INTEGER NOT NULL DEFAULT 0;

CREATE TABLE tokens (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    hash        TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE INDEX tokens_user ON tokens (user_id);
CREATE INDEX users_email_lower ON users (lower(email));
CREATE INDEX memberships_email_lower ON memberships (lower(email));
