"""What a reviewer needs beside the changes: the name of every task a change names, the
effective duration of a task whose duration or estimate changed (a `duration` absent on one
side still had the PERT mean of its `estimate`), and the dependencies of an added task.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from plansync.diff.changes import Change
from plansync.seed.events import final_state

TaskKey = tuple[str, str]  # (project code, wbs)
_DURATION_FIELDS = frozenset({"duration", "estimate", "milestone"})


@dataclass(frozen=True)
class Context:
    """names: task key -> name (the new name, else the old one); durations: task key ->
    (old, new) effective duration in working days (None where the task is absent or a
    summary); after: added task key -> its predecessors as written ("1.3", "gs:1 SS +2")."""

    names: dict[TaskKey, str] = field(default_factory=dict)
    durations: dict[TaskKey, tuple[float | None, float | None]] = field(default_factory=dict)
    after: dict[TaskKey, list[str]] = field(default_factory=dict)

    def name(self, project: str | None, key: str) -> str | None:
        return self.names.get((project or "", key))


def effective_duration(task: dict[str, Any], summary: bool = False) -> float | None:
    """The duration scheduling uses: `duration`, else the PERT mean of `estimate`, else 0;
    a milestone is 0; a summary has none of its own (None)."""
    if summary:
        return None
    if task.get("milestone"):
        return 0
    if isinstance(task.get("duration"), int | float):
        return float(task["duration"])
    estimate = task.get("estimate")
    if isinstance(estimate, dict):
        o, m, p = (float(estimate.get(k, 0)) for k in ("optimistic", "likely", "pessimistic"))
        return round((o + 4 * m + p) / 6, 6)
    return 0


def describe(old: dict[str, Any] | None, new: dict[str, Any] | None,
             changes: list[Change]) -> Context:
    """The context of `changes` between two documents (a side may be None: added or removed
    program). Reads only the projects that the changes name."""
    wanted: dict[str, set[str]] = {}
    for c in changes:
        if c.kind == "task" and c.project is not None:
            wanted.setdefault(c.project, set()).add(c.key)
            if c.op == "move":
                wanted[c.project].add(str(c.old))
    if not wanted:
        return Context()
    sides = [_projects(final_state(doc), wanted) if doc else {} for doc in (old, new)]
    names: dict[TaskKey, str] = {}
    for side in sides:  # the new name wins
        for code, (tasks, _deps, _summaries) in side.items():
            for wbs in wanted[code]:
                if wbs in tasks and isinstance(tasks[wbs].get("name"), str):
                    names[(code, wbs)] = tasks[wbs]["name"]
    durations: dict[TaskKey, tuple[float | None, float | None]] = {}
    after: dict[TaskKey, list[str]] = {}
    for c in changes:
        if c.kind != "task" or c.project is None:
            continue
        key = (c.project, c.key)
        if c.op == "change" and c.field in _DURATION_FIELDS:
            durations[key] = (_effective(sides[0], key), _effective(sides[1], key))
        elif c.op == "add":
            durations[key] = (None, _effective(sides[1], key))
            after[key] = _predecessors(sides[1], key)
    return Context(names, durations, after)


_Side = dict[str, tuple[dict[str, dict[str, Any]], list[dict[str, Any]], set[str]]]


def _projects(doc: dict[str, Any], wanted: dict[str, set[str]]) -> _Side:
    out: _Side = {}
    for project in doc["program"].get("projects", []):
        code = project["code"]
        if code in wanted:
            tasks = {t["wbs"]: t for t in project.get("tasks", [])}
            parents = {w.rpartition(".")[0] for w in tasks if "." in w}
            out[code] = (tasks, project.get("dependencies", []), parents)
    return out


def _effective(side: _Side, key: TaskKey) -> float | None:
    found = side.get(key[0])
    if found is None or key[1] not in found[0]:
        return None
    return effective_duration(found[0][key[1]], key[1] in found[2])


def _predecessors(side: _Side, key: TaskKey) -> list[str]:
    found = side.get(key[0])
    if found is None:
        return []
    out = []
    for dep in found[1]:
        if dep.get("to") == key[1]:
            kind, lag = dep.get("type", "FS"), dep.get("lag", 0)
            extra = "" if kind == "FS" and not lag else f" {kind}" + (
                f" {lag:+g}" if lag else "")
            out.append(f"{dep['from']}{extra}")
    return out
