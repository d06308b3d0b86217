"""Version 2 timelines: replay a document's events onto the state before the first one.

The program block of a v2 document is the state before its first event; replaying the events
in list order gives the final state, which is what an instance stores and exports (as v1).
An event that does not apply (a task that does not exist, a duplicate) is an error naming the
event, so a timeline never silently loses a change.

Every change the semantic diff knows has an event: the program's fields; calendars, resources
and members (program or project) created, updated, deleted; projects created, updated,
deleted; sprints, baselines and risks of a project likewise; tasks created, updated, deleted,
renumbered (`tasks_renumbered`, a project's moves at once, with every reference following);
dependencies added, updated, removed. docs/seed-format.md lists them with an example each.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from plansync.errors import Problem, SeedError

Entity = dict[str, Any]


class EventError(SeedError):
    pass


def final_state(doc: dict[str, Any]) -> dict[str, Any]:
    """The v1 document of a v1 or v2 document (a v1 document is returned as it is)."""
    if doc.get("version") != 2:
        return doc
    return {"version": 1, "program": replay(doc["program"], doc.get("events", []))}


def replay(program: dict[str, Any], events: list[dict[str, Any]], first: int = 0
           ) -> dict[str, Any]:
    """A copy of `program` with `events` applied in order (`first`: the index of the first
    one in its document, for the pointers of errors)."""
    state = copy.deepcopy(program)
    for index, event in enumerate(events, start=first):
        apply_event(state, event, f"/events/{index}")
    return state


def _fail(pointer: str, message: str) -> EventError:
    return EventError([Problem("", 0, 0, pointer, "event", message,
                               "the program block is the state before the first event; "
                               "each event must apply to the state the events before it left")])


def _project(program: Entity, event: Entity, here: str) -> Entity:
    code = event.get("project")
    for project in program.get("projects", []):
        if project["code"] == code:
            found: Entity = project
            return found
    raise _fail(here, f"event names no existing project {code!r}")


def _task(project: Entity, wbs: str, here: str) -> Entity:
    for task in project.get("tasks", []):
        if task["wbs"] == wbs:
            found: Entity = task
            return found
    raise _fail(here, f"event names no existing task {wbs} in project {project['code']!r}")


# -- entities kept in keyed lists ------------------------------------------------------------

# entity kind -> (its list's name, its key field, where it lives: "program" or "project")
KEYED = {
    "calendar": ("calendars", "code", "program"),
    "resource": ("resources", "code", "program"),
    "member": ("members", "email", "either"),
    "sprint": ("sprints", "code", "project"),
    "baseline": ("baselines", "name", "project"),
    "risk": ("risks", "code", "project"),
}


def _holder(program: Entity, kind: str, event: Entity, here: str) -> Entity:
    where = KEYED[kind][2]
    if where == "program" or (where == "either" and "project" not in event):
        return program
    return _project(program, event, here)


def _keyed(kind: str, action: str) -> Callable[[Entity, Entity, str], None]:
    """The applier of <kind>_<action> for an entity of a keyed list."""
    name, key, _ = KEYED[kind]

    def apply(program: Entity, event: Entity, here: str) -> None:
        holder = _holder(program, kind, event, here)
        items: list[Entity] = holder.setdefault(name, [])
        if action == "created":
            value = event["value"]
            if any(i[key] == value[key] for i in items):
                raise _fail(here, f"{kind} {value[key]!r} already exists")
            items.append(copy.deepcopy(value))
            return
        ident = event["value"] if kind == "member" and action == "deleted" else event["key"]
        found = [i for i in items if i[key] == ident]
        if not found:
            raise _fail(here, f"event names no existing {kind} {ident!r}")
        if action == "deleted":
            holder[name] = [i for i in items if i[key] != ident]
        else:
            _set(found[0], event["field"], event["value"], key, here)

    return apply


def _set(entity: Entity, field: str, value: Any, key: str, here: str) -> None:
    if field == key:
        raise _fail(here, f"{field} is the key: it cannot be updated (delete and create)")
    if value is None:
        entity.pop(field, None)
    else:
        entity[field] = copy.deepcopy(value)


# -- the program and projects ------------------------------------------------------------------

def _program_updated(program: Entity, event: Entity, here: str) -> None:
    if event["field"] in ("projects", "calendars", "resources", "members"):
        raise _fail(here, f"{event['field']} change through their own events")
    _set(program, event["field"], event["value"], "", here)


def _project_created(program: Entity, event: Entity, here: str) -> None:
    value = event["value"]
    if any(p["code"] == value["code"] for p in program.get("projects", [])):
        raise _fail(here, f"project {value['code']!r} already exists")
    program.setdefault("projects", []).append(copy.deepcopy(value))


def _project_updated(program: Entity, event: Entity, here: str) -> None:
    project = _project(program, event, here)
    if event["field"] in ("tasks", "dependencies", "sprints", "baselines", "risks", "members"):
        raise _fail(here, f"{event['field']} change through their own events")
    _set(project, event["field"], event["value"], "code", here)


def _project_deleted(program: Entity, event: Entity, here: str) -> None:
    _project(program, event, here)
    program["projects"] = [p for p in program["projects"] if p["code"] != event["project"]]


# -- tasks -----------------------------------------------------------------------------------------

def _task_created(program: Entity, event: Entity, here: str) -> None:
    project = _project(program, event, here)
    if any(t["wbs"] == event["value"]["wbs"] for t in project.get("tasks", [])):
        raise _fail(here, f"task {event['value']['wbs']} already exists")
    project.setdefault("tasks", []).append(copy.deepcopy(event["value"]))


def _task_updated(program: Entity, event: Entity, here: str) -> None:
    task = _task(_project(program, event, here), event["wbs"], here)
    _set(task, event["field"], event["value"], "wbs", here)


def _status_changed(program: Entity, event: Entity, here: str) -> None:
    _task(_project(program, event, here), event["wbs"], here)["status"] = event["to"]


def _task_deleted(program: Entity, event: Entity, here: str) -> None:
    """Delete a task, its subtasks (unless `subtree` is false: then the task alone), and
    every dependency that touches them, in whichever project of the program it is listed."""
    project = _project(program, event, here)
    wbs = event["wbs"]
    _task(project, wbs, here)
    code = project["code"]
    alone = event.get("subtree") is False

    def gone(local: str) -> bool:
        return local == wbs or (not alone and local.startswith(wbs + "."))

    def touches(ref: str, owner: str) -> bool:
        target, _, local = ref.rpartition(":")
        return (target or owner) == code and gone(local)

    project["tasks"] = [t for t in project["tasks"] if not gone(t["wbs"])]
    for holder in program.get("projects", []):
        if "dependencies" in holder:
            holder["dependencies"] = [
                d for d in holder["dependencies"]
                if not touches(d["from"], holder["code"]) and not touches(d["to"], holder["code"])]


def _tasks_renumbered(program: Entity, event: Entity, here: str) -> None:
    """A project's task moves at once (old wbs -> new wbs), with every reference to the moved
    tasks following: dependency endpoints in every project, risks' task lists and baselines'
    task entries of the project."""
    project = _project(program, event, here)
    moves: dict[str, str] = event["value"]
    tasks = {t["wbs"]: t for t in project.get("tasks", [])}
    for old in moves:
        if old not in tasks:
            raise _fail(here, f"event names no existing task {old} in project "
                        f"{project['code']!r}")
    staying = set(tasks) - set(moves)
    clash = sorted(set(moves.values()) & staying)
    if clash or len(set(moves.values())) != len(moves):
        raise _fail(here, f"renumbering onto a wbs that is taken: {', '.join(clash) or 'twice'}")
    for old, new in moves.items():
        tasks[old]["wbs"] = new
    code = project["code"]
    for holder in program.get("projects", []):
        for dep in holder.get("dependencies", []):
            for end in ("from", "to"):
                target, colon, local = dep[end].rpartition(":")
                if (target or holder["code"]) == code and local in moves:
                    dep[end] = f"{target}{colon}{moves[local]}"
    for risk in project.get("risks", []):
        if "tasks" in risk:
            risk["tasks"] = [moves.get(w, w) for w in risk["tasks"]]
    for baseline in project.get("baselines", []):
        for entry in baseline.get("tasks", []):
            entry["wbs"] = moves.get(entry["wbs"], entry["wbs"])


# -- dependencies ---------------------------------------------------------------------------------

def _dependency(project: Entity, event: Entity, here: str) -> Entity:
    for dep in project.get("dependencies", []):
        if (dep["from"], dep["to"]) == (event["from"], event["to"]):
            found: Entity = dep
            return found
    raise _fail(here, f"no dependency from {event['from']} to {event['to']}")


def _dependency_added(program: Entity, event: Entity, here: str) -> None:
    project = _project(program, event, here)
    value = event["value"]
    if any((d["from"], d["to"]) == (value["from"], value["to"])
           for d in project.get("dependencies", [])):
        raise _fail(here, f"a dependency from {value['from']} to {value['to']} already exists")
    project.setdefault("dependencies", []).append(copy.deepcopy(value))


def _dependency_updated(program: Entity, event: Entity, here: str) -> None:
    dep = _dependency(_project(program, event, here), event, here)
    if event["field"] in ("from", "to"):
        raise _fail(here, "a dependency's ends are its key: remove it and add another")
    _set(dep, event["field"], event["value"], "", here)


def _dependency_removed(program: Entity, event: Entity, here: str) -> None:
    project = _project(program, event, here)
    dep = _dependency(project, event, here)
    project["dependencies"] = [d for d in project["dependencies"] if d is not dep]


APPLY: dict[str, Callable[[Entity, Entity, str], None]] = {
    "program_updated": _program_updated,
    "project_created": _project_created,
    "project_updated": _project_updated,
    "project_deleted": _project_deleted,
    "task_created": _task_created,
    "task_updated": _task_updated,
    "task_deleted": _task_deleted,
    "tasks_renumbered": _tasks_renumbered,
    "status_changed": _status_changed,
    "dependency_added": _dependency_added,
    "dependency_updated": _dependency_updated,
    "dependency_removed": _dependency_removed,
    "member_added": _keyed("member", "created"),
    "member_updated": _keyed("member", "updated"),
    "member_removed": _keyed("member", "deleted"),
    **{f"{kind}_{action}": _keyed(kind, action)
       for kind in ("calendar", "resource", "sprint", "baseline", "risk")
       for action in ("created", "updated", "deleted")},
}


def apply_event(program: Entity, event: Entity, here: str = "") -> None:
    """Apply one event to a program block, in place; EventError if it does not apply."""
    try:
        APPLY[event["type"]](program, event, here)
    except (KeyError, TypeError, AttributeError) as exc:  # a shape the schema let through
        raise _fail(here, f"the {event.get('type')} event does not fit: {exc!r}") from None
