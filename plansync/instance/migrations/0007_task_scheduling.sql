-- Issue 16: what real Microsoft Project plans need. Per task: manually scheduled (with its
-- fixed start), its own calendar (a calendar code of the program), elapsed durations
-- (calendar days); per program: its `scheduling` settings as written (JSON, e.g.
-- {"conventions": "msproject"}; NULL when the document has none).
ALTER TABLE tasks ADD COLUMN manual INTEGER;
ALTER TABLE tasks ADD COLUMN start TEXT;
ALTER TABLE tasks ADD COLUMN calendar TEXT;
ALTER TABLE tasks ADD COLUMN elapsed INTEGER;
ALTER TABLE programs ADD COLUMN scheduling TEXT;
