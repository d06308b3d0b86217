"""Version 2 timelines: replay a document's events onto the state before the first one.

The program block of a v2 document is the state before its first event; replaying the events
in list order gives the final state, which is what an instance stores and exports (as v1).
An event that does not apply (a task that does not exist, a duplicate) is an error naming the
event, so a timeline never silently loses a change.
"""

from __future__ import annotations

import copy
from typing import Any

from plansync.errors import Problem, SeedError


class EventError(SeedError):
    pass


def final_state(doc: dict[str, Any]) -> dict[str, Any]:
    """The v1 document of a v1 or v2 document (a v1 document is returned as it is)."""
    if doc.get("version") != 2:
        return doc
    program = copy.deepcopy(doc["program"])
    for index, event in enumerate(doc.get("events", [])):
        _apply(program, event, f"/events/{index}")
    return {"version": 1, "program": program}


def _fail(pointer: str, message: str) -> EventError:
    return EventError([Problem("", 0, 0, pointer, "event", message,
                               "the program block is the state before the first event; "
                               "each event must apply to the state the events before it left")])


def _project(program: dict[str, Any], event: dict[str, Any], here: str) -> dict[str, Any]:
    code = event.get("project")
    for project in program.get("projects", []):
        if project["code"] == code:
            found: dict[str, Any] = project
            return found
    raise _fail(here, f"event names no existing project {code!r}")


def _task(project: dict[str, Any], wbs: str, here: str) -> dict[str, Any]:
    for task in project.get("tasks", []):
        if task["wbs"] == wbs:
            found: dict[str, Any] = task
            return found
    raise _fail(here, f"event names no existing task {wbs} in project {project['code']!r}")


def _apply(program: dict[str, Any], event: dict[str, Any], here: str) -> None:
    kind = event["type"]
    if kind in ("member_added", "member_removed"):
        holder = _project(program, event, here) if "project" in event else program
        _members(holder, kind, event, here)
        return
    project = _project(program, event, here)
    if kind == "task_created":
        if any(t["wbs"] == event["value"]["wbs"] for t in project.get("tasks", [])):
            raise _fail(here, f"task {event['value']['wbs']} already exists")
        project.setdefault("tasks", []).append(copy.deepcopy(event["value"]))
    elif kind == "task_updated":
        task = _task(project, event["wbs"], here)
        if event["value"] is None:
            task.pop(event["field"], None)
        else:
            task[event["field"]] = copy.deepcopy(event["value"])
    elif kind == "status_changed":
        _task(project, event["wbs"], here)["status"] = event["to"]
    elif kind == "task_deleted":
        _delete_task(program, project, event["wbs"], here)
    elif kind == "dependency_added":
        project.setdefault("dependencies", []).append(copy.deepcopy(event["value"]))
    elif kind == "dependency_removed":
        deps = project.get("dependencies", [])
        kept = [d for d in deps if (d["from"], d["to"]) != (event["from"], event["to"])]
        if len(kept) == len(deps):
            raise _fail(here, f"no dependency from {event['from']} to {event['to']}")
        project["dependencies"] = kept


def _delete_task(program: dict[str, Any], project: dict[str, Any], wbs: str,
                 here: str) -> None:
    """Delete a task, its subtasks, and every dependency that touches them, in whichever
    project of the program that dependency is listed."""
    _task(project, wbs, here)
    code = project["code"]

    def gone(local: str) -> bool:
        return local == wbs or local.startswith(wbs + ".")

    def touches(ref: str, owner: str) -> bool:
        target, _, local = ref.rpartition(":")
        return (target or owner) == code and gone(local)

    project["tasks"] = [t for t in project["tasks"] if not gone(t["wbs"])]
    for holder in program.get("projects", []):
        if "dependencies" in holder:
            holder["dependencies"] = [
                d for d in holder["dependencies"]
                if not touches(d["from"], holder["code"]) and not touches(d["to"], holder["code"])]


def _members(holder: dict[str, Any], kind: str, event: dict[str, Any], here: str) -> None:
    members = holder.setdefault("members", [])
    if kind == "member_added":
        if any(m["email"] == event["value"]["email"] for m in members):
            raise _fail(here, f"{event['value']['email']} is already a member")
        members.append(copy.deepcopy(event["value"]))
        return
    kept = [m for m in members if m["email"] != event["value"]]
    if len(kept) == len(members):
        raise _fail(here, f"{event['value']} is not a member")
    holder["members"] = kept
