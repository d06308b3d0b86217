"""What a change does to the schedule.

Both plans are scheduled with `plansync.schedule.cpm.schedule` (its public results only: task
rows, project and program finish, the critical path, the warnings), each side read into a
plain `Side`, and the two compared task by task through the task moves of the diff:

- program and project finish, before and after;
- warnings new and resolved: a missed constraint, a missed deadline, negative float, a plan
  that cannot be scheduled (and whatever other warnings the scheduler gives, as `other`);
- leaf tasks that joined or left the critical path;
- the leaf tasks whose finish moved most (summary tasks only repeat their leaves);
- a few bars to draw (the critical path and the tasks that moved, before and after).

`scheduled(doc)` gives a Side (picklable, so that a caller may compute one side elsewhere;
`pack` makes it cheaper to send) and `compare(before, after, changes)` the impact;
`schedule_impact(old, new, changes)` does both.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from typing import Any, NamedTuple

from plansync.diff.changes import Change
from plansync.memory import no_gc_pauses
from plansync.seed.events import final_state
from plansync.seed.model import wbs_key

TaskKey = tuple[str, str]  # (project code, wbs)


class Row(NamedTuple):
    """One task's schedule as the impact reads it (dates YYYY-MM-DD, float in working days)."""

    name: str
    start: str
    finish: str
    critical: bool
    summary: bool
    total_float: float



WARNING_KINDS = ("unschedulable", "missed-constraint", "missed-deadline", "negative-float",
                 "other")
MAX_BARS = 30  # bars in the picture: the tasks that moved most, then the critical path

# Changes that cannot move a date or a warning: scheduling reads none of these.
_QUIET_KINDS = frozenset({"resource", "member", "sprint", "baseline", "risk"})
_QUIET_FIELDS = {
    "program": frozenset({"name", "description"}),
    "task": frozenset({"name", "notes", "assignees", "sprint", "percent_complete"}),
    "project": frozenset({"name", "description", "status"}),
}
_CONSTRAINT = re.compile(r"(?P<task>\S+) cannot meet (?P<what>\w+) ")
_DEADLINE = re.compile(r"(?P<task>\S+) finishes \S+, after its deadline ")


@dataclass(frozen=True)
class Side:
    """One plan's schedule as the impact reads it (plain data). `error` is why the plan
    cannot be scheduled (then there are no dates, and one `unschedulable` warning)."""

    finish: str | None
    projects: dict[str, str]
    tasks: dict[TaskKey, Row]
    critical_path: list[TaskKey]
    warnings: list[dict[str, Any]]
    error: str | None = None


def _task_key(name: str) -> TaskKey:
    project, _, wbs = name.partition(":")
    return project, wbs


def task_name(key: TaskKey) -> str:
    return f"{key[0]}:{key[1]}"


def _order(key: TaskKey) -> tuple[str, tuple[int, ...]]:
    return key[0], wbs_key(key[1])


def scheduled(doc: dict[str, Any]) -> Side:
    """The schedule of a valid document (v1 or v2), read for the impact."""
    return scheduled_taking([doc])


def scheduled_taking(holder: list[dict[str, Any]]) -> Side:
    """scheduled(holder.pop()), the document let go as soon as it is compiled for scheduling:
    when the caller holds it nowhere else, its memory serves the schedule (a big plan's
    document and its schedule are each ~100 MB)."""
    from plansync.schedule.build import build_plan
    from plansync.schedule.cpm import schedule_plan

    with no_gc_pauses():  # a big plan is millions of objects without cycles
        try:
            result = schedule_plan(build_plan(final_state(holder.pop())))
        except ValueError as exc:  # a cycle, or dates beyond what a calendar can hold
            return Side(None, {}, {}, [], [{
                "kind": "unschedulable", "task": None, "name": None,
                "message": f"the plan cannot be scheduled: {exc}"}], str(exc))
        return _side(result)


def pack(side: Side) -> tuple[Any, ...]:
    """A Side as a few flat lists (pickled several times faster than its rows); unpack(pack(
    side)) == side."""
    keys, rows = list(side.tasks), list(side.tasks.values())
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(Row._fields)
    return (side.finish, side.projects, [k[0] for k in keys], [k[1] for k in keys], *columns,
            side.critical_path, side.warnings, side.error)


def unpack(packed: tuple[Any, ...]) -> Side:
    finish, projects, codes, wbs, *columns, path, warnings, error = packed
    with no_gc_pauses():  # 100,000 rows beside a big document
        rows = map(Row._make, zip(*columns, strict=True))
        return Side(finish, projects, dict(zip(zip(codes, wbs, strict=True), rows,
                                               strict=True)), path, warnings, error)


# The fields of plansync.schedule.report.ScheduleRow that make a task's key, and its Row
_KEY_FIELDS = ("project", "wbs")
_ROW_FIELDS = ("name", "early_start", "early_finish", "critical", "summary", "total_float")


