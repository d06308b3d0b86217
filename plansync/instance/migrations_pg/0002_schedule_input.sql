-- As SQLite's 0002: what the stored schedule was computed from.
ALTER TABLE programs ADD COLUMN schedule_input TEXT;
