-- plansync embedded instance, schema version 1.
-- Every row has an internal UUID (id); natural keys are unique within their parent.
-- None of the internal columns (id, short_id, server_version, timestamps, CPM results)
-- ever appears in an export.

CREATE TABLE users (
    id          TEXT PRIMARY KEY,
    email       TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL
);

CREATE TABLE programs (
    id              TEXT PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    description     TEXT,
    server_version  INTEGER NOT NULL DEFAULT 1,
    updated_at      TEXT NOT NULL
);

CREATE TABLE calendars (
    id          TEXT PRIMARY KEY,
    program_id  TEXT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    code        TEXT NOT NULL,
    workdays    TEXT,            -- JSON list, week order; NULL when not written (Mon-Fri)
    holidays    TEXT,            -- JSON list of dates
    UNIQUE (program_id, code)
);

CREATE TABLE resources (
    id          TEXT PRIMARY KEY,
    program_id  TEXT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    email       TEXT,
    type        TEXT NOT NULL,
    capacity    ANY,
    calendar    TEXT,            -- calendar code (resolved within the program)
    UNIQUE (program_id, code)
);

CREATE TABLE projects (
    id          TEXT PRIMARY KEY,
    program_id  TEXT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    description TEXT,
    start       TEXT NOT NULL,
    calendar    TEXT,
    status      TEXT NOT NULL DEFAULT 'active',
    next_short  INTEGER NOT NULL DEFAULT 1,   -- next short-ID number for its tasks
    UNIQUE (program_id, code)
);

CREATE TABLE memberships (
    id          TEXT PRIMARY KEY,
    program_id  TEXT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    project_id  TEXT REFERENCES projects(id) ON DELETE CASCADE,  -- NULL: a program member
    email       TEXT NOT NULL,
    user_id     TEXT REFERENCES users(id),                       -- NULL: pending (no account)
    role        TEXT NOT NULL
);
CREATE UNIQUE INDEX memberships_key ON memberships (program_id, ifnull(project_id, ''), email);

CREATE TABLE sprints (
    id          TEXT PRIMARY KEY,
    project_id  TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    start       TEXT NOT NULL,
    finish      TEXT NOT NULL,
    UNIQUE (project_id, code)
);

CREATE TABLE tasks (
    id               TEXT PRIMARY KEY,
    project_id       TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    wbs              TEXT NOT NULL,
    short_id         TEXT NOT NULL,
    name             TEXT NOT NULL,
    notes            TEXT,
    duration         ANY,
    optimistic       ANY,
    likely           ANY,
    pessimistic      ANY,
    status           TEXT,
    percent_complete ANY,
    milestone        INTEGER,
    sprint           TEXT,
    constraint_type  TEXT,
    constraint_date  TEXT,
    deadline         TEXT,
    actual_start     TEXT,
    actual_finish    TEXT,
    -- CPM results, recomputed on every import; never exported
    early_start      TEXT,
    early_finish     TEXT,
    late_start       TEXT,
    late_finish      TEXT,
    total_float      REAL,
    free_float       REAL,
    critical         INTEGER,
    UNIQUE (project_id, wbs),
    UNIQUE (project_id, short_id)     -- LM-42: the project's code and a number never reused
);

CREATE TABLE assignments (
    task_id      TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    resource_id  TEXT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    PRIMARY KEY (task_id, resource_id)
);
CREATE INDEX assignments_resource ON assignments (resource_id);

CREATE TABLE dependencies (
    id            TEXT PRIMARY KEY,
    project_id    TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,  -- the list it is in
    from_task_id  TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    to_task_id    TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    type          TEXT NOT NULL DEFAULT 'FS',
    lag           ANY NOT NULL DEFAULT 0,
    UNIQUE (from_task_id, to_task_id)
);
CREATE INDEX dependencies_project ON dependencies (project_id);
CREATE INDEX dependencies_to ON dependencies (to_task_id);

CREATE TABLE baselines (
    id          TEXT PRIMARY KEY,
    project_id  TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    taken       TEXT NOT NULL,
    UNIQUE (project_id, name)
);

CREATE TABLE baseline_tasks (
    id           TEXT PRIMARY KEY,
    baseline_id  TEXT NOT NULL REFERENCES baselines(id) ON DELETE CASCADE,
    wbs          TEXT NOT NULL,
    start        TEXT NOT NULL,
    finish       TEXT NOT NULL,
    duration     ANY NOT NULL,
    UNIQUE (baseline_id, wbs)
);

CREATE TABLE risks (
    id           TEXT PRIMARY KEY,
    project_id   TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    code         TEXT NOT NULL,
    title        TEXT NOT NULL,
    probability  ANY NOT NULL,
    impact       ANY NOT NULL,
    status       TEXT NOT NULL,
    owner        TEXT,
    UNIQUE (project_id, code)
);

CREATE TABLE risk_tasks (
    risk_id  TEXT NOT NULL REFERENCES risks(id) ON DELETE CASCADE,
    task_id  TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    PRIMARY KEY (risk_id, task_id)
);

-- What each import did: the instance's own history, never exported.
CREATE TABLE import_events (
    id              TEXT PRIMARY KEY,
    program_code    TEXT NOT NULL,
    at              TEXT NOT NULL,
    server_version  INTEGER NOT NULL,
    summary         TEXT NOT NULL      -- JSON: counts per entity kind
);

-- v2 timelines: the events a document carried, as replayed on import.
CREATE TABLE timeline_events (
    id          TEXT PRIMARY KEY,
    program_id  TEXT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    event       TEXT NOT NULL          -- JSON of the event as written
);
