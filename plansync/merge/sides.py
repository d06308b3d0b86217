"""One side of a three-way merge: what `diff_documents(base, side)` says the side did, indexed
by entity, and how the side's own task numbers map to task identities.

A task identity (a `Token`) is ("b", project, wbs) for a task of the base, named by its base
wbs whatever the side renumbered it to, and ("a", side, project, wbs) for a task the side
added, named by the side's wbs until the merge places it. Once placed, an added task is
("n", project, merged wbs) (so the same task added by both sides is one task), as is a task
of a project a side added; ("x", side, project, wbs) is an added task the merge left out.
Dependencies, risks and baselines are compared through these identities, so an edit follows
a task the other side renumbered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from plansync.diff import Change
from plansync.seed.model import split_ref

Entity = dict[str, Any]
Ends = tuple[str, str]
Token = tuple[str, ...]


@dataclass
class Edits:
    """The side's changes to one keyed list (calendars, members, sprints, risks...)."""

    removed: set[str] = field(default_factory=set)
    added: dict[str, Entity] = field(default_factory=dict)
    changed: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> field -> new

    def keys(self) -> set[str]:
        return self.removed | self.added.keys() | self.changed.keys()


@dataclass
class TaskEdits:
    """The side's changes to one project's tasks (base wbs unless said otherwise)."""

    moved: dict[str, str] = field(default_factory=dict)  # base wbs -> side wbs
    back: dict[str, str] = field(default_factory=dict)  # side wbs -> base wbs
    removed: set[str] = field(default_factory=set)
    added: dict[str, Entity] = field(default_factory=dict)  # side wbs -> task
    changed: dict[str, dict[str, Any]] = field(default_factory=dict)  # wbs -> field -> new


@dataclass
class DepEdits:
    """The side's changes to the dependencies one project lists (ends as written there)."""

    removed: set[Ends] = field(default_factory=set)  # base ends
    added: dict[Ends, Entity] = field(default_factory=dict)  # side ends -> dependency
    moved: dict[Ends, Ends] = field(default_factory=dict)  # base ends -> side ends
    changed: dict[Ends, dict[str, Any]] = field(default_factory=dict)  # base ends -> changes


NO_TASKS = TaskEdits()
NO_DEPS = DepEdits()
NO_EDITS = Edits()


def ends_of(key: str) -> Ends:
    """(from, to) of a dependency key "from -> to" (a wbs_ref holds no spaces)."""
    first, _, second = key.partition(" -> ")
    return first, second


def parent_of(wbs: str) -> str:
    return wbs.rpartition(".")[0]


def base_token(ref: str, own: str) -> Token:
    """The identity of a dependency endpoint of the base, written in project `own`."""
    project, wbs = split_ref(ref)
    return ("b", project or own, wbs)


def version_of(edits: Edits, key: str, base: Entity | None) -> Entity | None:
    """One side's version of an entity of a keyed list (None: absent)."""
    if key in edits.removed:
        return None
    if key in edits.added:
        return edits.added[key]
    return None if base is None else with_fields(base, edits.changed.get(key))


def with_fields(entity: Entity, changes: dict[str, Any] | None) -> Entity:
    """`entity` with a side's field changes (None removes a field)."""
    if not changes:
        return entity
    out = dict(entity)
    for name, value in changes.items():
        if value is None:
            out.pop(name, None)
        else:
            out[name] = value
    return out


