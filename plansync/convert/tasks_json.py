"""The workflow tool's full task JSON <-> seed.

An array of task objects: `taskNumber`, `name`, `parent` (a task number), `sequence` (the
order under the parent), `links` (`{"type", "link"}`, the predecessor's task number) and the
task data area `data.task`. Import gives tasks in their initial state, as the reference
says: progress (phase, hold, actual dates, started/finished flags) is not imported.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from plansync.convert.plan import EMAIL, Codes, program_doc, slug, wbs_of_tree
from plansync.convert.planned import (
    Workdays,
    exported_dates,
    parse_day,
    planned_order_problem,
    read_planned,
)
from plansync.convert.report import PointerProblems, Report, located
from plansync.errors import ConvertError, Problem
from plansync.seed import locate
from plansync.seed.model import split_ref, wbs_key

LINK_TYPES = {"fs": "FS", "ss": "SS", "ff": "FF", "sf": "SF", "finishtostart": "FS",
              "starttostart": "SS", "finishtofinish": "FF", "starttofinish": "SF"}
# Exported with the current state only; never imported (tasks come in their initial state).
STATE = ("phase", "hold", "actualStartDate", "actualFinishDate", "startDependenciesMet",
         "started", "finishDependenciesMet", "finished", "assignmentStatus")
TOP_DROPPED = ("reference", "processTypeReference", "processTypeName", "actionRequired",
               "lastActivityTimestamp", "statusReference", "statusName", "message",
               "channels", "groups", "config")
TASK_DROPPED = ("attachments", "mode", "useChildFinish", "referee")
_PHASE = {"todo": "initial", "in_progress": "progress", "blocked": "progress",
          "done": "complete", "cancelled": "cancel"}


class _Reader(PointerProblems):
    def __init__(self, name: str, text: str) -> None:
        self.name, self.text = name, text
        self.problems: list[Problem] = []


def link_type(raw: Any) -> str | None:
    """FS/SS/FF/SF from `fs`, `FS`, `FinishToStart`, `finish-to-start`, ..."""
    if not isinstance(raw, str):
        return None
    return LINK_TYPES.get(re.sub(r"[^a-z]", "", raw.lower()))


def read(name: str, text: str, doc: Any, *, program: str | None, project: str | None,
         start: str | None, report: Report) -> dict[str, Any]:
    reader = _Reader(name, text)
    if not isinstance(doc, list):
        reader.fail("", "a task JSON file is an array of task objects",
                    "export the tasks as JSON from the workflow tool, or choose another "
                    "format with --from")
        reader.check()
    items: dict[int, tuple[int, dict[str, Any]]] = {}
    for i, item in enumerate(doc):
        here = f"/{i}"
        if not isinstance(item, dict):
            reader.fail(here, "a task must be a JSON object", "remove or fix this entry")
            continue
        number = item.get("taskNumber")
        if type(number) is not int or number < 1:
            reader.fail(f"{here}/taskNumber" if "taskNumber" in item else here,
                        "every task needs a taskNumber (a whole number above 0)",
                        "number the tasks: parents and links refer to these numbers")
            continue
        if number in items:
            reader.fail(f"{here}/taskNumber", f"taskNumber {number} is used twice (first at "
                        f"/{items[number][0]})", "give every task its own number")
            continue
        if not isinstance(item.get("name"), str) or not item["name"]:
            reader.fail(f"{here}/name" if "name" in item else here, "a task needs a name",
                        "give the task a non-empty name")
            continue
        items[number] = (i, item)
    reader.check()
    tree: list[tuple[Any, Any, Any]] = []
    for number, (i, item) in items.items():
        parent = item.get("parent")
        if parent is not None and (type(parent) is not int or parent not in items):
            reader.fail(f"/{i}/parent", f"parent {parent!r} is not the taskNumber of a task "
                        "in the file", "point at a task of the file, or leave parent out")
            parent = None
        tree.append((number, parent, _order(item.get("sequence"), number)))
    reader.check()
    try:
        wbs = wbs_of_tree(tree)
    except ValueError as exc:
        number = exc.args[0]
        reader.fail(f"/{items[number][0]}/parent", f"task {number} is its own ancestor",
                    "fix the parent chain")
        reader.check()
        raise AssertionError("unreachable") from None
    parents = {p for _, p, _ in tree if p is not None}
    tasks: dict[int, dict[str, Any]] = {}
    codes = Codes()
    resources: dict[str, dict[str, Any]] = {}
    workdays = Workdays()
    first = dt.date.fromisoformat(start) if start else None
    deps: list[dict[str, Any]] = []
    for number, (i, item) in items.items():
        task: dict[str, Any] = {"wbs": wbs[number], "name": item["name"]}
        tasks[number] = task
        for key in TOP_DROPPED:
            if item.get(key) not in (None, "", [], {}, False):
                report.drop(f"task {key} values")
        area = item.get("data")
        areas = area if isinstance(area, dict) else {}
        for key, value in areas.items():
            if key != "task" and value not in (None, {}, []):
                report.drop(f"data.{key} areas")
        data = areas.get("task")
        data = data if isinstance(data, dict) else {}
        here = f"/{i}/data/task"
        description = data.get("description")
        if isinstance(description, str) and description:
            task["notes"] = description
        s = _date(reader, data, "plannedStartDate", here)
        f = _date(reader, data, "plannedFinishDate", here)
        problem = planned_order_problem(s, f)
        if problem:
            reader.fail(f"{here}/plannedFinishDate", *problem)
        else:
            if start is None:
                for day in (s, f):
                    if day and (first is None or day < first):
                        first = day
            problem = read_planned(task, s, f, number not in parents, workdays)
            if problem:
                reader.fail(f"{here}/plannedFinishDate", *problem)
        assignee = data.get("assignee")
        if isinstance(assignee, dict) and (assignee.get("name") or assignee.get("email")):
            code = _resource(reader, assignee, f"{here}/assignee", codes, resources)
            if code:
                task["assignees"] = [code]
        for key in STATE:
            if data.get(key) not in (None, "", False, "initial"):
                report.drop(f"task {key} values (import gives the initial state)")
        for key in TASK_DROPPED:
            if data.get(key) not in (None, "", [], {}, False):
                report.drop(f"task {key} values")
        links = item.get("links")
        if links is None:
            continue
        if not isinstance(links, list):
            reader.fail(f"/{i}/links", "links must be an array of {\"type\", \"link\"}",
                        "fix the links of this task")
            continue
        seen: set[int] = set()
        for j, link in enumerate(links):
            at = f"/{i}/links/{j}"
            if not isinstance(link, dict):
                reader.fail(at, "a link must be an object {\"type\", \"link\"}",
                            "fix this link")
                continue
            pred = link.get("link")
            kind = link_type(link.get("type", "fs"))
            if type(pred) is not int or pred not in items:
                reader.fail(f"{at}/link", f"unknown predecessor {pred!r}: no task has this "
                            "taskNumber", "link to the taskNumber of a task of the file")
            elif kind is None:
                reader.fail(f"{at}/type", f"unknown link type {link.get('type')!r}",
                            "use fs, ss, ff or sf (any case), or FinishToStart, "
                            "StartToStart, FinishToFinish, StartToFinish")
            elif pred == number:
                reader.fail(f"{at}/link", f"task {number} depends on itself",
                            "remove this link")
            elif pred in seen:
                reader.fail(f"{at}/link", f"a second link to task {pred}",
                            "keep one link per predecessor")
            else:
                seen.add(pred)
                dep = {"from": wbs[pred], "to": wbs[number]}
                if kind != "FS":
                    dep["type"] = kind
                line, col = locate.line_col(text, locate.offset_of(text, at))
                report.sources[f"/program/projects/0/dependencies/{len(deps)}"] = (
                    line, col, at, "")
                deps.append(dep)
    reader.check()
    stem = _stem(name)
    project_code = project or slug(stem, "project")
    if first is None:
        raise ConvertError([located(name, "the tasks have no planned dates, and a plan needs "
                                    "a project start", "give one with --start YYYY-MM-DD")])
    ordered = sorted(tasks.values(), key=lambda t: wbs_key(t["wbs"]))
    seed_project = {"code": project_code, "name": stem, "start": first.isoformat(),
                    "tasks": ordered, "dependencies": deps}
    return program_doc(program or project_code, stem, seed_project, list(resources.values()))


def _stem(path: str) -> str:
    import os

    base = os.path.basename(path)
    for suffix in (".tasks.json", ".json"):
        if base.endswith(suffix) and len(base) > len(suffix):
            return base[:-len(suffix)]
    return base or "tasks"


def _order(sequence: Any, number: int) -> tuple[int, Any, int]:
    """Siblings sort by sequence (numerically when it is a number), then task number."""
    if isinstance(sequence, int | float) and not isinstance(sequence, bool):
        return (0, float(sequence), number)
    if isinstance(sequence, str) and re.fullmatch(r"\s*\d+(\.\d+)?\s*", sequence):
        return (0, float(sequence), number)
    if isinstance(sequence, str) and sequence:
        return (1, sequence, number)
    return (2, "", number)


def _date(reader: _Reader, data: dict[str, Any], key: str, here: str) -> dt.date | None:
    raw = data.get(key)
    if raw in (None, ""):
        return None
    day = parse_day(raw) if isinstance(raw, str) else None
    if day is None:
        reader.fail(f"{here}/{key}", f"cannot read the date {raw!r}",
                    "write yyyy-mm-ddThh:mm:ss (or yyyy-mm-dd)")
    return day


def _resource(reader: _Reader, assignee: dict[str, Any], at: str, codes: Codes,
              resources: dict[str, dict[str, Any]]) -> str | None:
    raw_name, raw_email = assignee.get("name"), assignee.get("email")
    name: str = raw_name if isinstance(raw_name, str) else ""
    email: str = raw_email if isinstance(raw_email, str) else ""
    if email and not EMAIL.fullmatch(email):
        reader.fail(f"{at}/email", f"{email!r} is not an email address",
                    "write name@domain, or leave the email out")
        return None
    key = email.lower() if email else f"name:{name}"
    if key not in resources:
        resource = {"code": codes.new(name or email.split("@")[0], "resource"),
                    "name": name or email, "type": "person"}
        if email:
            resource["email"] = email
        resources[key] = resource
    return str(resources[key]["code"])


# --- seed -> task JSON


def export(doc: dict[str, Any], report: Report, *, initial: bool) -> bytes:
    from plansync.convert.sheet.export import _project_losses, _task_losses

    program = doc["program"]
    project = program["projects"][0]
    tasks = sorted(project.get("tasks", []), key=lambda t: wbs_key(t["wbs"]))
    numbers = {t["wbs"]: n for n, t in enumerate(tasks, 1)}
    resources = {r["code"]: r for r in program.get("resources", [])}
    links: dict[str, list[dict[str, Any]]] = {}
    for dep in project.get("dependencies", []):
        if split_ref(dep["from"])[0] or split_ref(dep["to"])[0]:
            report.drop("links to other projects")
            continue
        links.setdefault(dep["to"], []).append(
            {"type": dep.get("type", "FS"), "link": numbers[dep["from"]]})
        if dep.get("lag", 0):
            report.drop("dependency lags")
    dates = exported_dates(doc, project, report)
    out = []
    for task in tasks:
        wbs = task["wbs"]
        parent, _, last = wbs.rpartition(".")
        item: dict[str, Any] = {"taskNumber": numbers[wbs], "name": task["name"]}
        if parent:
            item["parent"] = numbers[parent]
        item["sequence"] = last
        item["links"] = sorted(links.get(wbs, []), key=lambda link: link["link"])
        data: dict[str, Any] = {}
        if task.get("notes"):
            data["description"] = task["notes"]
        start, finish = dates[wbs]
        if start:
            data["plannedStartDate"] = f"{start}T00:00:00"
        if finish:
            data["plannedFinishDate"] = f"{finish}T00:00:00"
        assignees = task.get("assignees", [])
        if assignees:
            resource = resources.get(assignees[0], {"name": assignees[0]})
            data["assignee"] = {"name": resource["name"]}
            if resource.get("email"):
                data["assignee"]["email"] = resource["email"]
            report.drop("assignees after the first (a task has one assignee)",
                        len(assignees) - 1)
        if not initial:
            status = task.get("status", "todo")
            data["phase"] = _PHASE[status]
            data["hold"] = status == "blocked"
            data["started"] = status in ("in_progress", "blocked", "done") or (
                "actual_start" in task)
            data["finished"] = status == "done"
            if "actual_start" in task:
                data["actualStartDate"] = f"{task['actual_start']}T00:00:00"
            if "actual_finish" in task:
                data["actualFinishDate"] = f"{task['actual_finish']}T00:00:00"
        item["data"] = {"task": data}
        out.append(item)
        _task_losses(task, report, timed=bool(start and finish), finish=finish)
    _project_losses(doc, report)
    return (json.dumps(out, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
