-- Accounts for a team instance (plansync serve): staff accounts run the instance, tokens let
-- accounts in. Only a hash of each token is stored; its id is what people list and revoke.
ALTER TABLE users ADD COLUMN staff INTEGER NOT NULL DEFAULT 0;

CREATE TABLE tokens (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    hash        TEXT NOT NULL UNIQUE,   -- sha256 of the secret, hex
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE INDEX tokens_user ON tokens (user_id);
CREATE INDEX users_email_lower ON users (lower(email));
CREATE INDEX memberships_email_lower ON memberships (lower(email));
