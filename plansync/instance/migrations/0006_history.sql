-- A program's history. Each program keeps its current state as canonical bytes (zlib) with
-- their hash: an import of the same state is recognised without touching a row, and the
-- changes an import makes are the semantic diff from it. history_base is the state before
-- the first kept event of timeline_events: a version 2 document's program block, or the
-- state a program was created with; later imports append their changes as events.
ALTER TABLE programs ADD COLUMN state_digest TEXT;
ALTER TABLE programs ADD COLUMN state BLOB;

CREATE TABLE history_base (
    program_id  TEXT PRIMARY KEY REFERENCES programs(id) ON DELETE CASCADE,
    document    BLOB NOT NULL
);
CREATE INDEX timeline_events_position ON timeline_events (program_id, position);
