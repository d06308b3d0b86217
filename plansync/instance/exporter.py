"""Export: the rows of one program back to a seed document (plain data, canonical order)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from typing import Any

from plansync.seed.canonical import normalise


def _present(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


class Exporter:
    def __init__(self, conn: sqlite3.Connection, program_id: str) -> None:
        self.conn = conn
        self.program_id = program_id

    def _rows(self, sql: str) -> list[tuple[Any, ...]]:
        return self.conn.execute(sql, (self.program_id,)).fetchall()

    def program(self) -> dict[str, Any]:
        code, name, description, origin, scheduling = self.conn.execute(
            "SELECT code, name, description, origin, scheduling FROM programs WHERE id = ?",
            (self.program_id,)).fetchone()
        projects, members = self._projects(), self._members()
        program = _present(code=code, name=name, description=description)
        if origin is not None:
            parent, _, project = origin.partition("/")
            program["origin"] = {"program": parent, "project": project}
        if scheduling is not None:
            program["scheduling"] = json.loads(scheduling)
        program["calendars"] = [
            _present(code=c, workdays=_load(w), holidays=_load(h))
            for c, w, h in self._rows("SELECT code, workdays, holidays FROM calendars "
                                      "WHERE program_id = ?")]
        program["resources"] = [
            _present(code=c, name=n, email=e, type=t, capacity=cap, calendar=cal)
            for c, n, e, t, cap, cal in self._rows(
                "SELECT code, name, email, type, capacity, calendar FROM resources "
                "WHERE program_id = ?")]
        program["members"] = members.pop("", [])
        for project in projects.values():
            project["members"] = members.get(project.pop("_id"), [])
        program["projects"] = list(projects.values())
        return normalise({"version": 1, "program": program})

    def _members(self) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        for project_id, email, role in self._rows(
                "SELECT project_id, email, role FROM memberships WHERE program_id = ?"):
            out.setdefault(project_id or "", []).append({"email": email, "role": role})
        return out

    def _projects(self) -> dict[str, dict[str, Any]]:
        projects: dict[str, dict[str, Any]] = {}
        for pid, code, name, description, start, calendar, status in self._rows(
                "SELECT id, code, name, description, start, calendar, status FROM projects "
                "WHERE program_id = ?"):
            projects[pid] = {"_id": pid, **_present(
                code=code, name=name, description=description, start=start, calendar=calendar,
                status=status), "sprints": [], "tasks": [], "dependencies": [],
                "baselines": [], "risks": []}
        for pid, code, name, start, finish in self._rows(
                "SELECT s.project_id, s.code, s.name, s.start, s.finish FROM sprints s "
                "JOIN projects p ON s.project_id = p.id WHERE p.program_id = ?"):
            projects[pid]["sprints"].append(
                {"code": code, "name": name, "start": start, "finish": finish})
        tasks = self._tasks(projects)
        self._dependencies(projects, tasks)
        self._baselines(projects)
        self._risks(projects, tasks)
        return projects

    def _tasks(self, projects: dict[str, dict[str, Any]]) -> dict[str, tuple[str, str]]:
        """Fill in tasks; return task id -> (project id, wbs)."""
        where: dict[str, tuple[str, str]] = {}
        by_id: dict[str, dict[str, Any]] = {}
        for row in self._rows(
                "SELECT t.id, t.project_id, t.wbs, t.name, t.notes, t.duration, t.optimistic, "
                "t.likely, t.pessimistic, t.status, t.percent_complete, t.milestone, t.sprint, "
                "t.constraint_type, t.constraint_date, t.deadline, t.actual_start, "
                "t.actual_finish, t.manual, t.start, t.calendar, t.elapsed FROM tasks t "
                "JOIN projects p ON t.project_id = p.id WHERE p.program_id = ?"):
            (tid, pid, wbs, name, notes, duration, o, likely, p, status, pc, milestone, sprint,
             ctype, cdate, deadline, astart, afinish, manual, start, calendar, elapsed) = row
            task = _present(wbs=wbs, name=name, notes=notes, duration=duration, status=status,
                            percent_complete=pc, milestone=True if milestone else None,
                            sprint=sprint, deadline=deadline, actual_start=astart,
                            actual_finish=afinish, manual=True if manual else None,
                            start=start, calendar=calendar,
                            elapsed=True if elapsed else None)
            if o is not None:
                task["estimate"] = {"optimistic": o, "likely": likely, "pessimistic": p}
            if ctype is not None:
                task["constraint"] = {"type": ctype, "date": cdate}
            projects[pid]["tasks"].append(task)
            where[tid] = (pid, wbs)
            by_id[tid] = task
        for tid, code in self._rows(
                "SELECT a.task_id, r.code FROM assignments a JOIN resources r "
                "ON a.resource_id = r.id WHERE r.program_id = ?"):
            by_id[tid].setdefault("assignees", []).append(code)
        return where

    def _dependencies(self, projects: dict[str, dict[str, Any]],
                      tasks: dict[str, tuple[str, str]]) -> None:
        codes = {pid: p["code"] for pid, p in projects.items()}
        for owner, src, dst, kind, lag in self._rows(
                "SELECT d.project_id, d.from_task_id, d.to_task_id, d.type, d.lag "
                "FROM dependencies d JOIN projects p ON d.project_id = p.id "
                "WHERE p.program_id = ?"):
            projects[owner]["dependencies"].append(
                {"from": _ref(tasks[src], owner, codes), "to": _ref(tasks[dst], owner, codes),
                 "type": kind, "lag": lag})

    def _baselines(self, projects: dict[str, dict[str, Any]]) -> None:
        baselines: dict[str, dict[str, Any]] = {}
        for bid, pid, name, taken in self._rows(
                "SELECT b.id, b.project_id, b.name, b.taken FROM baselines b JOIN projects p "
                "ON b.project_id = p.id WHERE p.program_id = ?"):
            baselines[bid] = {"name": name, "taken": taken, "tasks": []}
            projects[pid]["baselines"].append(baselines[bid])
        for bid, wbs, start, finish, duration in self._rows(
                "SELECT t.baseline_id, t.wbs, t.start, t.finish, t.duration FROM baseline_tasks t "
                "JOIN baselines b ON t.baseline_id = b.id JOIN projects p "
                "ON b.project_id = p.id WHERE p.program_id = ?"):
            baselines[bid]["tasks"].append(
                {"wbs": wbs, "start": start, "finish": finish, "duration": duration})

    def _risks(self, projects: dict[str, dict[str, Any]],
               tasks: dict[str, tuple[str, str]]) -> None:
        risks: dict[str, dict[str, Any]] = {}
        for rid, pid, code, title, probability, impact, status, owner in self._rows(
                "SELECT r.id, r.project_id, r.code, r.title, r.probability, r.impact, r.status, "
                "r.owner FROM risks r JOIN projects p ON r.project_id = p.id "
                "WHERE p.program_id = ?"):
            risks[rid] = _present(code=code, title=title, probability=probability,
                                  impact=impact, status=status, owner=owner)
            projects[pid]["risks"].append(risks[rid])
        for rid, tid in self._rows(
                "SELECT rt.risk_id, rt.task_id FROM risk_tasks rt JOIN risks r "
                "ON rt.risk_id = r.id JOIN projects p ON r.project_id = p.id "
                "WHERE p.program_id = ?"):
            risks[rid].setdefault("tasks", []).append(tasks[tid][1])


def _ref(task: tuple[str, str], owner: str, codes: dict[str, str]) -> str:
    project, wbs = task
    return wbs if project == owner else f"{codes[project]}:{wbs}"


def _load(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def project_export_code(program: str, project: str, taken: Callable[[str], bool]) -> str:
    """The code of a project export: `<program>-<project>`; when that is longer than a code
    may be (63), cut and suffixed with a hash of the pair, so distinct projects never share
    one. `taken(code)` says a program of another origin already has the code: then `-2`,
    `-3`, ... are tried, so the export never names an unrelated program."""
    base = f"{program}-{project}"
    if len(base) > 63:
        digest = hashlib.sha256(f"{program}/{project}".encode()).hexdigest()[:8]
        base = f"{base[:54]}-{digest}"
    code, n = base, 1
    while taken(code):
        n += 1
        suffix = f"-{n}"
        code = base[:63 - len(suffix)] + suffix
    return code


def project_document(program_doc: dict[str, Any], project_code: str,
                     taken: Callable[[str], bool] = lambda code: False) -> dict[str, Any]:
    """One project wrapped in a synthesized single-project program (see docs/instance.md).

    Code from `project_export_code`, named after the project, with an `origin` naming the
    program and project it copies; links to sibling projects are dropped; the resources its
    tasks use, and the calendars it and they use, come along.
    """
    program = program_doc["program"]
    project = next(p for p in program.get("projects", []) if p["code"] == project_code)
    project = dict(project)
    project["dependencies"] = [d for d in project.get("dependencies", [])
                               if ":" not in d["from"] and ":" not in d["to"]]
    used = {a for t in project.get("tasks", []) for a in t.get("assignees", [])}
    resources = [r for r in program.get("resources", []) if r["code"] in used]
    calendars = sorted(program.get("calendars", []), key=lambda c: c["code"])
    # A project without a calendar is scheduled on its program's first calendar: keep that.
    implicit = None if project.get("calendar") or not calendars else calendars[0]["code"]
    used_calendars = ({project.get("calendar"), implicit} | {r.get("calendar") for r in resources}
                      | {t.get("calendar") for t in project.get("tasks", [])})
    kept = [c for c in calendars if c["code"] in used_calendars]
    if implicit and kept[0]["code"] != implicit:
        project["calendar"] = implicit
    synthesized: dict[str, Any] = {
        "code": project_export_code(program["code"], project_code, taken),
        "name": project["name"],
        "origin": {"program": program["code"], "project": project_code},
        "calendars": kept,
        "resources": resources,
        "projects": [project],
    }
    if project.get("description"):
        synthesized["description"] = project["description"]
    if "scheduling" in program:  # the copy is scheduled as its program is
        synthesized["scheduling"] = program["scheduling"]
    return normalise({"version": 1, "program": synthesized})
