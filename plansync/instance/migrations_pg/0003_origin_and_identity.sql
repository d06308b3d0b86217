-- As SQLite's 0003: a project export's origin, and the instance's own identity.
ALTER TABLE programs ADD COLUMN origin TEXT;

CREATE TABLE instance_meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
INSERT INTO instance_meta (key, value)
    VALUES ('instance_id', replace(gen_random_uuid()::text, '-', ''));
