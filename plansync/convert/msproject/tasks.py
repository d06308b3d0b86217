"""Tasks (the WBS tree from outline numbers or from parent ids and order; timing, progress
and notes; what is recomputed or dropped) and the links between them.
"""

from __future__ import annotations

import html.parser
import re
from typing import Any

from plansync.convert.msproject.records import Record, _key, _Reader, days_of
from plansync.convert.plan import wbs_of_tree
from plansync.convert.report import Report

LINK_TYPES = {"FinishToStart": "FS", "StartToStart": "SS", "FinishToFinish": "FF",
              "StartToFinish": "SF"}
CONSTRAINTS = {"MustStartOn": "must_start_on", "MustFinishOn": "must_finish_on",
               "StartNoEarlierThan": "start_no_earlier_than",
               "StartNoLaterThan": "start_no_later_than",
               "FinishNoEarlierThan": "finish_no_earlier_than",
               "FinishNoLaterThan": "finish_no_later_than"}
TASK_READ = {"id", "name", "outlineNumber", "outlineLevel", "parentId", "order", "index",
             "summary", "milestone", "duration", "percentComplete", "constraintType",
             "constraintDate", "deadline", "notes", "unformattednotes", "actualStart",
             "actualFinish", "sprintId", "manual"}
TASK_COMPUTED = {"critical", "freeSlack", "totalSlack", "scheduledDuration",
                 "remainingDuration", "actualDuration", "scheduledStart", "scheduledFinish",
                 "earlyStart", "earlyFinish", "lateStart", "lateFinish", "start", "finish",
                 "resume", "stop", "completeThrough", "startSlack", "finishSlack",
                 "scheduleDrivers", "actualWork", "remainingWork", "cdsEffortCompleted",
                 "cdsEffortRemaining", "cdsEffortEstimateAtComplete", "cdsPercentComplete",
                 "cdsScheduleVariance"}
TASK_DROPPED = {"work": "task work values", "bucketId": "task bucket placements",
                "bucketOrder": "task orders in buckets", "sprintOrder": "task orders in sprints",
                "type": "task types (fixed units, duration or work)",
                "durationDisplayFormat": "task duration display formats",
                "collapsed": "task display settings", "showNotesOnCard": "task display settings",
                "showChecklistOnCard": "task display settings",
                "gridColor": "task display settings"}
_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                   r"[0-9a-fA-F]{12}")


def _tasks(reader: _Reader, records: list[Record], sprints: dict[str, str | None]
           ) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    by_id: dict[str, Record] = {}
    for record in records:
        tid = record.get("id")
        if not isinstance(tid, str) or not tid:
            reader.fail(record.pointer, "a task needs an id",
                        "export the tasks with their ids (links and assignments use them)")
        elif tid in by_id:
            reader.fail(f"{record.pointer}/id", f"task id {tid} is used twice (first at "
                        f"{by_id[tid].pointer})", "give every task its own id")
        else:
            by_id[tid] = record
    reader.check()
    wbs = _outline(by_id) or _tree(reader, by_id)
    reader.check()
    parents = {w.rpartition(".")[0] for w in wbs.values()}
    tasks: dict[str, dict[str, Any]] = {}
    for tid, record in by_id.items():
        name = record.get("name")
        if not isinstance(name, str) or not name:
            reader.fail(f"{record.pointer}/name" if "name" in record.values else
                        record.pointer, "a task needs a name", "give the task a name")
            continue
        task: dict[str, Any] = {"wbs": wbs[tid], "name": name}
        summary = wbs[tid] in parents
        _task_timing(reader, record, task, summary)
        _task_state(reader, record, task)
        notes = record.get("unformattednotes") or _plain(record.get("notes"))
        if isinstance(notes, str) and notes:
            task["notes"] = notes
        sprint = _key(record.get("sprintId"))
        if isinstance(sprint, str) and sprint:
            if sprint not in sprints:
                reader.fail(f"{record.pointer}/sprintId", f"sprint {sprint} is not in the "
                            "file's sprints", "export the sprints with the tasks")
            elif sprints[sprint] is None:
                reader.report.drop("task sprint references to dropped sprints")
            else:
                task["sprint"] = sprints[sprint]
        _task_report(record, reader.report)
        tasks[tid] = task
    return tasks, wbs


def _outline(by_id: dict[str, Record]) -> dict[str, str] | None:
    """wbs from every task's outlineNumber, when all have one, they are unique, and every
    parent exists; otherwise None (the tree is read from parentId and order)."""
    out: dict[str, str] = {}
    for tid, record in by_id.items():
        number = record.get("outlineNumber")
        if not isinstance(number, str) or not re.fullmatch(
                r"[1-9][0-9]{0,8}(\.[1-9][0-9]{0,8})*", number.strip()):
            return None
        out[tid] = number.strip()
    if len(set(out.values())) != len(out):
        return None
    numbers = set(out.values())
    if any(n.rpartition(".")[0] and n.rpartition(".")[0] not in numbers for n in numbers):
        return None
    return out