class Side:
    """What one side changed, by entity; built from its diff against the base."""

    def __init__(self, name: str, program: Entity, changes: list[Change]) -> None:
        self.name = name
        self.program = program  # the side's normalised program
        self.fields: dict[str, Any] = {}  # program field -> new value (None: removed)
        self.lists: dict[tuple[str | None, str], Edits] = {}  # (project, kind) -> edits
        self.projects = Edits()
        self.tasks: dict[str, TaskEdits] = {}
        self.deps: dict[str, DepEdits] = {}
        self.touched: set[str] = set()  # projects changed inside (follow-moves of links aside)
        self.edited: set[str] = set()  # ... by more than removals (a removed project agrees)
        self._indexes: dict[tuple[str, str], dict[Any, Entity]] = {}
        changed_deps: dict[str, dict[Ends, dict[str, Any]]] = {}
        for c in changes:
            self._read(c, changed_deps)
        for code, found in changed_deps.items():
            edits = self.deps.setdefault(code, DepEdits())
            back = {side: base for base, side in edits.moved.items()}
            edits.changed = {back.get(e, e): fields for e, fields in found.items()}

    def _read(self, c: Change, changed_deps: dict[str, dict[Ends, dict[str, Any]]]) -> None:
        if c.kind == "program":
            self.fields[c.field or ""] = c.new
            return
        if c.kind == "project":
            _record(self.projects, c)
            if c.op == "change":
                self.touched.add(c.key)
                self.edited.add(c.key)
            return
        project = c.project
        if project is None:  # program-level calendars, resources, members
            _record(self.lists.setdefault((None, c.kind), Edits()), c)
            return
        if not (c.kind == "dependency" and c.op == "move"):
            self.touched.add(project)
            if c.op != "remove" and not _fewer_tasks(c):
                self.edited.add(project)
        if c.kind == "task":
            edits = self.tasks.setdefault(project, TaskEdits())
            if c.op == "move":
                edits.moved[str(c.old)] = c.key
                edits.back[c.key] = str(c.old)
            elif c.op == "remove":
                edits.removed.add(c.key)
            elif c.op == "add":
                edits.added[c.key] = c.new
            else:
                edits.changed.setdefault(c.key, {})[c.field or ""] = c.new
        elif c.kind == "dependency":
            deps = self.deps.setdefault(project, DepEdits())
            if c.op == "remove":
                deps.removed.add((c.old["from"], c.old["to"]))
            elif c.op == "add":
                deps.added[(c.new["from"], c.new["to"])] = c.new
            elif c.op == "move":
                deps.moved[(c.old[0], c.old[1])] = (c.new[0], c.new[1])
            else:
                changed_deps.setdefault(project, {}).setdefault(ends_of(c.key), {})[
                    c.field or ""] = c.new
        else:
            _record(self.lists.setdefault((project, c.kind), Edits()), c)

    # --- identities

    def ident(self, project: str, wbs: str) -> Token:
        """The identity of the task this side numbers `wbs` in `project`."""
        if project in self.projects.added:
            return ("n", project, wbs)
        edits = self.tasks.get(project)
        if edits is not None:
            base = edits.back.get(wbs)
            if base is not None:
                return ("b", project, base)
            if wbs in edits.added:
                return ("a", self.name, project, wbs)
        return ("b", project, wbs)

    def ref(self, ref: str, own: str) -> Token:
        """The identity of a dependency endpoint written in project `own`."""
        project, wbs = split_ref(ref)
        return self.ident(project or own, wbs)

    def wbs_of(self, token: Token) -> str | None:
        """This side's own wbs of a task identity (None: not on this side)."""
        if token[0] == "b":
            edits = self.tasks.get(token[1], NO_TASKS)
            if token[2] in edits.removed or token[1] in self.projects.removed:
                return None
            return edits.moved.get(token[2], token[2])
        if token[0] == "a":
            return token[3] if token[1] == self.name else None
        return None

    # --- this side's own entities, for conflict records

    def index(self, project: str | None, kind: str) -> dict[Any, Entity]:
        """This side's entities of one list by key (a dependency by its (from, to))."""
        key = (project or "", kind)
        found = self._indexes.get(key)
        if found is None:
            found = self._indexes[key] = _index(self.program, project, kind)
        return found

    def entity(self, project: str | None, kind: str, key: Any) -> Entity | None:
        return self.index(project, kind).get(key)


_LISTS = {"calendar": ("calendars", "code"), "resource": ("resources", "code"),
          "member": ("members", "email"), "project": ("projects", "code"),
          "sprint": ("sprints", "code"), "task": ("tasks", "wbs"),
          "baseline": ("baselines", "name"), "risk": ("risks", "code")}


def _index(program: Entity, project: str | None, kind: str) -> dict[Any, Entity]:
    holder: Entity | None = program
    if project is not None and kind != "project":
        holder = next((p for p in program.get("projects", []) if p["code"] == project), None)
    if holder is None:
        return {}
    if kind == "dependency":
        return {(d["from"], d["to"]): d for d in holder.get("dependencies", [])}
    name, key = _LISTS[kind]
    return {item[key]: item for item in holder.get(name, [])}


def _fewer_tasks(c: Change) -> bool:
    """A risk's or baseline's tasks that only lost some (their tasks were removed)."""
    if c.kind not in ("risk", "baseline") or c.op != "change" or c.field != "tasks":
        return False
    if c.new is None:
        return True

    def frozen(item: Any) -> Any:
        return tuple(sorted(item.items())) if isinstance(item, dict) else item

    before = {frozen(item) for item in c.old or []}
    return all(frozen(item) in before for item in c.new)


def _record(edits: Edits, c: Change) -> None:
    if c.op == "remove":
        edits.removed.add(c.key)
    elif c.op == "add":
        edits.added[c.key] = c.new
    else:
        edits.changed.setdefault(c.key, {})[c.field or ""] = c.new
