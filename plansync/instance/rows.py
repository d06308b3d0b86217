"""The generic synchronisation of an import: each entity kind's rows brought to what the
document says by natural key (kept rows keep their ids), inserts made in one batch, deletes
held back until every kind is done (children first). `Importer` (importer.py) builds on it."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from plansync.instance.base import Counts, ImportReport
from plansync.instance.ids import new_ids

Key = tuple[Hashable, ...]
# extra columns written with inserted rows: their names, and their values per key
Extra = tuple[tuple[str, ...], dict[Any, tuple[Any, ...]]]


@dataclass
class Table:
    """How one entity kind maps onto a table."""

    name: str
    keys: tuple[str, ...]
    values: tuple[str, ...]
    scope: str  # WHERE clause selecting the program's rows; one "?" for the program id
    has_id: bool = True


TABLES = {
    "calendars": Table("calendars", ("code",), ("workdays", "holidays"), "program_id = ?"),
    "resources": Table("resources", ("code",), ("name", "email", "type", "capacity",
                                                  "calendar"), "program_id = ?"),
    "projects": Table("projects", ("code",), ("name", "description", "start", "calendar",
                                                "status"), "program_id = ?"),
    "members": Table("memberships", ("coalesce(project_id, '')", "email"), ("role",),
                      "program_id = ?"),
    "sprints": Table("sprints", ("project_id", "code"), ("name", "start", "finish"),
                      "project_id IN (SELECT id FROM projects WHERE program_id = ?)"),
    "tasks": Table("tasks", ("project_id", "wbs"), (
        "name", "notes", "duration", "optimistic", "likely", "pessimistic", "status",
        "percent_complete", "milestone", "sprint", "constraint_type", "constraint_date",
        "deadline", "actual_start", "actual_finish", "manual", "start", "calendar", "elapsed"),
        "project_id IN (SELECT id FROM projects WHERE program_id = ?)"),
    "assignments": Table("assignments", ("task_id", "resource_id"), (),
                          "resource_id IN (SELECT id FROM resources WHERE program_id = ?)",
                          has_id=False),
    "dependencies": Table("dependencies", ("from_task_id", "to_task_id"),
                           ("project_id", "type", "lag"),
                           "project_id IN (SELECT id FROM projects WHERE program_id = ?)"),
    "baselines": Table("baselines", ("project_id", "name"), ("taken",),
                        "project_id IN (SELECT id FROM projects WHERE program_id = ?)"),
    "baseline_tasks": Table("baseline_tasks", ("baseline_id", "wbs"),
                             ("start", "finish", "duration"),
                             "baseline_id IN (SELECT b.id FROM baselines b JOIN projects p "
                             "ON b.project_id = p.id WHERE p.program_id = ?)"),
    "risks": Table("risks", ("project_id", "code"), ("title", "probability", "impact",
                                                       "status", "owner"),
                    "project_id IN (SELECT id FROM projects WHERE program_id = ?)"),
    "risk_tasks": Table("risk_tasks", ("risk_id", "task_id"), (),
                         "risk_id IN (SELECT r.id FROM risks r JOIN projects p "
                         "ON r.project_id = p.id WHERE p.program_id = ?)", has_id=False),
}


@dataclass
class Pending:
    """Deletes wait until every kind is synchronised, then run children first, so that a
    deleted project's tasks are counted as deleted rather than vanishing by cascade."""

    deletes: list[tuple[str, str, list[Sequence[Any]]]] = field(default_factory=list)


class RowSync:
    """Synchronises one program's rows, kind by kind, inside the caller's transaction."""

    conn: sqlite3.Connection
    report: ImportReport
    pending: Pending
    program_id: str

    def _sync(self, kind: str, desired: dict[Key, tuple[Any, ...]],
              on_insert: Callable[[list[Key]], Extra] | None = None,
              ) -> dict[Key, Any]:
        """Bring one kind's rows to `desired` (key -> values); return key -> row id."""
        table = TABLES[kind]
        counts = self.report.counts.setdefault(kind, Counts())
        # A row is addressed by its id, or (link tables without one) by its whole key.
        where = "id = ?" if table.has_id else " AND ".join(f"{k} = ?" for k in table.keys)
        lead = ("id",) if table.has_id else ()
        columns = ", ".join((*lead, *table.keys, *table.values))
        nkeys = len(table.keys)
        existing: dict[Key, tuple[Any, tuple[Any, ...]]] = {}
        for row in self.conn.execute(f"SELECT {columns} FROM {table.name} WHERE {table.scope}",
                                     (self.program_id,)):
            key = row[len(lead):len(lead) + nkeys]
            existing[key] = (row[0] if lead else key, row[len(lead) + nkeys:])
        ids: dict[Key, Any] = {}
        inserts: list[Key] = []
        updates: list[Sequence[Any]] = []
        for key, values in desired.items():
            found = existing.pop(key, None)
            if found is None:
                inserts.append(key)
            elif found[1] != values:
                updates.append((*values, found[0]))
                ids[key] = found[0]
            else:
                ids[key] = found[0]
        counts.unchanged += len(ids) - len(updates)
        counts.updated += len(updates)
        counts.created += len(inserts)
        if updates:
            assignments = ", ".join(f"{c} = ?" for c in table.values)
            self.conn.executemany(f"UPDATE {table.name} SET {assignments} WHERE {where}",
                                  updates)
        if inserts:
            ids.update(self._insert(kind, table, inserts, desired, on_insert))
        if existing:
            counts.deleted += len(existing)
            self.pending.deletes.append((table.name, where, [
                (found[0],) if table.has_id else tuple(found[0])
                for found in existing.values()]))
        return ids

    def _insert(self, kind: str, table: Table, keys: list[Key],
                desired: dict[Key, tuple[Any, ...]],
                on_insert: Callable[[list[Key]], Extra] | None,
                ) -> dict[Key, Any]:
        extra_cols, extra = on_insert(keys) if on_insert else ((), {})
        scoped = kind in ("calendars", "resources", "projects", "members")
        keys_cols = tuple("project_id" if k.startswith("coalesce(") else k for k in table.keys)
        cols = (*(("id",) if table.has_id else ()), *(("program_id",) if scoped else ()),
                *keys_cols, *table.values, *extra_cols)
        lead: tuple[Any, ...] = (self.program_id,) if scoped else ()
        ids: dict[Key, Any] = dict(zip(keys, new_ids(len(keys)), strict=True)) \
            if table.has_id else {key: key for key in keys}
        get = extra.get
        stored = keys if kind != "members" else [  # a blank email is stored as NULL
            tuple(None if v == "" else v for v in key) for key in keys]
        # rows are made as the database takes them (SQLite's executemany reads an iterator):
        # 100k tasks' rows are never all in memory at once
        if table.has_id:
            rows: Iterator[tuple[Any, ...]] = (
                (ids[key], *lead, *at, *desired[key], *get(key, ()))
                for key, at in zip(keys, stored, strict=True))
        else:
            rows = ((*lead, *at, *desired[key], *get(key, ()))
                    for key, at in zip(keys, stored, strict=True))
        marks = ", ".join("?" * len(cols))
        self.conn.executemany(f"INSERT INTO {table.name} ({', '.join(cols)}) VALUES ({marks})",
                              rows)
        return ids

    def _apply_deletes(self) -> None:
        for table, where, rows in reversed(self.pending.deletes):
            self.conn.executemany(f"DELETE FROM {table} WHERE {where}", rows)
