"""Import: apply a normalised v1 document to one program as the minimal change.

Every entity kind is synchronised by natural key: rows whose key persists keep their UUID
(and tasks their short ID), rows whose values differ are updated, missing ones are deleted,
new ones inserted. Runs inside the caller's transaction; raises to roll it all back.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Callable
from typing import Any

from plansync.errors import InstanceError
from plansync.forked import Forked
from plansync.instance.base import Counts, ImportReport, VersionConflict
from plansync.instance.ids import new_id, now
from plansync.instance.rows import Extra, Key, Pending, RowSync
from plansync.instance.scheduled import (
    NO_SCHEDULE,
    SCHEDULE_COLUMNS,
    ScheduleByKey,
    schedule_by_key,
    schedule_input,
)
from plansync.seed.canonical import canonical_bytes


class ProgramClash(InstanceError):
    """The document and the instance's program share a code but not an origin: one is a
    project export (a copy of a project) and the other is not, or a copy of another one.
    Importing would replace an unrelated program, so nothing is written."""

    def __init__(self, code: str, stored: str | None, incoming: str | None) -> None:
        def what(origin: str | None) -> str:
            if origin is None:
                return "a program of its own"
            program, _, project = origin.partition("/")
            return f"a copy of project {project} of program {program}"

        super().__init__(f"program {code!r} on the instance is {what(stored)}, but this "
                         f"document is {what(incoming)}; importing it would replace an "
                         "unrelated program, so nothing was written",
                         hint="give the document another program code (program.code), "
                         "then import it")


def origin_text(origin: dict[str, str] | None) -> str | None:
    """How a project export's origin is stored: "program/project" (None for a program)."""
    return None if origin is None else f"{origin['program']}/{origin['project']}"


