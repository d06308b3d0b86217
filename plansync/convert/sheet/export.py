"""Seed -> task sheet (`export_rows`): the header and rows of one project, and what a sheet
cannot hold counted.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from plansync.convert.plan import slug
from plansync.convert.planned import exported_dates
from plansync.convert.report import Report
from plansync.convert.sheet.people import person, written_name
from plansync.convert.sheet.table import Cell, sheet_text
from plansync.seed.model import split_ref, wbs_key

# The header written on export of each column read (normalised as read.py reads it).
HEADERS = {"sequence": "Sequence", "task": "Task", "description": "Description",
           "status": "Status", "dependencies": "Dependencies",
           "plannedstartdate": "Planned start date", "plannedfinishdate": "Planned finish date",
           "actualstartdate": "Actual start date", "actualfinishdate": "Actual finish date",
           "assignedto": "Assigned to"}
STATUS_LABELS = {"todo": "To do", "in_progress": "In progress", "blocked": "Blocked",
                 "done": "Done", "cancelled": "Cancelled"}


def export_rows(doc: dict[str, Any], report: Report, *, initial: bool
                ) -> tuple[list[str], list[list[Cell]]]:
    """Header and rows of the single project of `doc` (already cut to the part and the
    state wanted). Dates are `datetime.date` values; what a sheet cannot hold is counted."""
    program = doc["program"]
    project = program["projects"][0]
    tasks = sorted(project.get("tasks", []), key=lambda t: wbs_key(t["wbs"]))
    seq = {t["wbs"]: n for n, t in enumerate(tasks, 1)}
    depth = max((t["wbs"].count(".") + 1 for t in tasks), default=1)
    resources = {r["code"]: r for r in program.get("resources", [])}
    preds: dict[str, list[tuple[int, str]]] = {}
    for dep in project.get("dependencies", []):
        if split_ref(dep["from"])[0] or split_ref(dep["to"])[0]:
            report.drop("links to other projects")
            continue
        preds.setdefault(dep["to"], []).append((seq[dep["from"]], dep.get("type", "FS")))
        if dep.get("lag", 0):
            report.drop("dependency lags")
    dates = exported_dates(doc, project, report)
    keys = ["sequence", "task"] + [f"task{n}" for n in range(2, depth + 1)] + [
        "description", "status", "dependencies", "plannedstartdate", "plannedfinishdate",
        "actualstartdate", "actualfinishdate", "assignedto"]
    if initial:
        keys = [k for k in keys if k not in ("status", "actualstartdate", "actualfinishdate")]
    header = [HEADERS.get(k, f"Task {k[4:]}") for k in keys]
    out: list[list[Cell]] = []
    for task in tasks:
        wbs = task["wbs"]
        level = wbs.count(".") + 1
        start, finish = dates[wbs]
        values: dict[str, Cell] = {
            "sequence": seq[wbs],
            "task" if level == 1 else f"task{level}": _name(task["name"], report),
            "description": _notes(task.get("notes", ""), report),
            "status": STATUS_LABELS[task.get("status", "todo")],
            "dependencies": ", ".join(f"{n}{kind.lower()}" for n, kind in
                                      sorted(preds.get(wbs, []))),
            "plannedstartdate": _day(start), "plannedfinishdate": _day(finish),
            "actualstartdate": _day(task.get("actual_start", "")),
            "actualfinishdate": _day(task.get("actual_finish", "")),
            "assignedto": ", ".join(person(resources.get(c), c)
                                    for c in task.get("assignees", [])),
        }
        out.append([values.get(k) for k in keys])
        _task_losses(task, report, timed=bool(start and finish), finish=finish)
    _project_losses(doc, report)
    return header, out


def _name(name: str, report: Report) -> str:
    """A task name as a sheet reads it back (cells are trimmed; an empty one is no name)."""
    trimmed = sheet_text(name)
    if not trimmed:
        report.approximate('blank task names (written as "(no name)")')
        return "(no name)"
    if trimmed != name:
        report.approximate("task names with spaces at either end (trimmed)")
    return trimmed


def _notes(notes: str, report: Report) -> str:
    trimmed = sheet_text(notes)
    if trimmed != notes:
        report.approximate("task notes with spaces at either end (trimmed)")
    return trimmed


def _day(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _task_losses(task: dict[str, Any], report: Report, *, timed: bool, finish: str) -> None:
    if task.get("percent_complete"):
        report.drop("task percent complete values")
    if "estimate" in task:
        report.drop("task estimates (the planned dates use their PERT mean)")
    if task.get("milestone"):
        report.drop("milestone flags")
    if "sprint" in task:
        report.drop("task sprints")
    constraint = task.get("constraint")
    if constraint and constraint["type"] not in ("start_no_earlier_than", "must_start_on"):
        report.drop("finish and no-later-than constraints")
    elif constraint and timed and constraint["type"] == "must_start_on":
        report.drop("must-start-on constraints (written as the planned start)")
    if "deadline" in task and timed and task["deadline"] != finish:
        report.drop("deadlines of tasks with planned dates")


def _project_losses(doc: dict[str, Any], report: Report) -> None:
    program = doc["program"]
    project = program["projects"][0]
    report.drop("sprints", len(project.get("sprints", [])))
    report.drop("baselines", len(project.get("baselines", [])))
    report.drop("risks", len(project.get("risks", [])))
    report.drop("members", len(program.get("members", [])) + len(project.get("members", [])))
    report.drop("calendars (the planned dates use them)", len(program.get("calendars", [])))
    used = {c for t in project.get("tasks", []) for c in t.get("assignees", [])}
    report.drop("resources no task is assigned to",
                sum(1 for r in program.get("resources", []) if r["code"] not in used))
    # An assignee is read back by its email, else by its name: these become one resource.
    keys = Counter(r["email"].lower() if r.get("email") else "name:" + written_name(r)
                   for r in program.get("resources", []) if r["code"] in used)
    report.approximate("blank resource names (written as the resource's code)", sum(
        1 for r in program.get("resources", [])
        if r["code"] in used and not sheet_text(r["name"])))
    report.approximate("resources that share an email (or, without one, a name) with "
                       "another (read back as one)", sum(n - 1 for n in keys.values()))
    report.drop("resource codes (read back made from the names)", sum(
        1 for r in program.get("resources", []) if r["code"] in used and r["code"] != slug(
            written_name(r), "resource")))
    report.drop("resource types, capacities and calendars (as plain names)", sum(
        1 for r in program.get("resources", []) if r["code"] in used and (
            r["type"] != "person" or "capacity" in r or "calendar" in r)))
    if program.get("description") or project.get("description"):
        report.drop("descriptions of the program and project")
