"""What every SQL store of an instance shares (SQLite, PostgreSQL): the Instance interface
over plain SQL with `?` parameters, the migrations runner, transactions with one error class.

A store subclass says how to connect, how a write transaction and a read snapshot begin, how
to lock one program for an import (so imports of different programs can run in parallel
where the database allows it), which exceptions its driver raises, and where its migrations
are.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from plansync.errors import InstanceError, UsageError
from plansync.forked import Forked
from plansync.instance import records, timeline
from plansync.instance.base import (
    AccountGaps,
    ImportReport,
    NotFound,
    ProgramSummary,
    StateMoved,
    SyncRecord,
    SyncStamp,
    VersionConflict,
)
from plansync.instance.exporter import Exporter, project_document
from plansync.instance.importer import Importer
from plansync.instance.scheduled import ScheduleByKey, schedule_ahead
from plansync.memory import no_gc_pauses
from plansync.seed.canonical import normal_and_bytes, normalise


def lock_timeout() -> float:
    """Seconds to wait for another process's write lock (env PLANSYNC_LOCK_TIMEOUT)."""
    raw = os.environ.get("PLANSYNC_LOCK_TIMEOUT", "60")
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 86_400:
        raise UsageError(f"PLANSYNC_LOCK_TIMEOUT={raw!r} is not a number of seconds",
                         hint="use a number from 0 to 86400, e.g. PLANSYNC_LOCK_TIMEOUT=60")
    return value


DEFAULT_ACTOR = "unknown@plansync.invalid"  # who changed a program when nobody says
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def actor_of(who: str | None) -> str:
    """An email for the history's events: `who` if it is one, else the unknown actor."""
    return who if who and _EMAIL.fullmatch(who) else DEFAULT_ACTOR


class _DryRun(Exception):
    """Raised inside the transaction to roll back a --dry-run import."""


def migrations(package: str) -> list[tuple[int, str, str]]:
    """(number, name, SQL) of every migration shipped in `package`, in order."""
    from importlib.resources import files

    found = []
    for entry in files(package).iterdir():
        if entry.name.endswith(".sql"):
            number = int(entry.name.split("_", 1)[0])
            found.append((number, entry.name, entry.read_text("utf-8")))
    return sorted(found)