class Importer(RowSync):
    def __init__(self, conn: sqlite3.Connection, doc: dict[str, Any], *,
                 create_users: bool,
                 timeline: tuple[dict[str, Any], list[dict[str, Any]]] | None = None,
                 expected_version: int | None = None,
                 authorize: Callable[[str | None], None] | None = None,
                 unchanged: bool = False,
                 ahead: Forked[ScheduleByKey] | None = None) -> None:
        """`doc`: the normalised final state. `timeline`: for a version 2 document, its
        history (the state before its first event, and the events), kept as the program's
        history. `unchanged`: the caller knows the state equals the stored one (its hash):
        the rows are not looked at, only the program's row (its checks) and accounts.
        `ahead`: the schedule of the document, being computed in a child (schedule_ahead):
        used when the schedule must be stored, stopped when not."""
        self.conn = conn
        self.expected_version = expected_version
        self.authorize = authorize
        self.timeline = timeline
        self.unchanged = unchanged
        self.doc = doc
        self.program = doc["program"]
        self.create_users = create_users
        self.report = ImportReport(self.program["code"])
        self.pending = Pending()
        self.program_id = ""
        self._fingerprint = ""  # schedule_input of doc
        self._schedule: dict[Key, tuple[Any, ...]] | None = None  # None: stored one is current
        self._inserted: set[Key] = set()  # task keys inserted by this import
        self._ahead = ahead

    def run(self) -> ImportReport:
        self._program_row()
        if self.unchanged and self.report.status != "created":
            self._link_accounts()
            self.report.pending = self._pending_members()
            return self.report
        projects = self.program.get("projects", [])
        self._sync("calendars", {(c["code"],): (_json(c.get("workdays")),
                                                _json(c.get("holidays")))
                                 for c in self.program.get("calendars", [])})
        resource_ids = self._sync("resources", {
            (r["code"],): (r["name"], r.get("email"), r["type"], r.get("capacity"),
                           r.get("calendar")) for r in self.program.get("resources", [])})
        project_ids = self._sync("projects", {
            (p["code"],): (p["name"], p.get("description"), p["start"], p.get("calendar"),
                           p.get("status", "active")) for p in projects})
        pid: dict[str, str] = {str(key[0]): row_id for key, row_id in project_ids.items()}
        self._members(projects, pid)
        self._sync("sprints", {(pid[p["code"]], s["code"]): (s["name"], s["start"], s["finish"])
                               for p in projects for s in p.get("sprints", [])})
        self._schedule = self._computed_schedule(pid)
        task_ids = self._sync("tasks", {(pid[p["code"]], t["wbs"]): _task_values(t)
                                        for p in projects for t in p.get("tasks", [])},
                              on_insert=self._new_tasks)
        code_of = {v: k for k, v in pid.items()}
        tid: dict[tuple[str, str], Any] = {(code_of[str(key[0])], str(key[1])): row_id
                                           for key, row_id in task_ids.items()}
        rid: dict[str, str] = {str(key[0]): row_id for key, row_id in resource_ids.items()}
        self._sync("assignments", {(tid[(p["code"], t["wbs"])], rid[a]): ()
                                   for p in projects for t in p.get("tasks", [])
                                   for a in t.get("assignees", [])})
        self._sync("dependencies", {
            (tid[_end(d["from"], p["code"])], tid[_end(d["to"], p["code"])]):
                (pid[p["code"]], d.get("type", "FS"), d.get("lag", 0))
            for p in projects for d in p.get("dependencies", [])})
        self._baselines_and_risks(projects, pid, tid)
        self._timeline()
        self._apply_deletes()
        self._store_schedule(task_ids)
        self._finish()
        return self.report

    # -- the schedule, stored with the tasks -----------------------------------------------

    def _computed_schedule(self, pid: dict[str, str]) -> dict[Key, tuple[Any, ...]] | None:
        """The CPM schedule per task key (project id, wbs), or None when nothing it depends
        on changed since it was stored (the program's schedule_input fingerprint)."""
        self._fingerprint = schedule_input(self.doc)
        row = self.conn.execute("SELECT schedule_input FROM programs WHERE id = ?",
                                (self.program_id,)).fetchone()
        ahead, self._ahead = self._ahead, None
        if row is not None and row[0] == self._fingerprint:
            if ahead is not None:
                ahead.cancel()
            return None
        try:
            computed = schedule_by_key(self.doc) if ahead is None else ahead.result()
        except ValueError as exc:  # dates beyond what a calendar can hold
            self.report.warnings.append(f"no schedule stored: {exc}")
            computed = {}
        return {(pid[project], wbs): values for (project, wbs), values in computed.items()}

    def _new_tasks(self, keys: list[Key]) -> Extra:
        """Short IDs of new tasks, and their schedule columns (written with the row: a new
        program's tasks need no second pass)."""
        self._inserted = set(keys)
        short = self._short_ids(keys)
        if self._schedule is None:
            return ("short_id",), {key: (short[key],) for key in keys}
        schedule, blank = self._schedule, NO_SCHEDULE
        return ("short_id", *SCHEDULE_COLUMNS), {
            key: (short[key], *schedule.get(key, blank)) for key in keys}

    def _store_schedule(self, task_ids: dict[Key, Any]) -> None:
        """Write the recomputed schedule to the tasks that existed before this import, only
        the rows that differ (new tasks got theirs when inserted)."""
        if self._schedule is None:
            return
        schedule, inserted = self._schedule, self._inserted
        if len(inserted) < len(task_ids):
            current = {row[0]: row[1:] for row in self.conn.execute(
                "SELECT t.id, t.early_start, t.early_finish, t.late_start, t.late_finish, "
                "t.total_float, t.free_float, t.critical FROM tasks t JOIN projects p "
                "ON t.project_id = p.id WHERE p.program_id = ?", (self.program_id,))}
            self.conn.executemany(
                "UPDATE tasks SET early_start = ?, early_finish = ?, late_start = ?, "
                "late_finish = ?, total_float = ?, free_float = ?, critical = ? WHERE id = ?",
                [(*values, task_id) for task_id, values in
                 ((task_id, schedule.get(key, NO_SCHEDULE))
                  for key, task_id in task_ids.items() if key not in inserted)
                 if current.get(task_id) != values])
        self.conn.execute("UPDATE programs SET schedule_input = ? WHERE id = ?",
                          (self._fingerprint, self.program_id))

    # -- the program row and memberships -------------------------------------------------

    def confirm(self) -> ImportReport:
        """The report of importing a document the caller knows equals the program's stored
        state (its hash): only the accounts that appeared since are linked."""
        row = self.conn.execute("SELECT id, server_version FROM programs WHERE code = ?",
                                (self.program["code"],)).fetchone()
        self.program_id, self.report.server_version = str(row[0]), int(row[1])
        self.report.counts["program"] = Counts(unchanged=1)
        self._link_accounts()
        self.report.pending = self._pending_members()
        return self.report

    def _program_row(self) -> None:
        code = self.program["code"]
        row = self.conn.execute("SELECT id, name, description, origin, server_version, "
                                "scheduling FROM programs WHERE code = ?", (code,)).fetchone()
        actual = None if row is None else int(row[4])
        if self.authorize is not None:  # in the transaction: no one slips in between
            self.authorize(None if row is None else row[0])
        if self.expected_version is not None and (actual or 0) != self.expected_version:
            raise VersionConflict(code, self.expected_version, actual)
        values = (self.program["name"], self.program.get("description"),
                  origin_text(self.program.get("origin")))
        scheduling = self.program.get("scheduling")  # kept as written, as JSON
        settings = None if scheduling is None else json.dumps(scheduling, sort_keys=True)
        counts = self.report.counts.setdefault("program", Counts())
        if row is None:
            self.program_id = new_id()
            self.conn.execute("INSERT INTO programs (id, code, name, description, origin, "
                              "scheduling, server_version, updated_at) "
                              "VALUES (?, ?, ?, ?, ?, ?, 1, ?)",
                              (self.program_id, code, *values, settings, now()))
            counts.created += 1
            self.report.status = "created"
            self.report.server_version = 1
            return
        if row[3] != values[2]:
            raise ProgramClash(code, row[3], values[2])
        self.program_id, self.report.server_version = row[0], row[4]
        if tuple(row[1:3]) != values[:2] or row[5] != settings:
            self.conn.execute("UPDATE programs SET name = ?, description = ?, scheduling = ? "
                              "WHERE id = ?", (*values[:2], settings, self.program_id))
            counts.updated += 1
        else:
            counts.unchanged += 1

    def _members(self, projects: list[dict[str, Any]], pid: dict[str, str]) -> None:
        listed = [("", m) for m in self.program.get("members", [])]
        listed += [(pid[p["code"]], m) for p in projects for m in p.get("members", [])]
        emails = {m["email"] for _, m in listed}
        emails |= {r["email"] for r in self.program.get("resources", []) if "email" in r}
        known = self._users(emails)
        self.report.pending = sorted({m["email"] for _, m in listed
                                      if m["email"].lower() not in known})
        self._sync("members", {(project, m["email"]): (m["role"],) for project, m in listed})
        self._link_accounts()

    def _link_accounts(self) -> None:
        """Which account a membership belongs to is bookkeeping, not content: linking a
        membership to an account that appeared since is no change of the program."""
        self.conn.execute(
            "UPDATE memberships SET user_id = (SELECT u.id FROM users u WHERE lower(u.email) "
            "= lower(memberships.email) ORDER BY u.created_at, u.id LIMIT 1) "
            "WHERE program_id = ? AND user_id IS DISTINCT FROM (SELECT u.id FROM users u WHERE "
            "lower(u.email) = lower(memberships.email) ORDER BY u.created_at, u.id LIMIT 1)",
            (self.program_id,))

    def _users(self, emails: set[str]) -> set[str]:
        """The lowercased emails among `emails` that have an account (created first when
        asked); emails match accounts case-insensitively."""
        known = {row[0] for row in self.conn.execute("SELECT lower(email) FROM users")}
        if self.create_users:
            wanted: dict[str, str] = {}
            for email in sorted(emails):
                wanted.setdefault(email.lower(), email)
            for lowered, email in sorted(wanted.items()):
                if lowered not in known:
                    known.add(lowered)
                    self.conn.execute("INSERT INTO users (id, email, created_at) "
                                      "VALUES (?, ?, ?)", (new_id(), email, now()))
                    self.report.created_users.append(email)
        return known

    def _baselines_and_risks(self, projects: list[dict[str, Any]], pid: dict[str, str],
                             tid: dict[tuple[str, str], Any]) -> None:
        base_ids = self._sync("baselines", {(pid[p["code"]], b["name"]): (b["taken"],)
                                            for p in projects for b in p.get("baselines", [])})
        self._sync("baseline_tasks", {
            (base_ids[(pid[p["code"]], b["name"])], t["wbs"]):
                (t["start"], t["finish"], t["duration"])
            for p in projects for b in p.get("baselines", []) for t in b.get("tasks", [])})
        risk_ids = self._sync("risks", {
            (pid[p["code"]], r["code"]): (r["title"], r["probability"], r["impact"],
                                          r["status"], r.get("owner"))
            for p in projects for r in p.get("risks", [])})
        self._sync("risk_tasks", {(risk_ids[(pid[p["code"]], r["code"])], tid[(p["code"], w)]):
                                  () for p in projects for r in p.get("risks", [])
                                  for w in r.get("tasks", [])})

    def _pending_members(self) -> list[str]:
        return sorted({row[0] for row in self.conn.execute(
            "SELECT email FROM memberships WHERE program_id = ? AND lower(email) NOT IN "
            "(SELECT lower(email) FROM users)", (self.program_id,))})

    def _timeline(self) -> None:
        """A version 2 document's history (its base and events) becomes the program's
        history, replaced whole when it differs; a version 1 import leaves it alone (the
        store appends the changes the import made)."""
        if self.timeline is None:
            return
        base, events = self.timeline
        counts = self.report.counts.setdefault("events", Counts())
        row = self.conn.execute("SELECT document FROM history_base WHERE program_id = ?",
                                (self.program_id,)).fetchone()
        stored = [text for (text,) in self.conn.execute(
            "SELECT event FROM timeline_events WHERE program_id = ? ORDER BY position",
            (self.program_id,))]
        wanted = [json.dumps(e, ensure_ascii=False, sort_keys=True) for e in events]
        packed = zlib.compress(canonical_bytes(base), 6)
        same_base = row is not None and zlib.decompress(bytes(row[0])) == canonical_bytes(base)
        if same_base and stored == wanted:
            counts.unchanged += len(wanted)
            return
        self.conn.execute("DELETE FROM history_base WHERE program_id = ?", (self.program_id,))
        self.conn.execute("INSERT INTO history_base (program_id, document) VALUES (?, ?)",
                          (self.program_id, packed))
        self.conn.execute("DELETE FROM timeline_events WHERE program_id = ?", (self.program_id,))
        self.conn.executemany("INSERT INTO timeline_events (id, program_id, position, event) "
                              "VALUES (?, ?, ?, ?)", [(new_id(), self.program_id, i, e)
                                                      for i, e in enumerate(wanted)])
        counts.deleted += len(stored)
        counts.created += len(wanted)

    def _short_ids(self, keys: list[Key]) -> dict[Key, str]:
        """Short IDs like LM-42 for new tasks: the project's code and a number never reused."""
        out: dict[Key, str] = {}
        by_project: dict[Any, list[Key]] = {}
        for key in keys:
            by_project.setdefault(key[0], []).append(key)
        for project_id, project_keys in by_project.items():
            code, first = self.conn.execute("SELECT code, next_short FROM projects WHERE id = ?",
                                            (project_id,)).fetchone()
            prefix = code.upper()
            for n, key in enumerate(project_keys, start=first):
                out[key] = f"{prefix}-{n}"
            self.conn.execute("UPDATE projects SET next_short = ? WHERE id = ?",
                              (first + len(project_keys), project_id))
        return out

    def _finish(self) -> None:
        changed = any(c.changed for k, c in self.report.counts.items())
        if self.report.status != "created" and changed:
            self.report.status = "updated"
            self.report.server_version += 1
            self.conn.execute("UPDATE programs SET server_version = ?, updated_at = ? "
                              "WHERE id = ?", (self.report.server_version, now(),
                                               self.program_id))
        if changed:
            summary = json.dumps({k: vars(c) for k, c in self.report.counts.items()})
            self.conn.execute("INSERT INTO import_events (id, program_code, at, server_version,"
                              " summary) VALUES (?, ?, ?, ?, ?)",
                              (new_id(), self.program["code"], now(),
                               self.report.server_version, summary))


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _end(ref: str, own: str) -> tuple[str, str]:
    project, _, wbs = ref.rpartition(":")
    return project or own, wbs


def _task_values(task: dict[str, Any]) -> tuple[Any, ...]:
    estimate = task.get("estimate") or {}
    constraint = task.get("constraint") or {}
    return (task["name"], task.get("notes"), task.get("duration"), estimate.get("optimistic"),
            estimate.get("likely"), estimate.get("pessimistic"), task.get("status"),
            task.get("percent_complete"), 1 if task.get("milestone") else None,
            task.get("sprint"), constraint.get("type"), constraint.get("date"),
            task.get("deadline"), task.get("actual_start"), task.get("actual_finish"),
            1 if task.get("manual") else None, task.get("start"), task.get("calendar"),
            1 if task.get("elapsed") else None)
