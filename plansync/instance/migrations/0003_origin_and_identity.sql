-- A project export is a copy of one project wrapped in a program of its own; `origin` keeps
-- "program/project" of where it came from (NULL for a program of its own), so importing it
-- never replaces an unrelated program that happens to share its code.
ALTER TABLE programs ADD COLUMN origin TEXT;

-- The instance's own identity: what a sync record names instead of a local path.
CREATE TABLE instance_meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
INSERT INTO instance_meta (key, value) VALUES ('instance_id', lower(hex(randomblob(16))));