def _side(result: Any) -> Side:
    """A Schedule (plansync.schedule.report) read into a Side: rows, warnings as records."""
    from plansync.schedule.report import ScheduleRow

    fields = ScheduleRow._fields
    key_of, row_of = (itemgetter(*map(fields.index, names))
                      for names in (_KEY_FIELDS, _ROW_FIELDS))
    rows = result.tasks
    tasks: dict[TaskKey, Row] = dict(zip(map(key_of, rows), map(Row._make, map(row_of, rows)),
                                         strict=True))
    warnings = [_warning(text, tasks) for text in result.warnings]
    for key, row in tasks.items():
        if not row.summary and row.total_float < 0:
            warnings.append({"kind": "negative-float", "task": task_name(key), "name": row.name,
                             "message": f"{task_name(key)} has negative float: "
                                        f"{row.total_float} working day(s)"})
    return Side(result.finish, {code: p.finish for code, p in result.projects.items()}, tasks,
                [_task_key(n) for n in result.critical_path], warnings)


def _warning(text: str, tasks: dict[TaskKey, Row]) -> dict[str, Any]:
    """A scheduler warning as a record: its kind, its task and that task's name."""
    kind, detail = "other", None
    match = _CONSTRAINT.match(text)
    if match:
        kind, detail = "missed-constraint", match.group("what")
    else:
        match = _DEADLINE.match(text)
        if match:
            kind = "missed-deadline"
    task = match.group("task") if match else text.split(" ", 1)[0]
    row = tasks.get(_task_key(task))
    if row is None:
        task = None
    out = {"kind": kind, "task": task, "name": row.name if row else None, "message": text}
    if detail:
        out["constraint"] = detail
    return out


def touches_schedule(change: Change) -> bool:
    """Whether a change can move a date or a warning (anything scheduling reads)."""
    if change.kind in _QUIET_KINDS:
        return False
    if change.op != "change":
        return change.kind != "program" or change.op in ("add", "remove")
    return change.field not in _QUIET_FIELDS.get(change.kind, ())


def schedule_impact(old: dict[str, Any], new: dict[str, Any], changes: list[Change],
                    top: int = 10, before: Side | None = None) -> dict[str, Any]:
    """How `changes` (= diff_documents(old, new)) move the schedule (see compare);
    `before` is scheduled(old) when the caller has it already."""
    before = scheduled(old) if before is None else before
    after = scheduled(new) if any(map(touches_schedule, changes)) else before
    return compare(before, after, changes, top)


def compare(before: Side, after: Side, changes: list[Change], top: int = 10) -> dict[str, Any]:
    """The impact of `changes` between two scheduled sides:

    {"program": {"finish": [old, new]}, "projects": {code: {"finish": [old, new]}} (projects
    whose finish changed; None where a project does not exist), "warnings": {"new": [...],
    "resolved": [...]} (records {"kind", "task", "name", "message"}, "constraint" for a
    missed constraint), "joined_critical" / "left_critical": [{"task", "name"}] (leaf tasks;
    added critical tasks join, removed ones leave), "moved": the `top` leaf tasks whose early
    finish moved most in calendar days ({"task", "name", "old_start", "new_start",
    "old_finish", "new_finish", "days"}), "moved_total": how many leaf tasks moved, "gantt":
    bars to draw ({"task", "name", "critical", "before": [start, finish] | None, "after": ...})}.
    """
    with no_gc_pauses():
        pairs = _pairs(before, after, changes)
        back = {new: old for old, new in pairs.items()}
        moved = _moved(before, after, pairs)
        return {
            "program": {"finish": [before.finish, after.finish]},
            "projects": _project_finishes(before, after),
            "warnings": _warning_changes(before, after, pairs),
            **_critical_changes(before, after, pairs, back),
            "moved": moved[:max(top, 0)],
            "moved_total": len(moved),
            "gantt": _bars(before, after, pairs, back, moved),
        }


def changed(impact: dict[str, Any] | None) -> bool:
    """Whether an impact has anything to show."""
    if impact is None:
        return False
    old, new = impact["program"]["finish"]
    return old != new or bool(impact["projects"] or impact["warnings"]["new"]
                              or impact["warnings"]["resolved"] or impact["joined_critical"]
                              or impact["left_critical"] or impact["moved"])


def _pairs(before: Side, after: Side, changes: list[Change]) -> dict[TaskKey, TaskKey]:
    """Old task key -> new task key of every task on both sides (renumbered ones included)."""
    moves: dict[TaskKey, str] = {}
    gone: set[TaskKey] = set()
    gone_projects: set[str] = set()
    for c in changes:
        if c.kind == "task" and c.op == "move" and c.project is not None:
            moves[(c.project, str(c.old))] = c.key
        elif c.kind == "task" and c.op == "remove" and c.project is not None:
            gone.add((c.project, c.key))
        elif c.kind == "project" and c.op == "remove":
            gone_projects.add(c.key)
    tasks = after.tasks
    if not moves and not gone and not gone_projects:  # the common case, 100,000 tasks
        return {key: key for key in before.tasks if key in tasks}
    return {key: new for key in before.tasks if key not in gone and key[0] not in gone_projects
            and (new := key if (m := moves.get(key)) is None else (key[0], m)) in tasks}


