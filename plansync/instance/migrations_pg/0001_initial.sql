-- plansync instance on PostgreSQL, schema version 1: the same tables as the SQLite store
-- (plansync/instance/migrations/0001_initial.sql), in PostgreSQL's types. Numbers a seed file
-- holds as JSON numbers (ints or floats) are DOUBLE PRECISION: exact for every value the
-- format allows (integers up to 2^53, every float), and the export writes integral ones as
-- integers, as the canonical form does.

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
    workdays    TEXT,
    holidays    TEXT,
    UNIQUE (program_id, code)
);

CREATE TABLE resources (
    id          TEXT PRIMARY KEY,
    program_id  TEXT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    email       TEXT,
    type        TEXT NOT NULL,
    capacity    DOUBLE PRECISION,
    calendar    TEXT,
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
    next_short  INTEGER NOT NULL DEFAULT 1,
    UNIQUE (program_id, code)
);

CREATE TABLE memberships (
    id          TEXT PRIMARY KEY,
    program_id  TEXT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    project_id  TEXT REFERENCES projects(id) ON DELETE CASCADE,
    email       TEXT NOT NULL,
    user_id     TEXT REFERENCES users(id),
    role        TEXT NOT NULL
);
CREATE UNIQUE INDEX memberships_key ON memberships (program_id, coalesce(project_id, ''), email);
CREATE INDEX memberships_project ON memberships (project_id);

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
    duration         DOUBLE PRECISION,
    optimistic       DOUBLE PRECISION,
    likely           DOUBLE PRECISION,
    pessimistic      DOUBLE PRECISION,
    status           TEXT,
    percent_complete DOUBLE PRECISION,
    milestone        INTEGER,
    sprint           TEXT,
    constraint_type  TEXT,
    constraint_date  TEXT,
    deadline         TEXT,
    actual_start     TEXT,
    actual_finish    TEXT,
    early_start      TEXT,
    early_finish     TEXT,
    late_start       TEXT,
    late_finish      TEXT,
    total_float      DOUBLE PRECISION,
    free_float       DOUBLE PRECISION,
    critical         INTEGER,
    UNIQUE (project_id, wbs),
    UNIQUE (project_id, short_id)
);

CREATE TABLE assignments (
    task_id      TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    resource_id  TEXT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    PRIMARY KEY (task_id, resource_id)
);
CREATE INDEX assignments_resource ON assignments (resource_id);

CREATE TABLE dependencies (
    id            TEXT PRIMARY KEY,
    project_id    TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    from_task_id  TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    to_task_id    TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    type          TEXT NOT NULL DEFAULT 'FS',
    lag           DOUBLE PRECISION NOT NULL DEFAULT 0,
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
    duration     DOUBLE PRECISION NOT NULL,
    UNIQUE (baseline_id, wbs)
);

CREATE TABLE risks (
    id           TEXT PRIMARY KEY,
    project_id   TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    code         TEXT NOT NULL,
    title        TEXT NOT NULL,
    probability  DOUBLE PRECISION NOT NULL,
    impact       DOUBLE PRECISION NOT NULL,
    status       TEXT NOT NULL,
    owner        TEXT,
    UNIQUE (project_id, code)
);

CREATE TABLE risk_tasks (
    risk_id  TEXT NOT NULL REFERENCES risks(id) ON DELETE CASCADE,
    task_id  TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    PRIMARY KEY (risk_id, task_id)
);
CREATE INDEX risk_tasks_task ON risk_tasks (task_id);  -- deletes of tasks cascade here

CREATE TABLE import_events (
    id              TEXT PRIMARY KEY,
    program_code    TEXT NOT NULL,
    at              TEXT NOT NULL,
    server_version  INTEGER NOT NULL,
    summary         TEXT NOT NULL
);

CREATE TABLE timeline_events (
    id          TEXT PRIMARY KEY,
    program_id  TEXT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    event       TEXT NOT NULL
);
CREATE INDEX timeline_events_program ON timeline_events (program_id, position);
