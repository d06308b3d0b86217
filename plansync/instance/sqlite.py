"""The embedded instance: one SQLite file (or memory), real relational tables.

Schema changes are explicit, numbered migrations (plansync/instance/migrations/NNNN_*.sql)
recorded in a schema_version table. Each import runs in one IMMEDIATE transaction: concurrent
writers wait for each other (busy timeout) and a failure anywhere rolls everything back.
Opening never takes the write lock unless there is a migration to apply, so readers never
wait behind a writer (WAL); a database that does not exist is created only when asked.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from plansync.errors import InstanceError
from plansync.instance.store import SqlStore, lock_timeout, statements
from plansync.instance.store import migrations as shipped

__all__ = ["SqliteInstance", "lock_timeout", "migrations"]


def migrations() -> list[tuple[int, str, str]]:
    """(number, name, SQL) of every SQLite migration shipped, in order."""
    return shipped("plansync.instance.migrations")


class SqliteInstance(SqlStore):
    """An Instance backed by SQLite. `path` is a file path or ":memory:".

    With create=False a missing database file is an error instead of a new, empty instance
    (read-only commands and dry runs must not create one on a mistyped address).
    """

    def __init__(self, path: str, name: str | None = None, *, create: bool = True) -> None:
        self.path = path
        self.name = name or ("memory" if path == ":memory:" else Path(path).stem)
        self.timeout = lock_timeout()
        if path != ":memory:" and not create and not Path(path).is_file():
            raise InstanceError(f"no instance database at {path}",
                                hint="check the --instance address; `plansync import` or "
                                "`plansync sync` creates a new instance")
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = sqlite3.connect(path, timeout=self.timeout,
                                        isolation_level=None, check_same_thread=False)
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            if path != ":memory:" and self._journal_mode() != "wal":
                self.conn.execute("PRAGMA journal_mode = WAL")
            self.migrate()
        except sqlite3.Error as exc:
            raise self.describe(exc, f"cannot open the instance database {path}",
                              "check the path, its permissions and free disk space") from exc

    def _journal_mode(self) -> str:
        return str(self.conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()

    database_errors = (sqlite3.Error,)

    def describe(self, exc: BaseException, what: str, hint: str) -> InstanceError:
        """An InstanceError for a database failure; a lock timeout says so."""
        if "locked" in str(exc) or "busy" in str(exc):
            return InstanceError(
                f"{what}: the instance database {self.path} is locked by another process "
                f"(waited {self.timeout:g} s)",
                hint="another plansync (an import, sync or watch) is writing to it; retry "
                "when it is done, or raise PLANSYNC_LOCK_TIMEOUT (seconds)")
        return InstanceError(f"{what}: {exc}", hint=hint)

    # -- schema ------------------------------------------------------------------------------

    def schema_version(self) -> int:
        exists = self.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                   "name = 'schema_version'").fetchone()
        if not exists:
            return 0
        row = self.conn.execute("SELECT max(version) FROM schema_version").fetchone()
        return int(row[0] or 0)

    def migrate(self) -> None:
        """Apply the migrations this database has not seen, in one write transaction.

        A database that is up to date is only read: no write lock, so opening it never waits
        behind another process's import.
        """
        known = migrations()
        latest = known[-1][0] if known else 0
        current = self.schema_version()
        if current > latest:
            raise InstanceError(
                f"the instance database has schema version {current}, newer than this "
                f"plansync knows ({latest})", hint="upgrade plansync")
        if current == latest:
            return
        with self.transaction():
            self.conn.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                              "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                              "applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)")
            current = self.schema_version()  # another process may have migrated meanwhile
            for number, name, sql in known:
                if number > current:
                    for statement in statements(sql, sqlite3.complete_statement):
                        self.conn.execute(statement)
                    self.conn.execute("INSERT INTO schema_version (version, name) VALUES "
                                      "(?, ?)", (number, name))

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception: one writer at a time."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN")  # a deferred transaction reads one snapshot (WAL)
        try:
            yield self.conn
        finally:
            self.conn.execute("COMMIT")
