"""The embedded instance: one SQLite file (or memory), real relational tables.

Schema changes are explicit, numbered migrations (plansync/instance/migrations/NNNN_*.sql)
recorded in a schema_version table. Each import runs in one IMMEDIATE transaction: concurrent
writers wait for each other (busy timeout) and a failure anywhere rolls everything back.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from typing import Any

from plansync.errors import InstanceError
from plansync.instance.base import ImportReport, ProgramSummary
from plansync.instance.exporter import Exporter, project_document
from plansync.instance.importer import Importer
from plansync.memory import no_gc_pauses
from plansync.seed.canonical import normalise

BUSY_TIMEOUT_MS = 60_000


class _DryRun(Exception):
    """Raised inside the transaction to roll back a --dry-run import."""


def migrations() -> list[tuple[int, str, str]]:
    """(number, name, SQL) of every migration shipped, in order."""
    found = []
    for entry in files("plansync.instance.migrations").iterdir():
        if entry.name.endswith(".sql"):
            number = int(entry.name.split("_", 1)[0])
            found.append((number, entry.name, entry.read_text("utf-8")))
    return sorted(found)


class SqliteInstance:
    """An Instance backed by SQLite. `path` is a file path or ":memory:"."""

    def __init__(self, path: str, name: str | None = None) -> None:
        self.path = path
        self.name = name or ("memory" if path == ":memory:" else Path(path).stem)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000,
                                        isolation_level=None, check_same_thread=False)
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if path != ":memory:":
                self.conn.execute("PRAGMA journal_mode = WAL")
            self.migrate()
        except sqlite3.Error as exc:
            raise InstanceError(f"cannot open the instance database {path}: {exc}",
                                hint="check the path, its permissions and free disk "
                                "space") from exc

    # -- schema ------------------------------------------------------------------------------

    def schema_version(self) -> int:
        exists = self.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                   "name = 'schema_version'").fetchone()
        if not exists:
            return 0
        row = self.conn.execute("SELECT max(version) FROM schema_version").fetchone()
        return int(row[0] or 0)

    def migrate(self) -> None:
        """Apply the migrations this database has not seen, each in its own transaction."""
        with self.transaction():
            self.conn.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                              "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                              "applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)")
            current = self.schema_version()
            known = migrations()
            if current > (known[-1][0] if known else 0):
                raise InstanceError(
                    f"the instance database has schema version {current}, newer than this "
                    "plansync knows", hint="upgrade plansync")
            for number, name, sql in known:
                if number > current:
                    for statement in _statements(sql):
                        self.conn.execute(statement)
                    self.conn.execute("INSERT INTO schema_version (version, name) VALUES "
                                      "(?, ?)", (number, name))

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # -- the Instance interface --------------------------------------------------------------

    def programs(self) -> list[ProgramSummary]:
        rows = self.conn.execute(
            "SELECT p.code, p.name, p.server_version, "
            "(SELECT count(*) FROM projects j WHERE j.program_id = p.id), "
            "(SELECT count(*) FROM tasks t JOIN projects j ON t.project_id = j.id "
            " WHERE j.program_id = p.id) FROM programs p ORDER BY p.code").fetchall()
        return [ProgramSummary(code, name, projects, tasks, version)
                for code, name, version, projects, tasks in rows]

    def server_version(self, program: str) -> int | None:
        row = self.conn.execute("SELECT server_version FROM programs WHERE code = ? OR id = ?",
                                (program, program)).fetchone()
        return None if row is None else int(row[0])

    def import_document(self, doc: dict[str, Any], *, create_users: bool = False,
                        dry_run: bool = False) -> ImportReport:
        """Apply a valid document as one transaction (rolled back when dry_run)."""
        from plansync.seed.events import final_state

        with no_gc_pauses():
            state = normalise(final_state(doc), sort=False)
            report: ImportReport | None = None
            try:
                with self.transaction() as conn:
                    report = Importer(conn, state, create_users=create_users,
                                      events=doc.get("events")).run()
                    report.dry_run = dry_run
                    if dry_run:
                        raise _DryRun
            except _DryRun:
                pass
            except sqlite3.Error as exc:
                raise InstanceError(f"import failed and was rolled back: {exc}",
                                    hint="nothing was changed; fix the cause and retry") from exc
        assert report is not None
        return report

    def _program_id(self, program: str) -> str:
        row = self.conn.execute("SELECT id FROM programs WHERE code = ? OR id = ?",
                                (program, program)).fetchone()
        if row is None:
            known = ", ".join(p.code for p in self.programs()) or "none"
            raise InstanceError(f"no program {program!r} on instance {self.name}",
                                hint=f"programs there: {known}")
        return str(row[0])

    def export_program(self, program: str) -> dict[str, Any]:
        with no_gc_pauses():
            self.conn.execute("BEGIN")  # one consistent snapshot
            try:
                return Exporter(self.conn, self._program_id(program)).program()
            finally:
                self.conn.execute("COMMIT")

    def export_project(self, program: str, project: str) -> dict[str, Any]:
        doc = self.export_program(program)
        codes = [p["code"] for p in doc["program"].get("projects", [])]
        if project not in codes:
            raise InstanceError(f"program {program!r} has no project {project!r}",
                                hint=f"its projects: {', '.join(codes) or 'none'}")
        return project_document(doc, project)

    def close(self) -> None:
        self.conn.close()


def _statements(sql: str) -> Iterator[str]:
    """Split a migration script into statements (our migrations hold no triggers)."""
    buffer = ""
    for line in sql.splitlines(keepends=True):
        if line.lstrip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer.strip()
            buffer = ""
    if buffer.strip():
        yield buffer.strip()
