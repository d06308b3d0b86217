-- As SQLite's 0007: manually scheduled tasks (with their fixed start), task calendars,
-- elapsed durations, and the program's scheduling settings (JSON).
ALTER TABLE tasks ADD COLUMN manual INTEGER;
ALTER TABLE tasks ADD COLUMN start TEXT;
ALTER TABLE tasks ADD COLUMN calendar TEXT;
ALTER TABLE tasks ADD COLUMN elapsed INTEGER;
ALTER TABLE programs ADD COLUMN scheduling TEXT;
