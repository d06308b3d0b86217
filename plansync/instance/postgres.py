"""A PostgreSQL store (`postgresql://user@host:port/db`), through psycopg 3.

The same tables and numbered migrations as the SQLite store, in PostgreSQL's dialect
(plansync/instance/migrations_pg/), recorded in the same schema_version table. Migrations are
applied only by `plansync migrate` (a database is changed on purpose, by whoever runs it): any
other use refuses an unmigrated or newer database. Concurrency is the database's: an import
takes a transaction-scoped advisory lock on its program's code, so imports of one program
queue and imports of different programs run in parallel, on any number of server processes;
the server_version check is in that same transaction.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from plansync.errors import InstanceError
from plansync.instance.store import SqlStore, lock_timeout
from plansync.instance.store import migrations as shipped

MIGRATIONS = "plansync.instance.migrations_pg"


def migrations() -> list[tuple[int, str, str]]:
    """(number, name, SQL) of every PostgreSQL migration shipped, in order."""
    return shipped(MIGRATIONS)


@cache
def _dialect(sql: str) -> str:
    """Our SQL with `?` parameters, as psycopg wants it (`%s`; a literal % doubled)."""
    return re.sub(r"\?", "%s", sql.replace("%", "%%"))


BULK = 500  # rows from which a batch goes through COPY instead of one statement per row
_INSERT = re.compile(r"INSERT INTO (\w+) \(([\w, ]+)\) VALUES \([?, ]+\)")
_UPDATE = re.compile(r"UPDATE (\w+) SET ((?:\w+ = \?(?:, )?)+) WHERE ((?:\w+ = \?(?: AND )?)+)")
_DELETE = re.compile(r"DELETE FROM (\w+) WHERE (\w+) = \?")


class _Connection:
    """psycopg behind the calls our SQL code makes of sqlite3: execute, executemany. Big
    batches of our plain INSERTs, UPDATEs and DELETEs go the bulk way: COPY (into the table,
    or into a temporary table joined by the update), or one DELETE ... = ANY(list)."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def execute(self, sql: str, params: Any = ()) -> Any:
        return self.raw.execute(_dialect(sql), params or None)

    def executemany(self, sql: str, rows: Any) -> None:
        rows = list(rows)
        if not rows:
            return
        with self.raw.cursor() as cursor:
            if len(rows) >= BULK and self._bulk(cursor, sql, rows):
                return
            cursor.executemany(_dialect(sql), rows)

    def _bulk(self, cursor: Any, sql: str, rows: list[Any]) -> bool:
        if match := _INSERT.fullmatch(sql):
            table, columns = match.groups()
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return True
        if match := _UPDATE.fullmatch(sql):
            table, sets, keys = match.groups()
            changed = [c.split(" = ")[0] for c in sets.split(", ")]
            by = [c.split(" = ")[0] for c in keys.split(" AND ")]
            columns = ", ".join(changed + by)
            cursor.execute(f"CREATE TEMP TABLE _bulk ON COMMIT DROP AS SELECT {columns} "
                           f"FROM {table} WITH NO DATA")
            with cursor.copy(f"COPY _bulk ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            assign = ", ".join(f"{c} = b.{c}" for c in changed)
            join = " AND ".join(f"t.{c} = b.{c}" for c in by)
            cursor.execute(f"UPDATE {table} t SET {assign} FROM _bulk b WHERE {join}")
            cursor.execute("DROP TABLE _bulk")
            return True
        if match := _DELETE.fullmatch(sql):
            table, column = match.groups()
            cursor.execute(f"DELETE FROM {table} WHERE {column} = ANY(%s)",
                           ([row[0] for row in rows],))
            return True
        return False

    def close(self) -> None:
        self.raw.close()


class PostgresInstance(SqlStore):
    """An Instance in a PostgreSQL database (which must exist; `plansync migrate` sets it up)."""

    def __init__(self, address: str, *, migrating: bool = False) -> None:
        import psycopg

        from plansync.instance.address import redact

        self.address = address
        self.name = redact(address)
        self.timeout = lock_timeout()
        self.database_errors = (psycopg.Error,)
        try:
            raw = psycopg.connect(address, autocommit=True, connect_timeout=10,
                                  application_name="plansync")
        except psycopg.Error as exc:
            raise InstanceError(f"cannot connect to the instance database {self.name}: "
                                f"{_first_line(exc)}",
                                hint="check the address, that PostgreSQL runs there and "
                                "accepts this user") from None
        self.conn = _Connection(raw)
        if not migrating:
            try:
                self._check_schema()
            except BaseException:
                raw.close()
                raise

    # -- schema ------------------------------------------------------------------------------

    def schema_version(self) -> int:
        (exists,) = self.conn.execute("SELECT to_regclass('schema_version') IS NOT NULL"
                                      ).fetchone()
        if not exists:
            return 0
        (version,) = self.conn.execute("SELECT coalesce(max(version), 0) FROM schema_version"
                                       ).fetchone()
        return int(version)

    def _check_schema(self) -> None:
        current, latest = self.schema_version(), migrations()[-1][0]
        if current > latest:
            raise InstanceError(f"the instance database {self.name} has schema version "
                                f"{current}, newer than this plansync knows ({latest})",
                                hint="upgrade plansync")
        if current < latest:
            raise InstanceError(f"the instance database {self.name} is at schema version "
                                f"{current}; this plansync needs {latest}",
                                hint=f"apply the migrations: plansync migrate --instance "
                                f"{self.name}")

    def migrate(self) -> list[str]:
        """Apply the migrations the database has not seen, in one transaction (under an
        advisory lock, so two at once do not both apply them); the names applied."""
        applied = []
        with self.transaction() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(hashtext('plansync migrate'))")
            conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY "
                         "KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT "
                         "now())")
            current = self.schema_version()
            latest = migrations()[-1][0]
            if current > latest:
                raise InstanceError(f"the instance database {self.name} has schema version "
                                    f"{current}, newer than this plansync knows ({latest})",
                                    hint="upgrade plansync")
            for number, name, sql in migrations():
                if number > current:
                    conn.raw.execute(sql)  # a whole script: no parameters, several statements
                    conn.execute("INSERT INTO schema_version (version, name) VALUES (?, ?)",
                                 (number, name))
                    applied.append(name)
        return applied

    # -- transactions ------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[_Connection]:
        with self.conn.raw.transaction():
            self.conn.execute(f"SET LOCAL lock_timeout = '{int(self.timeout * 1000)}ms'")
            yield self.conn

    @contextmanager
    def snapshot(self) -> Iterator[_Connection]:
        with self.conn.raw.transaction():
            self.conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield self.conn

    def lock_program(self, conn: Any, code: str) -> None:
        conn.execute("SELECT pg_advisory_xact_lock(hashtext(?))", ("program " + code,))

    def describe(self, exc: BaseException, what: str, hint: str) -> InstanceError:
        import psycopg.errors

        if isinstance(exc, psycopg.errors.LockNotAvailable | psycopg.errors.QueryCanceled):
            return InstanceError(
                f"{what}: the program is locked by another import on {self.name} (waited "
                f"{self.timeout:g} s)", hint="another plansync is writing it; retry when it "
                "is done, or raise PLANSYNC_LOCK_TIMEOUT (seconds)")
        return InstanceError(f"{what}: {_first_line(exc)}", hint=hint)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
