"""What changed between two seed documents, entity by entity.

`diff_documents(old, new)` matches entities by natural key (never by list position) and returns
small `Change` records: one add or remove per entity present on one side only, one change per
differing top-level field of an entity present on both, and moves for renumbered tasks and for
the dependencies that follow them. `summary` counts them (apply.py replays them). Pure
functions: no printing, no I/O.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from plansync.diff.normal import normalise_pair
from plansync.memory import no_gc_pauses
from plansync.seed.canonical import normalise_entity
from plansync.seed.events import final_state
from plansync.seed.model import (
    BASELINE,
    CALENDAR,
    DEPENDENCY,
    MEMBER,
    PROGRAM,
    PROJECT,
    RESOURCE,
    RISK,
    SPRINT,
    TASK,
    Kind,
    ref_key,
    wbs_key,
)

Entity = dict[str, Any]
OPS = ("add", "remove", "change", "move")
KINDS = ("program", "calendar", "resource", "member", "project", "sprint", "task",
         "dependency", "baseline", "risk")
_OP_RANK = {"remove": 0, "add": 1, "move": 2, "change": 3}  # at one key: old out, new in


@dataclass(frozen=True)
class Change:
    """One difference between two documents.

    op: add | remove | change | move. kind: the entity kind (KINDS). program: the program
    code of the new document. project: the project code for project-level entities and for
    projects themselves, None for program-level ones. key: the natural key as text (code,
    email, name, wbs, or "from -> to" for a dependency; the old key for a remove, the new
    one otherwise). field: the top-level field of a change; "wbs" or "endpoints" for a move.
    old/new: the whole entity (add/remove), the field's values (change; None when absent) or
    the old and new wbs / [from, to] (move).
    """

    op: str
    kind: str
    program: str
    project: str | None
    key: str
    field: str | None = None
    old: Any = None
    new: Any = None

    def as_dict(self) -> dict[str, Any]:
        """The record as plain JSON data (keys op, kind, program, project, key, field, old, new)."""
        return {"op": self.op, "kind": self.kind, "program": self.program,
                "project": self.project, "key": self.key, "field": self.field,
                "old": self.old, "new": self.new}


@dataclass(frozen=True)
class _Keyed:
    """An entity list compared by one key field: where it lives and what its changes are."""

    name: str  # the list's key in its holder ("calendars")
    kind: str  # the change kind ("calendar")
    key: str  # the natural key field ("code")
    model: Kind


_PROGRAM_LISTS = (
    _Keyed("calendars", "calendar", "code", CALENDAR),
    _Keyed("resources", "resource", "code", RESOURCE),
    _Keyed("members", "member", "email", MEMBER),
)
_PROJECTS = _Keyed("projects", "project", "code", PROJECT)
_PROJECT_HEAD = (_Keyed("members", "member", "email", MEMBER),
                 _Keyed("sprints", "sprint", "code", SPRINT))
_TASKS = _Keyed("tasks", "task", "wbs", TASK)
_PROJECT_TAIL = (_Keyed("baselines", "baseline", "name", BASELINE),
                 _Keyed("risks", "risk", "code", RISK))


@dataclass(frozen=True)
class _Scope:
    """Where changes happen: the program code and the project (None at program level)."""

    program: str
    project: str | None

    def change(self, op: str, kind: str, key: str, field: str | None = None,
               old: Any = None, new: Any = None) -> Change:
        return Change(op, kind, self.program, self.project, key, field, old, new)


# ---------------------------------------------------------------------------------------------
# diff_documents


def diff_documents(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """The changes that turn `old` into `new` (valid seed documents, v1 or v2), in a fixed
    order: program fields, calendars, resources, members, then each project by code (its
    fields, members, sprints, tasks by wbs, dependencies, baselines, risks).

    Defaults and number spellings never show as changes, and neither does list or key order.
    """
    with no_gc_pauses():
        return diff_normalised(*normalise_pair(final_state(old), final_state(new)))


def diff_normalised(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """diff_documents of two v1 documents that are already `normalise`d (sorted or not), for
    callers that diff one document against several (the three-way merge). The documents'
    entities get their value lists sorted in place; nothing else of them is changed."""
    with no_gc_pauses():
        a, b = old["program"], new["program"]
        scope = _Scope(b["code"], None)
        out = _fields(scope, "program", b["code"], a, b, frozenset(PROGRAM.lists))
        for spec in _PROGRAM_LISTS:
            out += _keyed_list(scope, spec, a.get(spec.name, []), b.get(spec.name, []))
        return out + _projects(b["code"], a.get("projects", []), b.get("projects", []))


def _tidy(entity: Entity, model: Kind) -> Entity:
    """`entity` with its value lists (assignees, holidays, baseline tasks...) in canonical
    order, so that comparing two entities ignores their order. Replaces, never mutates, lists."""
    for name, (sort_key, _child) in model.lists.items():
        value = entity.get(name)
        if value is not None and len(value) > 1:
            ordered = sorted(value, key=sort_key)
            if ordered != value:
                entity[name] = ordered
    return entity


def _ordered(entity: Entity, model: Kind) -> Entity:
    """A copy of a whole entity with all its lists, nested ones too, in canonical order: the
    form add and remove records carry."""
    out = dict(entity)
    for name, (sort_key, child) in model.lists.items():
        if name in out:
            items = out[name] if child is None else [_ordered(i, child) for i in out[name]]
            out[name] = sorted(items, key=sort_key)
    return out


def _index(items: Iterable[Entity], spec: _Keyed) -> dict[str, Entity]:
    """Entities of one list by natural key, value lists tidied (entity lists hold no lists of
    their own, except projects, which are indexed untouched)."""
    key, model = spec.key, spec.model
    if spec is _PROJECTS or not model.lists:
        return {item[key]: item for item in items}
    names = tuple(model.lists)
    if len(names) == 1:  # tasks (assignees): most have none
        name = names[0]
        return {item[key]: _tidy(item, model) if name in item else item for item in items}
    return {item[key]: _tidy(item, model) for item in items}


def _fields(scope: _Scope, kind: str, key: str, old: Entity, new: Entity,
            skip: frozenset[str]) -> list[Change]:
    """One "change" per top-level field (outside `skip`) that differs, in field-name order."""
    if old == new:
        return []
    names = sorted((old.keys() | new.keys()) - skip)
    return [scope.change("change", kind, key, f, old.get(f), new.get(f))
            for f in names if old.get(f) != new.get(f)]


def _keyed_list(scope: _Scope, spec: _Keyed, old_items: list[Entity],
                new_items: list[Entity]) -> list[Change]:
    """Adds, removes and field changes of one entity list, in key order."""
    old, new = _index(old_items, spec), _index(new_items, spec)
    out = [scope.change("remove", spec.kind, k, old=_ordered(old[k], spec.model))
           for k in old.keys() - new.keys()]
    out += [scope.change("add", spec.kind, k, new=_ordered(new[k], spec.model))
            for k in new.keys() - old.keys()]
    skip = frozenset({spec.key})
    for k in old.keys() & new.keys():
        out += _fields(scope, spec.kind, k, old[k], new[k], skip)
    return sorted(out, key=lambda c: (c.key, _OP_RANK[c.op], c.field or ""))


def _projects(program: str, old_items: list[Entity], new_items: list[Entity]) -> list[Change]:
    """Projects by code: a whole project added or removed is one record; a project on both
    sides is compared list by list, tasks first so dependencies can follow their moves."""
    old, new = _index(old_items, _PROJECTS), _index(new_items, _PROJECTS)
    common = old.keys() & new.keys()
    matches = {code: _match_tasks(_Scope(program, code), old[code].get("tasks", []),
                                  new[code].get("tasks", [])) for code in common}
    translate = _Translation(matches, frozenset(old.keys() - new.keys()))
    out: list[Change] = []
    for code in sorted(old.keys() | new.keys()):
        scope = _Scope(program, code)
        if code not in new:
            out.append(scope.change("remove", "project", code, old=_ordered(old[code], PROJECT)))
        elif code not in old:
            out.append(scope.change("add", "project", code, new=_ordered(new[code], PROJECT)))
        else:
            out += _project(scope, old[code], new[code], matches[code], translate)
    return out


def _project(scope: _Scope, old: Entity, new: Entity, tasks: _TaskMatch,
             translate: _Translation) -> list[Change]:
    """The changes inside one project present on both sides, in the documented order."""
    code = new["code"]
    out = _fields(scope, "project", code, old, new, frozenset(PROJECT.lists) | {"code"})
    for spec in _PROJECT_HEAD:
        out += _keyed_list(scope, spec, old.get(spec.name, []), new.get(spec.name, []))
    out += tasks.changes
    out += _match_dependencies(scope, old.get("dependencies", []),
                               new.get("dependencies", []), translate)
    for spec in _PROJECT_TAIL:
        out += _keyed_list(scope, spec, old.get(spec.name, []), new.get(spec.name, []))
    return out


# --- tasks: unchanged, moved, changed in place, added or removed


@dataclass(frozen=True)
class _TaskMatch:
    """How one project's tasks pair up: moves (old wbs -> new wbs), the old wbs of removed
    tasks, and the task changes in wbs order."""

    moves: dict[str, str]
    removed: frozenset[str]
    changes: list[Change]


def _match_tasks(scope: _Scope, old_items: list[Entity], new_items: list[Entity]) -> _TaskMatch:
    """Pair tasks: same wbs and content (unchanged), then equal content but wbs (moves, in wbs
    order), then same wbs (field changes); what is left is added or removed."""
    old, new = _index(old_items, _TASKS), _index(new_items, _TASKS)
    rest_old = [w for w, t in old.items() if (u := new.get(w)) is not t and u != t]
    rest_new = [w for w, t in new.items() if (u := old.get(w)) is not t and u != t]
    moves = _pair_moves(old, new, rest_old, rest_new)
    targets = set(moves.values())
    out = [scope.change("move", "task", n, "wbs", o, n) for o, n in moves.items()]
    left_old = [w for w in rest_old if w not in moves]
    left_new = [w for w in rest_new if w not in targets]
    in_place = set(left_old) & set(left_new)
    removed = frozenset(w for w in left_old if w not in in_place)
    out += [scope.change("remove", "task", w, old=old[w]) for w in removed]
    out += [scope.change("add", "task", w, new=new[w]) for w in left_new if w not in in_place]
    skip = frozenset({"wbs"})
    for w in in_place:
        out += _fields(scope, "task", w, old[w], new[w], skip)
    out.sort(key=lambda c: (wbs_key(c.key), _OP_RANK[c.op], c.field or ""))
    return _TaskMatch(moves, removed, out)


def _pair_moves(old: dict[str, Entity], new: dict[str, Entity], rest_old: list[str],
                rest_new: list[str]) -> dict[str, str]:
    """old wbs -> new wbs for unpaired tasks whose content, wbs aside, is exactly equal;
    several candidates pair up in wbs order."""
    waiting: dict[Any, deque[str]] = {}
    for w in sorted(rest_old, key=wbs_key):
        waiting.setdefault(_content(old[w]), deque()).append(w)
    moves: dict[str, str] = {}
    for w in sorted(rest_new, key=wbs_key):
        queue = waiting.get(_content(new[w]))
        if queue:
            moves[queue.popleft()] = w
    return moves


def _content(task: Entity) -> Any:
    """A hashable image of a task without its wbs (value lists are already in order)."""
    return _freeze({k: v for k, v in task.items() if k != "wbs"})


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


# --- dependencies: compared after translating old endpoints through the task moves


class _Translation:
    """Old dependency endpoints in new wbs terms: moved tasks to their new wbs, endpoints of
    removed tasks or projects to None (such a dependency can only have been removed)."""

    def __init__(self, matches: dict[str, _TaskMatch], gone: frozenset[str]) -> None:
        self.moves = {code: m.moves for code, m in matches.items() if m.moves}
        self.removed = {code: m.removed for code, m in matches.items() if m.removed}
        self.gone = gone
        self.touched = gone | self.moves.keys() | self.removed.keys()

    def __call__(self, ref: str, own: str) -> str | None:
        """`ref` as written in project `own`, translated."""
        if own not in self.touched and ":" not in ref:  # most links: nothing to translate
            return ref
        project, _, wbs = ref.rpartition(":")
        code = project or own
        if code in self.gone or wbs in self.removed.get(code, ()):
            return None
        moved = self.moves.get(code, {}).get(wbs)
        if moved is None:
            return ref
        return f"{project}:{moved}" if project else moved


def dep_text(ends: tuple[str, str]) -> str:
    return f"{ends[0]} -> {ends[1]}"


def _match_dependencies(scope: _Scope, old_items: list[Entity], new_items: list[Entity],
                        translate: _Translation) -> list[Change]:
    """Dependencies by (from, to) after translating the old ones: a dependency that only
    followed its tasks is a move (plus changes of type or lag), never a remove and an add."""
    own = scope.project or ""
    old: dict[tuple[str, str], Entity] = {}
    out: list[Change] = []
    # The same object on both sides (shared as written, see normal.py)
    shared = {id(dep) for dep in new_items} & {id(dep) for dep in old_items}
    same: set[int] = set()
    quiet = own not in translate.touched  # then only a cross-project end may translate
    for dep in old_items:
        first, second = dep["from"], dep["to"]
        if not quiet or ":" in first or ":" in second:
            first, second = translate(first, own), translate(second, own)
        if id(dep) in shared:
            if first == dep["from"] and second == dep["to"]:
                same.add(id(dep))  # unchanged, endpoints included
                continue
            dep = normalise_entity(dep, DEPENDENCY)  # shared as written: normalise it now
        if first is None or second is None:
            out.append(scope.change("remove", "dependency", dep_text((dep["from"], dep["to"])),
                                    old=dep))
        else:
            old[(first, second)] = dep
    new = {(dep["from"], dep["to"]): normalise_entity(dep, DEPENDENCY) if id(dep) in shared
           else dep for dep in new_items if id(dep) not in same}
    out += [scope.change("remove", "dependency", dep_text((d["from"], d["to"])), old=d)
            for ends, d in old.items() if ends not in new]
    skip = frozenset({"from", "to"})
    for ends, dep in new.items():
        before = old.get(ends)
        text = dep_text(ends)
        if before is None:
            out.append(scope.change("add", "dependency", text, new=dep))
            continue
        if (before["from"], before["to"]) != ends:
            out.append(scope.change("move", "dependency", text, "endpoints",
                                    [before["from"], before["to"]], list(ends)))
        out += _fields(scope, "dependency", text, before, dep, skip)
    return sorted(out, key=_dependency_order)


def _dependency_order(change: Change) -> tuple[Any, ...]:
    first, _, second = change.key.partition(" -> ")
    return ref_key(first), ref_key(second), _OP_RANK[change.op], change.field or ""


# ---------------------------------------------------------------------------------------------
# summary


def summary(changes: list[Change]) -> dict[str, dict[str, int]]:
    """Per kind (in KINDS order, only kinds that occur), how many entities were added,
    removed, changed and moved; several field changes of one entity count once."""
    counts: dict[str, dict[str, int]] = {}
    seen: set[tuple[str, str | None, str]] = set()
    for c in changes:
        row = counts.setdefault(c.kind, dict.fromkeys(OPS, 0))
        if c.op == "change":
            if (c.kind, c.project, c.key) in seen:
                continue
            seen.add((c.kind, c.project, c.key))
        row[c.op] += 1
    return {kind: counts[kind] for kind in KINDS if kind in counts}
