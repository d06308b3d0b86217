"""Helpers for tests that run on every store kind (SQLite, PostgreSQL)."""

from __future__ import annotations

from typing import Any

TABLES = ("users", "programs", "calendars", "resources", "projects", "memberships", "sprints",
          "tasks", "assignments", "dependencies", "baselines", "baseline_tasks", "risks",
          "risk_tasks", "import_events", "timeline_events", "tokens", "sync_records")


def dump(store: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a fixed order: equal dumps, equal databases."""
    out = {}
    for table in TABLES:
        rows = [tuple(row) for row in store.conn.execute(f"SELECT * FROM {table}")]
        out[table] = sorted(rows, key=repr)
    return out


def fail_on(store: Any, table: str, column: str, value: str) -> None:
    """A real failure inside the database: writing `value` into table.column aborts."""
    if type(store).__name__ == "SqliteInstance":
        store.conn.execute(
            f"CREATE TRIGGER fail_{table} BEFORE UPDATE ON {table} WHEN NEW.{column} = "
            f"'{value}' BEGIN SELECT RAISE(ABORT, 'injected failure'); END")
        return
    store.conn.execute(
        f"CREATE FUNCTION fail_{table}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF NEW.{column} = '{value}' THEN RAISE EXCEPTION 'injected failure'; END IF; "
        "RETURN NEW; END $$")
    store.conn.execute(f"CREATE TRIGGER fail_{table} BEFORE UPDATE ON {table} FOR EACH ROW "
                       f"EXECUTE FUNCTION fail_{table}()")
