"""The columns of each row read into task fields: dependencies, planned and actual dates,
status, and assignees (made into resources).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from plansync.convert.plan import Codes
from plansync.convert.planned import Workdays, planned_order_problem, read_planned
from plansync.convert.sheet.dates import read_date
from plansync.convert.sheet.people import parse_people
from plansync.convert.sheet.table import _Reader, _Row, _value, text

_STATUS_READ = {"todo": "todo", "notstarted": "todo", "open": "todo", "new": "todo",
                "inprogress": "in_progress", "started": "in_progress", "active": "in_progress",
                "blocked": "blocked", "onhold": "blocked", "hold": "blocked",
                "done": "done", "complete": "done", "completed": "done", "finished": "done",
                "closed": "done", "cancelled": "cancelled", "canceled": "cancelled"}
_PHASES = {"initial": "todo", "prepare": "todo", "assign": "todo", "wait": "todo",
           "ready": "todo", "info": "todo", "progress": "in_progress", "submit": "in_progress",
           "redo": "in_progress", "complete": "done", "cancel": "cancelled"}
_DEPENDENCY = re.compile(r"\s*(\d+)\s*(fs|ss|ff|sf)?\s*", re.IGNORECASE)
_TRUE = {"true", "yes", "y", "1", "x"}
_FALSE = {"false", "no", "n", "0", ""}


def parse_dependencies(raw: str) -> list[tuple[int, str]] | None:
    """`3fs, 5ff` (commas or semicolons, any case, fs by default) -> [(3, "FS"), (5, "FF")];
    None if malformed."""
    out = []
    for part in re.split(r"[,;]", raw):
        if not part.strip():
            continue
        match = _DEPENDENCY.fullmatch(part)
        if not match:
            return None
        out.append((int(match[1]), (match[2] or "fs").upper()))
    return out


def _dependencies(reader: _Reader, rows: list[_Row], by_seq: dict[int, _Row]
                  ) -> list[tuple[dict[str, Any], tuple[int, int]]]:
    """The dependencies, each with the (row, column) of the cell it was read from."""
    deps = []
    for row in rows:
        col, cell = row.cells.get("dependencies", (0, None))
        raw = text(cell)
        if not raw:
            continue
        parsed = parse_dependencies(raw)
        if parsed is None:
            reader.fail(row.number, col, f"cannot read the dependencies {raw!r}",
                        "write predecessor task numbers with a type: 3fs, 5ff (fs, ss, ff or "
                        "sf in any case, fs when left out; commas or semicolons between)")
            continue
        seen: set[int] = set()
        for number, kind in parsed:
            pred = by_seq.get(number)
            if pred is None:
                reader.fail(row.number, col, f"unknown predecessor {number}: no row has "
                            f"sequence {number}", "use the Sequence of another row")
            elif pred is row:
                reader.fail(row.number, col, f"task {number} depends on itself",
                            "remove it from its own dependencies")
            elif number in seen:
                reader.fail(row.number, col, f"predecessor {number} is listed twice",
                            "keep one dependency per predecessor")
            else:
                seen.add(number)
                dep = {"from": pred.wbs, "to": row.wbs}
                if kind != "FS":
                    dep["type"] = kind
                deps.append((dep, (row.number, col)))
    return deps


def _dates(reader: _Reader, rows: list[_Row], tasks: dict[int, dict[str, Any]],
           start: str | None) -> dt.date | None:
    """Planned and actual dates; returns the project start (the earliest planned date, or
    --start)."""
    workdays = Workdays()
    first: dt.date | None = dt.date.fromisoformat(start) if start else None
    for row in rows:
        task = tasks[row.sequence]
        s = read_date(reader, row, "plannedstartdate")
        f = read_date(reader, row, "plannedfinishdate")
        a_s = read_date(reader, row, "actualstartdate")
        a_f = read_date(reader, row, "actualfinishdate")
        if a_s:
            task["actual_start"] = a_s.isoformat()
        if a_f:
            task["actual_finish"] = a_f.isoformat()
        problem = planned_order_problem(s, f)
        if problem:
            reader.fail(row.number, row.cells["plannedfinishdate"][0], *problem)
            continue
        if start is None:
            for day in (s, f):
                if day and (first is None or day < first):
                    first = day
        problem = read_planned(task, s, f, not row.children, workdays)
        if problem:
            reader.fail(row.number, row.cells["plannedfinishdate"][0], *problem)
    return first


def _status(reader: _Reader, rows: list[_Row], tasks: dict[int, dict[str, Any]]) -> None:
    for row in rows:
        status = None
        raw = _value(row, "status")
        if raw:
            status = _STATUS_READ.get(re.sub(r"[\s_-]", "", raw).lower())
            if status is None:
                reader.report.drop("status names that are not a plansync status")
        phase = _value(row, "phase").lower()
        if status is None and phase:
            status = _PHASES.get(phase)
            if status is None:
                reader.report.drop("unknown phases")
        if status is None and _flag(row, "finished"):
            status = "done"
        if status is None and _flag(row, "hold"):
            status = "blocked"
        if status is None and _flag(row, "started"):
            status = "in_progress"
        if status and status != "todo":
            tasks[row.sequence]["status"] = status


def _flag(row: _Row, key: str) -> bool:
    cell = row.cells.get(key, (0, None))[1]
    if isinstance(cell, bool):
        return cell
    return text(cell).lower() in _TRUE


def _assignees(reader: _Reader, rows: list[_Row], tasks: dict[int, dict[str, Any]]
               ) -> list[dict[str, Any]]:
    codes = Codes()
    by_key: dict[str, dict[str, Any]] = {}
    for row in rows:
        col, cell = row.cells.get("assignedto", (0, None))
        raw = text(cell)
        if not raw:
            continue
        people = parse_people(raw)
        if people is None:
            reader.fail(row.number, col, f"cannot read the assignee {raw!r}",
                        "write Name <email address>, several separated by commas")
            continue
        assigned = []
        for name, email in people:
            key = email.lower() if email else f"name:{name}"
            resource = by_key.get(key)
            if resource is None:
                resource = {"code": codes.new(name or email.split("@")[0], "resource"),
                            "name": name or email, "type": "person"}
                if email:
                    resource["email"] = email
                by_key[key] = resource
            assigned.append(resource["code"])
        tasks[row.sequence]["assignees"] = sorted(set(assigned))
    return list(by_key.values())