def _project_finishes(before: Side, after: Side) -> dict[str, dict[str, list[str | None]]]:
    out: dict[str, dict[str, list[str | None]]] = {}
    for code in sorted(before.projects.keys() | after.projects.keys()):
        old, new = before.projects.get(code), after.projects.get(code)
        if old != new:
            out[code] = {"finish": [old, new]}
    return out


def _identity(warning: dict[str, Any], translate: Callable[[str], str | None]
              ) -> tuple[Any, ...]:
    task = warning["task"]
    if task is not None:
        found = translate(task)
        task = "\0" + task if found is None else found
    detail = warning.get("constraint") if warning["kind"] != "other" else warning["message"]
    if warning["kind"] == "unschedulable":
        detail = None
    return warning["kind"], task, detail


def _warning_changes(before: Side, after: Side,
                     pairs: dict[TaskKey, TaskKey]) -> dict[str, list[dict[str, Any]]]:
    """Warnings only after (new) and only before (resolved), the same warning being the same
    kind on the same task (followed through moves) for the same constraint."""
    if before is after:
        return {"new": [], "resolved": []}

    def same(name: str) -> str | None:  # a task of the new side keeps its name
        key = _task_key(name)
        return name if key in after.tasks and task_name(key) == name else None

    def renamed(name: str) -> str | None:  # a task of the old side: its new name
        key = _task_key(name)
        return task_name(pairs[key]) if key in pairs and task_name(key) == name else None

    old = {_identity(w, renamed): w for w in before.warnings}
    new = {_identity(w, same): w for w in after.warnings}
    return {"new": _sorted([w for k, w in new.items() if k not in old]),
            "resolved": _sorted([w for k, w in old.items() if k not in new])}


def _sorted(warnings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    def key(w: dict[str, Any]) -> tuple[Any, ...]:
        task: tuple[str, tuple[int, ...]] = (_order(_task_key(w["task"])) if w["task"]
                                              else ("", ()))
        return WARNING_KINDS.index(w["kind"]), task, w["message"]

    return sorted(warnings, key=key)


def _named(key: TaskKey, row: Row) -> dict[str, str]:
    return {"task": task_name(key), "name": row.name}


def _critical_changes(before: Side, after: Side, pairs: dict[TaskKey, TaskKey],
                      back: dict[TaskKey, TaskKey]) -> dict[str, list[dict[str, str]]]:
    """Leaf tasks critical only after (joined) or only before (left) the changes, by new key
    when the task still exists; added and removed tasks count as joining and leaving."""
    joined = [key for key, row in after.tasks.items() if row.critical and not row.summary
              and not (key in back and before.tasks[back[key]].critical)]
    left = [key for key, row in before.tasks.items() if row.critical and not row.summary
            and not (key in pairs and after.tasks[pairs[key]].critical)]
    return {
        "joined_critical": [_named(k, after.tasks[k]) for k in sorted(joined, key=_order)],
        "left_critical": [_named(pairs.get(k, k), before.tasks[k])
                          for k in sorted(left, key=lambda k: _order(pairs.get(k) or k))],
    }


def _days(old: str, new: str) -> int:
    return (date.fromisoformat(new) - date.fromisoformat(old)).days


def _moved(before: Side, after: Side, pairs: dict[TaskKey, TaskKey]) -> list[dict[str, Any]]:
    """Every leaf task whose early finish moved, most first (by |days|, then task key)."""
    shifts = []
    for old, new in pairs.items():
        a, b = before.tasks[old], after.tasks[new]
        if a.finish != b.finish and not b.summary:
            shifts.append((_days(a.finish, b.finish), old, new))
    shifts.sort(key=lambda s: (-abs(s[0]), _order(s[2])))
    out = []
    for days, old, new in shifts:
        a, b = before.tasks[old], after.tasks[new]
        out.append({"task": task_name(new), "name": b.name,
                    "old_start": a.start, "new_start": b.start,
                    "old_finish": a.finish, "new_finish": b.finish, "days": days})
    return out


def _bars(before: Side, after: Side, pairs: dict[TaskKey, TaskKey],
          back: dict[TaskKey, TaskKey], moved: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """At most MAX_BARS tasks to draw, in start order: the tasks that moved most, then the
    critical path after the changes (before it, for a plan that can no longer be scheduled)."""
    wanted: list[TaskKey] = [_task_key(m["task"]) for m in moved[:MAX_BARS // 2]]
    path = after.critical_path if after.error is None else [
        pairs.get(k, k) for k in before.critical_path]
    for key in path:
        if len(wanted) >= MAX_BARS:
            break
        if key not in wanted:
            wanted.append(key)
    bars: list[tuple[tuple[str, tuple[str, tuple[int, ...]]], dict[str, Any]]] = []
    for key in wanted:
        now = after.tasks.get(key)
        then = before.tasks.get(back.get(key, key)) if key in back or key not in after.tasks \
            else None
        row = now or then
        if row is None:
            continue
        bars.append(((row.start, _order(key)), {
            "task": task_name(key), "name": row.name,
            "critical": bool(now is not None and now.critical),
            "before": [then.start, then.finish] if then else None,
            "after": [now.start, now.finish] if now else None}))
    return [bar for _, bar in sorted(bars, key=lambda b: b[0])]
