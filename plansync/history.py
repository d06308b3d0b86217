"""A plan's history as version 2 events: the semantic diff of two states written as the
timeline events that replay one into the other (plansync.seed.events), and the timeline of a
seed file built from its Git history.

`events_between(old, new, at, actor)`: events that turn `old` into `new`, in an order where
each applies to the state the ones before it left: first every removal (named in the old
numbering: dependencies, then risks, baselines, sprints, tasks, members, calendars,
resources, projects), then each project's renumbering at once (references follow), then
every addition and field change (named in the new numbering). Replaying them on `old` gives
`new` exactly: a property test holds it.
"""

from __future__ import annotations

from typing import Any

from plansync.diff import Change, diff_documents
from plansync.seed.model import wbs_key

Event = dict[str, Any]
_REMOVAL_ORDER = ("dependency", "risk", "baseline", "sprint", "task", "member", "calendar",
                  "resource", "project")
_CHANGE_ORDER = ("program", "calendar", "resource", "project", "member", "sprint", "task",
                 "dependency", "baseline", "risk")


def timeline_of(versions: list[tuple[str, str, dict[str, Any]]]) -> dict[str, Any]:
    """A version 2 document from successive states (at, actor, v1 document), oldest first:
    the first is its program block, and each next one adds the events of its changes."""
    from plansync.seed.canonical import normalise

    if not versions:
        raise ValueError("no versions")
    first = versions[0][2]
    events: list[Event] = []
    for (_, _, old), (at, actor, new) in zip(versions, versions[1:], strict=False):
        events += events_between(old, new, at, actor)
    return normalise({"version": 2, "program": first["program"], "events": events})


def events_between(old: dict[str, Any], new: dict[str, Any], at: str, actor: str
                   ) -> list[Event]:
    return changes_to_events(diff_documents(old, new), at, actor)


def changes_to_events(changes: list[Change], at: str, actor: str) -> list[Event]:
    """The events of diff_documents' changes, in an order that replays (see the module)."""
    stamp = {"at": at, "actor": actor}
    removals: dict[str, list[Event]] = {kind: [] for kind in _REMOVAL_ORDER}
    moves: dict[str, dict[str, str]] = {}
    later: dict[str, list[Event]] = {kind: [] for kind in _CHANGE_ORDER}
    deletions = _task_deletions(changes)
    added: list[tuple[Change, Event]] = []
    for c in changes:
        if c.kind == "task" and c.op == "remove":
            if (c.project, c.key) in deletions:
                removals["task"].append({**stamp, **deletions[(c.project, c.key)]})
            continue
        event = _event(c)
        if event is None:
            if c.op == "move" and c.kind == "task":
                moves.setdefault(str(c.project), {})[str(c.old)] = str(c.new)
            continue
        event = {**stamp, **event}
        if c.op == "remove":
            removals[c.kind].append(event)
        elif c.kind == "task" and c.op == "add":
            added.append((c, event))
        else:
            later[c.kind].append(event)
    # Parents before their children, whatever order the diff listed them in.
    later["task"][:0] = [e for _, e in sorted(added, key=lambda p: (
        str(p[0].project), len(p[0].key.split(".")), wbs_key(p[0].key)))]
    renumbering = [{**stamp, "type": "tasks_renumbered", "project": project, "value": mapping}
                   for project, mapping in sorted(moves.items())]
    return ([e for kind in _REMOVAL_ORDER for e in removals[kind]] + renumbering
            + [e for kind in _CHANGE_ORDER for e in later[kind]])


def _task_deletions(changes: list[Change]) -> dict[tuple[str | None, str], Event]:
    """The task_deleted event of each removed task that needs one. A removed task goes with
    its whole subtree, and its removed subtasks need no event of their own; but one with a
    subtask that moves elsewhere (it is renumbered after the removals) goes alone
    (`subtree: false`), and its other removed subtasks are deleted one by one."""
    removed = sorted(((c.project, c.key) for c in changes
                      if c.kind == "task" and c.op == "remove"),
                     key=lambda k: (str(k[0]), len(k[1].split(".")), wbs_key(k[1])))
    moved = {(c.project, str(c.old)) for c in changes if c.kind == "task" and c.op == "move"}
    whole: set[tuple[str | None, str]] = set()
    events: dict[tuple[str | None, str], Event] = {}
    for project, wbs in removed:
        parts = wbs.split(".")
        if any((project, ".".join(parts[:n])) in whole for n in range(1, len(parts))):
            continue  # an ancestor's deletion takes it
        keeps_moved = any(p == project and w.startswith(wbs + ".") for p, w in moved)
        event: Event = {"type": "task_deleted", "project": project, "wbs": wbs}
        if keeps_moved:
            event["subtree"] = False
        else:
            whole.add((project, wbs))
        events[(project, wbs)] = event
    return events


def _event(c: Change) -> Event | None:
    """The event of one change (None: implied by another event, or a task move)."""
    project = {"project": c.project} if c.project is not None else {}
    if c.kind == "program":
        return {"type": "program_updated", "field": c.field, "value": c.new}
    if c.kind == "project":
        if c.op == "add":
            return {"type": "project_created", "value": c.new}
        if c.op == "remove":
            return {"type": "project_deleted", "project": c.key}
        return {"type": "project_updated", "project": c.key, "field": c.field, "value": c.new}
    if c.kind == "task":
        return _task_event(c, project)
    if c.kind == "dependency":
        return _dependency_event(c, project)
    if c.kind == "member":
        if c.op == "add":
            return {"type": "member_added", **project, "value": c.new}
        if c.op == "remove":
            return {"type": "member_removed", **project, "value": c.key}
        return {"type": "member_updated", **project, "key": c.key, "field": c.field,
                "value": c.new}
    where = {} if c.kind in ("calendar", "resource") else project
    if c.op == "add":
        return {"type": f"{c.kind}_created", **where, "value": c.new}
    if c.op == "remove":
        return {"type": f"{c.kind}_deleted", **where, "key": c.key}
    return {"type": f"{c.kind}_updated", **where, "key": c.key, "field": c.field,
            "value": c.new}


def _task_event(c: Change, project: dict[str, Any]) -> Event | None:
    if c.op == "move":
        return None  # gathered into the project's tasks_renumbered
    if c.op == "add":
        return {"type": "task_created", **project, "value": c.new}
    if c.field == "status":
        return {"type": "status_changed", **project, "wbs": c.key, "from": c.old or "todo",
                "to": c.new or "todo"}
    return {"type": "task_updated", **project, "wbs": c.key, "field": c.field, "value": c.new}


def _dependency_event(c: Change, project: dict[str, Any]) -> Event | None:
    if c.op == "move":
        return None  # the renumbering of its tasks moved it
    if c.op == "add":
        return {"type": "dependency_added", **project, "value": c.new}
    if c.op == "remove":
        return {"type": "dependency_removed", **project, "from": c.old["from"],
                "to": c.old["to"]}
    first, _, second = c.key.partition(" -> ")
    return {"type": "dependency_updated", **project, "from": first, "to": second,
            "field": c.field, "value": c.new}