def _tree(reader: _Reader, by_id: dict[str, Record]) -> dict[str, str]:
    items = []
    for tid, record in by_id.items():
        parent = _key(record.get("parentId"))
        if parent in ("", "00000000-0000-0000-0000-000000000000"):
            parent = None
        if parent is not None and parent not in by_id:
            reader.fail(f"{record.pointer}/parentId", f"parent task {parent} is not in the "
                        "file", "export the whole project, or give the task an "
                        "outlineNumber")
            parent = None
        order = record.get("order", record.get("index"))
        key = (0, float(order)) if isinstance(order, int | float) and not isinstance(
            order, bool) else (1, 0.0)
        items.append((tid, parent, key))
    try:
        return {str(k): v for k, v in wbs_of_tree(items).items()}
    except ValueError as exc:
        reader.fail(f"{by_id[exc.args[0]].pointer}/parentId", "the task is its own ancestor",
                    "fix the parentId chain")
        return {}


def _task_timing(reader: _Reader, record: Record, task: dict[str, Any], summary: bool) -> None:
    duration = reader.days(record, "duration")
    milestone = record.get("milestone") is True
    if summary:
        if duration is not None:
            reader.report.recompute("summary task durations")
    elif duration is not None and (duration or not milestone):
        task["duration"] = min(duration, 100000)  # a milestone's too, if it has one
    if milestone:
        task["milestone"] = True
    kind = record.get("constraintType")
    if kind in CONSTRAINTS:
        day = reader.day(record, "constraintDate")
        if day is None:
            reader.report.drop("constraints without a date")
        else:
            task["constraint"] = {"type": CONSTRAINTS[kind], "date": day.isoformat()}
    elif kind == "AsLateAsPossible":
        reader.report.drop("as-late-as-possible constraints")
    elif kind not in (None, "", "AsSoonAsPossible"):
        reader.fail(f"{record.pointer}/constraintType", f"unknown constraint type {kind!r}",
                    "use one of AsSoonAsPossible, AsLateAsPossible, " + ", ".join(CONSTRAINTS))
    deadline = reader.day(record, "deadline")
    if deadline:
        task["deadline"] = deadline.isoformat()
    if record.get("manual") is True:
        start = None if summary else reader.day(record, "start")
        if start is None:
            reader.report.drop("manual scheduling of summary tasks" if summary else
                               "manual scheduling of tasks without a start date")
        else:  # fixed on its start, whatever its links say
            task["manual"] = True
            task["start"] = start.isoformat()


def _task_state(reader: _Reader, record: Record, task: dict[str, Any]) -> None:
    percent = record.get("percentComplete")
    if isinstance(percent, int | float) and not isinstance(percent, bool) and percent > 0:
        value = round(min(float(percent), 100.0), 3) + 0.0
        task["percent_complete"] = int(value) if value.is_integer() else value
    started, finished = reader.day(record, "actualStart"), reader.day(record, "actualFinish")
    if started:
        task["actual_start"] = started.isoformat()
    if finished:
        task["actual_finish"] = finished.isoformat()
    done = task.get("percent_complete") == 100
    if done:
        task["status"] = "done"
    elif task.get("percent_complete") or started:
        task["status"] = "in_progress"


def _task_report(record: Record, report: Report) -> None:
    for key, value in record.values.items():
        if key in TASK_READ or value in (None, "", [], {}):
            continue
        if key in TASK_COMPUTED:
            report.recompute("task scheduling results (dates, slack, critical, remaining "
                             "work)")
        elif key in TASK_DROPPED:
            report.drop(TASK_DROPPED[key])
        elif key == "priority":
            if value != 5:
                report.drop("task priorities")
        elif _GUID.fullmatch(key):
            report.drop("task custom field values")
        else:
            report.drop(f"unknown task fields ({key})")


class _Text(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("br", "p", "div", "li") and self.parts:
            self.parts.append("\n")


def _plain(notes: Any) -> str:
    if not isinstance(notes, str) or not notes:
        return ""
    parser = _Text()
    parser.feed(notes)
    parser.close()
    return re.sub(r"\n{2,}", "\n", "".join(parser.parts)).strip()


def _links(reader: _Reader, records: list[Record], wbs: dict[str, str]) -> list[dict[str, Any]]:
    deps: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], str] = {}
    for record in records:
        pred, succ = _key(record.get("predecessorId")), _key(record.get("successorId"))
        bad = [k for k, v in (("predecessorId", pred), ("successorId", succ)) if v not in wbs]
        if bad:
            reader.fail(f"{record.pointer}/{bad[0]}", f"link to task {record.get(bad[0])!r}, "
                        "which is not in the file", "export the links with their tasks")
            continue
        kind = record.get("linkType", "FinishToStart")
        if kind not in LINK_TYPES:
            reader.fail(f"{record.pointer}/linkType", f"unknown link type {kind!r}",
                        "use FinishToStart, StartToStart, FinishToFinish or StartToFinish")
            continue
        if pred == succ:
            reader.fail(record.pointer, "a task linked to itself", "remove this link")
            continue
        pair = (wbs[pred], wbs[succ])
        if pair in seen:
            reader.report.drop("second links between the same two tasks")
            continue
        seen[pair] = record.pointer
        dep: dict[str, Any] = {"from": pair[0], "to": pair[1]}
        if LINK_TYPES[kind] != "FS":
            dep["type"] = LINK_TYPES[kind]
        lag = record.get("delay", 0)
        if lag:
            if isinstance(lag, int | float) and not isinstance(lag, bool):
                dep["lag"] = max(-100000, min(100000, days_of(lag, reader.seconds_per_day)))
            else:
                reader.fail(f"{record.pointer}/delay", f"delay must be seconds of working "
                            f"time, not {lag!r}", "write the delay as a number of seconds")
        if record.get("driver") is not None:
            reader.report.recompute("link driver flags")
        deps.append(dep)
    return deps