class SqlStore:
    """The Instance interface over SQL; subclasses connect and say how transactions go."""

    name: str
    conn: Any  # a DB-API-like connection: execute(sql, params) and executemany, `?` params
    database_errors: tuple[type[BaseException], ...] = ()
    timeout: float = 60.0

    # -- what a store provides ---------------------------------------------------------------

    def transaction(self) -> AbstractContextManager[Any]:
        """A write transaction (the connection inside); rolled back on any exception."""
        raise NotImplementedError

    def snapshot(self) -> AbstractContextManager[Any]:
        """A read-only, consistent view for one export."""
        raise NotImplementedError

    def lock_program(self, conn: Any, code: str) -> None:
        """Inside a write transaction: hold off other imports of program `code`."""

    def describe(self, exc: BaseException, what: str, hint: str) -> InstanceError:
        return InstanceError(f"{what}: {exc}", hint=hint)

    # -- the Instance interface --------------------------------------------------------------

    def identity(self) -> str:
        row = self.conn.execute("SELECT value FROM instance_meta WHERE key = 'instance_id'"
                                ).fetchone()
        return str(row[0])

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
                        dry_run: bool = False, expected_version: int | None = None,
                        record: SyncStamp | None = None,
                        authorize: Callable[[str | None], None] | None = None,
                        actor: str = "") -> ImportReport:
        """Apply a valid document as one transaction (rolled back when dry_run); with
        `record`, record it as the program's last sync in that transaction.

        `authorize(program id or None when new)` runs inside the transaction, before any
        write: it raises to refuse (the server's permission check)."""
        return self._import([doc], create_users, dry_run, [expected_version], authorize,
                            record, actor)[0]

    def import_documents(self, docs: Sequence[dict[str, Any]], *, create_users: bool = False,
                         dry_run: bool = False, actor: str = "") -> list[ImportReport]:
        """Apply valid documents of distinct programs as one transaction: all or nothing."""
        return self._import(docs, create_users, dry_run, [None] * len(docs), None, None,
                            actor)

    def _import(self, docs: Sequence[dict[str, Any]], create_users: bool, dry_run: bool,
                expected: Sequence[int | None],
                authorize: Callable[[str | None], None] | None = None,
                record: SyncStamp | None = None, actor: str = "") -> list[ImportReport]:
        from plansync.seed.events import final_state

        actor = actor_of(actor or (record.account if record is not None else None))
        reports: list[ImportReport] = []
        with no_gc_pauses():
            finals = [final_state(doc) for doc in docs]
            with self._importing(dry_run) as conn:
                for doc, final, version in zip(docs, finals, expected, strict=True):
                    report = self._import_one(conn, doc, final, version, create_users,
                                              authorize, record, actor)
                    report.dry_run = dry_run
                    reports.append(report)
        return reports

    @contextmanager
    def _importing(self, dry_run: bool) -> Iterator[Any]:
        """One import transaction: rolled back after a dry run; a database error says that
        nothing was changed."""
        try:
            with self.transaction() as conn:
                yield conn
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        except self.database_errors as exc:
            raise self.describe(exc, "import failed and was rolled back",
                                "nothing was changed; fix the cause and retry") from exc

    def programs_by_digest(self, digests: Collection[str]) -> dict[str, str]:
        wanted = sorted(set(digests))
        found: dict[str, str] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            found.update(self.conn.execute(
                "SELECT state_digest, code FROM programs WHERE state_digest IN ("
                + ", ".join("?" * len(chunk)) + ")", chunk).fetchall())
        return found

    def confirm_unchanged(self, programs: Sequence[tuple[str, str]], *,
                          dry_run: bool = False) -> list[ImportReport]:
        reports: list[ImportReport] = []
        with self._importing(dry_run) as conn:
            for code, digest in programs:
                self.lock_program(conn, code)
                if timeline.state_digest(conn, code) != digest:
                    raise StateMoved(f"program {code!r} changed on the instance meanwhile",
                                     hint="import the file again")
                report = Importer(conn, {"program": {"code": code}},
                                  create_users=False).confirm()
                report.dry_run = dry_run
                reports.append(report)
        return reports

    def _import_one(self, conn: Any, doc: dict[str, Any], final: dict[str, Any],
                    version: int | None, create_users: bool,
                    authorize: Callable[[str | None], None] | None,
                    record: SyncStamp | None, actor: str) -> ImportReport:
        """One document, inside the transaction: the rows, then the program's state and
        history (a version 1 import that changed something appends its changes as events,
        dated now, by `actor`), then the sync record."""
        ahead = schedule_ahead(final)  # on the other core while the rows are prepared
        try:
            return self._import_rows(conn, doc, final, version, create_users, authorize,
                                     record, actor, ahead)
        finally:
            if ahead is not None:
                ahead.cancel()  # not needed after all (or the import failed)

    def _import_rows(self, conn: Any, doc: dict[str, Any], final: dict[str, Any],
                     version: int | None, create_users: bool,
                     authorize: Callable[[str | None], None] | None,
                     record: SyncStamp | None, actor: str,
                     ahead: Forked[ScheduleByKey] | None) -> ImportReport:
        from plansync.history import events_between
        from plansync.instance.ids import now

        code = final["program"]["code"]
        self.lock_program(conn, code)
        normal, data, reordered = normal_and_bytes(final)
        packed = timeline.Packed(data=data)
        del data  # packed holds the bytes until it compresses them
        new_digest = packed.digest
        old_digest, old_state = timeline.state(conn, code)
        if old_digest != new_digest:
            packed.compress()  # the state is written below: the bytes go before the rows come
        program_id = self._maybe_id(code)
        if program_id is not None and old_state is None:  # kept since before its history
            old_state = Exporter(conn, program_id).program()
        v2 = doc.get("version") == 2
        history = (normalise({"version": 1, "program": doc["program"]}),
                   doc.get("events", [])) if v2 else None
        # in document order (new tasks get their short IDs in it): the sorted data when
        # sorting moved nothing (a canonical file), else normalised again without sorting
        importer = Importer(conn, normalise(final, sort=False) if reordered else normal,
                            create_users=create_users,
                            timeline=history, expected_version=version, authorize=authorize,
                            unchanged=not v2 and not create_users and old_digest == new_digest,
                            ahead=ahead)
        report = importer.run()
        program_id = importer.program_id
        if report.status == "created" and not v2:
            timeline.start(conn, program_id, packed)
        elif report.status == "updated" and not v2 and old_state is not None \
                and old_digest != new_digest:
            if not timeline.has_base(conn, program_id):
                timeline.start(conn, program_id, timeline.Packed(old_state))
            timeline.append(conn, program_id, events_between(old_state, final, now(), actor))
        if old_digest != new_digest:
            timeline.set_state(conn, program_id, packed)
        if record is not None:
            records.write(conn, program_id, report.server_version, packed, record)
        return report

    def export_timeline(self, program: str, since: str | None = None) -> dict[str, Any]:
        """The program as a version 2 document: the state before its first kept event (the
        first at or after `since`, an ISO date or time, when given) and the events that
        rebuild the current state. Import it into a fresh instance, export the timeline
        again: the same bytes."""
        from plansync.seed.events import replay

        with no_gc_pauses(), self.snapshot() as conn:
            program_id = self.program_id(program)
            base, events = timeline.history(conn, program_id)
            if base is None:  # no history recorded: the state is its own base
                base = Exporter(conn, program_id).program()
        if since is not None:
            earlier = [e for e in events if e["at"] < since]
            base = {"version": 1, "program": replay(base["program"], earlier)}
            events = events[len(earlier):]
        return normalise({"version": 2, "program": base["program"], "events": events})

    def _maybe_id(self, program: str) -> str | None:
        row = self.conn.execute("SELECT id FROM programs WHERE code = ? OR id = ?",
                                (program, program)).fetchone()
        return None if row is None else str(row[0])

    def sync_history(self, program: str) -> list[SyncRecord]:
        program_id = self._maybe_id(program)
        return [] if program_id is None else records.history(self.conn, program_id)

    def sync_record(self, program: str, server_version: int | None = None
                    ) -> SyncRecord | None:
        program_id = self._maybe_id(program)
        return None if program_id is None else records.read(self.conn, program_id,
                                                             server_version)

    def synced_paths(self, repository: str | None) -> dict[str, str | None]:
        return records.paths(self.conn, repository)

    def delete_program(self, program: str, *, expected_version: int | None = None,
                       authorize: Callable[[str | None], None] | None = None) -> None:
        try:
            with self.transaction() as conn:
                row = conn.execute("SELECT id, server_version FROM programs WHERE code = ? "
                                   "OR id = ?", (program, program)).fetchone()
                if row is None:
                    raise NotFound(f"no program {program!r} on instance {self.name}")
                if expected_version is not None and row[1] != expected_version:
                    raise VersionConflict(program, expected_version, int(row[1]))
                if authorize is not None:
                    authorize(row[0])
                conn.execute("DELETE FROM programs WHERE id = ?", (row[0],))
        except self.database_errors as exc:
            raise self.describe(exc, "delete failed and was rolled back",
                              "nothing was changed; fix the cause and retry") from exc

    def account_gaps(self, program: str) -> AccountGaps:
        program_id = self.program_id(program)
        members, resources = (
            sorted({row[0] for row in self.conn.execute(
                f"SELECT email FROM {table} WHERE program_id = ? AND email IS NOT NULL AND "
                "lower(email) NOT IN (SELECT lower(email) FROM users)", (program_id,))})
            for table in ("memberships", "resources"))
        return AccountGaps(members, resources)

    def program_id(self, program: str) -> str:
        """The id of a program named by code or id; NotFound otherwise."""
        row = self.conn.execute("SELECT id FROM programs WHERE code = ? OR id = ?",
                                (program, program)).fetchone()
        if row is None:
            known = ", ".join(p.code for p in self.programs()) or "none"
            raise NotFound(f"no program {program!r} on instance {self.name}",
                           hint=f"programs there: {known}")
        return str(row[0])

    def locate_project(self, ref: str) -> tuple[str, str, str]:
        """(program code, project code, project id) of a project named by its id,
        `<program>/<project>`, or a project code that only one program has."""
        if "/" in ref:
            program, _, project = ref.partition("/")
            where, args = "g.code = ? AND j.code = ?", (program, project)
        else:
            where, args = "j.id = ? OR j.code = ?", (ref, ref)
        rows = self.conn.execute("SELECT g.code, j.code, j.id FROM projects j JOIN programs g "
                                 f"ON j.program_id = g.id WHERE {where}", args).fetchall()
        if len(rows) != 1:
            hint = ("several programs have a project with that code: name it as "
                    "<program>/<project>" if rows else "name it by id or <program>/<project>")
            raise NotFound(f"no single project {ref!r} on instance {self.name}", hint=hint)
        return rows[0][0], rows[0][1], rows[0][2]

    def export_program(self, program: str) -> dict[str, Any]:
        with no_gc_pauses(), self.snapshot() as conn:  # one consistent snapshot
            return Exporter(conn, self.program_id(program)).program()

    def export_project(self, program: str, project: str) -> dict[str, Any]:
        doc = self.export_program(program)
        codes = [p["code"] for p in doc["program"].get("projects", [])]
        if project not in codes:
            raise NotFound(f"program {program!r} has no project {project!r}",
                           hint=f"its projects: {', '.join(codes) or 'none'}")
        origin = f"{doc['program']['code']}/{project}"

        def taken(code: str) -> bool:
            row = self.conn.execute("SELECT origin FROM programs WHERE code = ?",
                                    (code,)).fetchone()
            return row is not None and row[0] != origin

        return project_document(doc, project, taken)

    def close(self) -> None:
        self.conn.close()


def statements(sql: str, complete: Callable[[str], bool]) -> Iterator[str]:
    """Split a migration script into statements (our migrations hold no triggers)."""
    buffer = ""
    for line in sql.splitlines(keepends=True):
        if line.lstrip().startswith("--"):
            continue
        buffer += line
        if complete(buffer):
            yield buffer.strip()
            buffer = ""
    if buffer.strip():
        yield buffer.strip()
