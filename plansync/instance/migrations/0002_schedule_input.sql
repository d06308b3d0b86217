-- Remember what the stored schedule was computed from (a hash of the scheduling inputs), so
-- an import that changes no scheduling input (a rename, a new risk) keeps it without
-- recomputing.
ALTER TABLE programs ADD COLUMN schedule_input TEXT;
