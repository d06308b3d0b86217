"""The schedule an import stores with the tasks: computed (in a child process for a big
program, while the import goes on), and the fingerprint of what it depends on."""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

from plansync.forked import Forked

SCHEDULE_COLUMNS = ("early_start", "early_finish", "late_start", "late_finish", "total_float",
                    "free_float", "critical")
NO_SCHEDULE: tuple[Any, ...] = (None,) * 7

_SCHEDULE_TASK_FIELDS = ("wbs", "duration", "estimate", "milestone", "constraint", "deadline",
                         "status", "actual_start", "actual_finish")
_SCHEDULE_TASK_ADDED = ("manual", "start", "calendar", "elapsed")  # issue 16: hashed if set


ScheduleByKey = dict[tuple[str, str], tuple[Any, ...]]

# A document with at least this many tasks is scheduled in a child process while the import
# goes on (see schedule_ahead); below it the fork costs more than it saves.
AHEAD_TASKS = 2000


def schedule_by_key(doc: dict[str, Any]) -> ScheduleByKey:
    """The schedule columns of every task of a valid document, by (project code, wbs).
    Raises ValueError for dates beyond what a calendar can hold."""
    from plansync.schedule.cpm import schedule_rows

    return {(r.project, r.wbs): (r.early_start, r.early_finish, r.late_start, r.late_finish,
                                 r.total_float, r.free_float, int(r.critical))
            for r in schedule_rows(doc)}


def schedule_ahead(doc: dict[str, Any]) -> Forked[ScheduleByKey] | None:
    """schedule_by_key(doc) started in a forked child, for a big document (None for a small
    one): the import normalises and writes the other rows meanwhile, on the other core. The
    schedule does not depend on list order or on defaults being written out, so the document
    as validated gives the columns of its normalised form (a property test holds this)."""
    tasks = sum(len(p.get("tasks", [])) for p in doc["program"].get("projects", []))
    if tasks < AHEAD_TASKS:
        return None
    return Forked(lambda: schedule_by_key(doc))


def schedule_input(doc: dict[str, Any]) -> str:
    """A hash of everything the schedule depends on (not names, notes, people or risks).
    (Fields added later count only where they are set, so plans without them keep the hash
    they had.)"""
    program = doc["program"]
    projection: dict[str, Any] = {
        "calendars": program.get("calendars", []),
        "projects": [[p["code"], p["start"], p.get("calendar"),
                      [[t.get(f) for f in _SCHEDULE_TASK_FIELDS] + _added(t)
                       for t in p.get("tasks", [])],
                      p.get("dependencies", [])] for p in program.get("projects", [])],
    }
    if "scheduling" in program:
        projection["scheduling"] = program["scheduling"]
    return hashlib.sha256(orjson.dumps(projection, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _added(task: dict[str, Any]) -> list[Any]:
    return [[f, task[f]] for f in _SCHEDULE_TASK_ADDED if f in task]
