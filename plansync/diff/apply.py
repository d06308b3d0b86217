"""Replaying changes: `apply_changes(doc, changes)` turns the old document into the new one
(apply_changes(a, diff_documents(a, b)) has the canonical bytes of b). Pure functions."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from plansync.diff.changes import Change, Entity, dep_text
from plansync.memory import no_gc_pauses
from plansync.seed.canonical import normalise
from plansync.seed.events import final_state


@dataclass(frozen=True)
class _Relist:
    """How apply_changes addresses one entity list: an entity's key as Change.key spells it,
    the old key of a move, and the entity after a move."""

    key: Callable[[Entity], str]
    moved_from: Callable[[Change], str]
    moved: Callable[[Entity, Change], Entity]


def _by_field(name: str) -> _Relist:
    return _Relist(lambda e: str(e[name]), lambda c: str(c.old),
                   lambda e, c: {**e, name: c.new})


_RELIST = {
    "calendar": ("calendars", _by_field("code")),
    "resource": ("resources", _by_field("code")),
    "member": ("members", _by_field("email")),
    "project": ("projects", _by_field("code")),
    "sprint": ("sprints", _by_field("code")),
    "task": ("tasks", _by_field("wbs")),
    "dependency": ("dependencies", _Relist(
        lambda e: dep_text((e["from"], e["to"])), lambda c: dep_text((c.old[0], c.old[1])),
        lambda e, c: {**e, "from": c.new[0], "to": c.new[1]})),
    "baseline": ("baselines", _by_field("name")),
    "risk": ("risks", _by_field("code")),
}


def apply_changes(doc: dict[str, Any], changes: list[Change]) -> dict[str, Any]:
    """A new document: `doc` with `changes` applied, normalised (`doc` is not changed).

    Removes name old keys and go first; then moves (tasks and dependencies); then adds and
    field changes, which name new keys. A change whose `new` is None removes the field.
    apply_changes(a, diff_documents(a, b)) has the canonical bytes of b (b a v1 document).
    Raises ValueError when a change does not fit the document.
    """
    with no_gc_pauses():
        out = normalise(final_state(doc), sort=False)
        program = out["program"]
        groups: dict[tuple[str | None, str], list[Change]] = {}
        for c in changes:
            place = None if c.kind in ("program", "project") else c.project
            groups.setdefault((place, c.kind), []).append(c)
        for c in groups.pop((None, "program"), []):
            _set_field(program, c)
        for kind in ("calendar", "resource", "member", "project"):
            _apply_list(program, kind, groups.pop((None, kind), []))
        projects = {p["code"]: p for p in program.get("projects", [])}
        for (code, kind), found in groups.items():
            if code not in projects:
                raise ValueError(f"{kind} changes name a project {code!r} that does not exist")
            _apply_list(projects[code], kind, found)
        return normalise(out)


def _set_field(entity: Entity, change: Change) -> None:
    if change.field is None:
        raise ValueError(f"a change of {change.kind} {change.key} names no field")
    if change.new is None:
        entity.pop(change.field, None)
    else:
        entity[change.field] = copy.deepcopy(change.new)


def _apply_list(holder: Entity, kind: str, changes: list[Change]) -> None:
    """Apply one list's changes in place: removes, then moves, then adds and field changes."""
    if not changes:
        return
    name, relist = _RELIST[kind]
    index = {relist.key(e): e for e in holder.get(name, [])}
    for c in changes:
        if c.op == "remove":
            _take(index, c.key, c)
    moved = [(c, _take(index, relist.moved_from(c), c)) for c in changes if c.op == "move"]
    for c, entity in moved:
        _put(index, c, relist.moved(entity, c))
    for c in changes:
        if c.op == "add":
            _put(index, c, copy.deepcopy(c.new))
        elif c.op == "change":
            _set_field(_take(index, c.key, c, keep=True), c)
    holder[name] = list(index.values())


def _take(index: dict[str, Entity], key: str, change: Change, keep: bool = False) -> Entity:
    entity = index.get(key) if keep else index.pop(key, None)
    if entity is None:
        raise ValueError(f"cannot {change.op} {change.kind} {key}: no such {change.kind}")
    return entity


def _put(index: dict[str, Entity], change: Change, entity: Entity) -> None:
    if change.key in index:
        raise ValueError(f"cannot {change.op} {change.kind} {change.key}: it already exists")
    index[change.key] = entity
