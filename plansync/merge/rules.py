"""A merged document must keep the format's rules: each problem validation finds in it
becomes a conflict on the entity the problem points at (for a dependency cycle: on the links
of the cycle that a side changed)."""

from __future__ import annotations

from typing import Any

from plansync.errors import Problem
from plansync.merge.combine import Run
from plansync.merge.decide import Identity, Triple
from plansync.merge.result import Conflict
from plansync.merge.sides import Ends, Entity, Token, base_token, ends_of
from plansync.seed import pointer as jp
from plansync.seed.load import Seed
from plansync.seed.model import PROGRAM, PROJECT, split_ref
from plansync.seed.validate import seed_problems

_PROGRAM_KINDS = {"calendars": ("calendar", "code"), "resources": ("resource", "code"),
                  "members": ("member", "email")}
_PROJECT_KINDS = {"members": ("member", "email"), "sprints": ("sprint", "code"),
                  "risks": ("risk", "code"), "baselines": ("baseline", "name")}
_CYCLE = "dependency cycle: "


class _Unlocated(Seed):
    """A merged document has no text: a problem needs its pointer, not a line."""

    def position(self, pointer: str, *, key: bool = False) -> tuple[int, int]:
        return 0, 0


def rule_conflicts(run: Run, merged: dict[str, Any]) -> list[Conflict]:
    """The conflicts of a merged document (canonical data) that breaks the format's rules:
    every check `plansync validate` runs on a file (schema, then the semantic rules), run on
    the data itself."""
    problems = seed_problems(_Unlocated("merged.seed.json", "json", "", merged))
    if not problems:
        return []
    where = _Entities(run, merged)
    found: dict[Identity, tuple[str, str | None, str, Triple, list[str]]] = {}
    for problem in problems:
        for ident, (kind, project, key, values) in where.of(problem):
            entry = found.setdefault(ident, (kind, project, key, values, []))
            if problem.message not in entry[4]:
                entry[4].append(problem.message)
    return [Conflict(kind, project, key, None, *values,
                     "the merged plan breaks a rule: " + "; ".join(messages))
            for kind, project, key, values, messages in found.values()]


def identity_of(run: Run, conflict: Conflict) -> Identity:
    """The identity of the entity a rule conflict is about (see _Entities)."""
    kind, project, key = conflict.kind, conflict.project, conflict.key
    if kind == "program":
        return ("program",)
    if kind == "project":
        return ("project", key)
    if kind == "task":
        assert project is not None
        token = ("b", project, key) if conflict.base is not None else run.token_at(project, key)
        return ("task", project, token)
    if kind == "dependency":
        assert project is not None
        ends = ends_of(key)
        if conflict.base is not None:
            return ("dependency", project, base_token(ends[0], project),
                    base_token(ends[1], project))
        return ("dependency", project, *_merged_tokens(run, ends, project))
    return (kind, project, key)


def _merged_tokens(run: Run, ends: Ends, own: str) -> tuple[Token, Token]:
    tokens = []
    for ref in ends:
        code, wbs = split_ref(ref)
        tokens.append(run.token_at(code or own, wbs))
    return tokens[0], tokens[1]


Found = tuple[Identity, tuple[str, str | None, str, Triple]]


class _Entities:
    """Finds the entity a problem's pointer (into the merged canonical data) is about, its
    identity, its key as a Conflict spells it and its versions on the three sides."""

    def __init__(self, run: Run, merged: dict[str, Any]) -> None:
        self.run = run
        self.program: Entity = merged["program"]
        self._links: dict[tuple[str, str], list[tuple[str, Entity]]] | None = None

    def of(self, problem: Problem) -> list[Found]:
        if problem.code == "cycle" and problem.message.startswith(_CYCLE):
            links = self._cycle(problem.message[len(_CYCLE):].split(" -> "))
            if links:
                return links
        return [self._at(jp.split(problem.pointer))]

    def _at(self, parts: list[str]) -> Found:
        program, run = self.program, self.run
        try:
            if len(parts) >= 3 and parts[0] == "program" and parts[1] in _PROGRAM_KINDS:
                kind, key = _PROGRAM_KINDS[parts[1]]
                item = program[parts[1]][int(parts[2])]
                return self._keyed(kind, None, item[key])
            if len(parts) >= 3 and parts[0] == "program" and parts[1] == "projects":
                project = program["projects"][int(parts[2])]
                code = project["code"]
                if len(parts) >= 5 and parts[3] in ("tasks", "dependencies", *_PROJECT_KINDS):
                    item = project[parts[3]][int(parts[4])]
                    if parts[3] == "tasks":
                        return self._task(code, item["wbs"])
                    if parts[3] == "dependencies":
                        return self._dependency(code, item)
                    kind, key = _PROJECT_KINDS[parts[3]]
                    return self._keyed(kind, code, item[key])
                return self._project(code)
        except (LookupError, ValueError, TypeError):  # a pointer into something malformed
            pass
        fields = [_fields(e, PROGRAM.lists) for e in
                  (run.base, run.sides[0].program, run.sides[1].program)]
        return ("program",), ("program", None, str(program.get("code")),
                              (fields[0], fields[1], fields[2]))

    def _keyed(self, kind: str, project: str | None, key: str) -> Found:
        run = self.run
        base = _base_index(run, project, kind).get(key)
        return (kind, project, key), (kind, project, key, (
            base, run.sides[0].entity(project, kind, key),
            run.sides[1].entity(project, kind, key)))

    def _project(self, code: str) -> Found:
        run = self.run
        versions = [run.kept.get(code)] + [s.entity(None, "project", code) for s in run.sides]
        fields = [None if v is None else _fields(v, PROJECT.lists) for v in versions]
        return ("project", code), ("project", code, code, (fields[0], fields[1], fields[2]))

    def _task(self, code: str, wbs: str) -> Found:
        token = self.run.token_at(code, wbs)
        key = token[2] if token[0] == "b" else wbs
        base = _base_index(self.run, code, "task").get(key) if token[0] == "b" else None
        found = [self._side_task(i, token) for i in (0, 1)]
        return ("task", code, token), ("task", code, key, (base, found[0], found[1]))

    def _side_wbs(self, index: int, token: Token) -> str | None:
        side = self.run.sides[index]
        if token[0] != "n":
            return side.wbs_of(token)
        if token[1] in side.projects.added:
            return token[2]
        plan = self.run.plans.get(token[1])
        if plan is None:
            return None
        return next((t[3] for t, where in plan.placed.items()
                     if where == token[2] and t[1] == side.name), None)

    def _side_task(self, index: int, token: Token) -> Entity | None:
        wbs = self._side_wbs(index, token)
        return None if wbs is None else self.run.sides[index].entity(token[1], "task", wbs)

    def _dependency(self, code: str, dep: Entity) -> Found:
        run = self.run
        tokens = _merged_tokens(run, (dep["from"], dep["to"]), code)
        base = None
        if tokens[0][0] == tokens[1][0] == "b" and code in run.kept:
            ends = (_spelled(tokens[0], code), _spelled(tokens[1], code))
            base = _base_index(run, code, "dependency").get(ends)
        key = f"{base['from']} -> {base['to']}" if base else f"{dep['from']} -> {dep['to']}"
        found = []
        for index in (0, 1):
            own = [self._side_wbs(index, t) for t in tokens]
            found.append(None if own[0] is None or own[1] is None else run.sides[index].entity(
                code, "dependency", (_spelled((*tokens[0][:2], own[0]), code),
                                     _spelled((*tokens[1][:2], own[1]), code))))
        return ("dependency", code, *tokens), ("dependency", code, key,
                                               (base, found[0], found[1]))

    def _cycle(self, names: list[str]) -> list[Found]:
        """The links along a cycle (names "project:wbs"): the ones the sides added, else
        the ones they changed, else all."""
        if self._links is None:
            self._links = {}
            for project in self.program.get("projects", []):
                code = project["code"]
                for dep in project.get("dependencies", []):
                    ends = tuple(_named(ref, code) for ref in (dep["from"], dep["to"]))
                    self._links.setdefault((ends[0], ends[1]), []).append((code, dep))
        found: list[Found] = []
        for first, second in zip(names, names[1:], strict=False):
            for code, dep in self._links.get((first, second), []):
                found.append(self._dependency(code, dep))
        added = [f for f in found if f[1][3][0] is None]
        changed = [f for f in found if not (f[1][3][0] == f[1][3][1] == f[1][3][2])]
        return added or changed or found


def _named(ref: str, own: str) -> str:
    project, wbs = split_ref(ref)
    return f"{project or own}:{wbs}"


def _spelled(token: Token, own: str) -> str:
    return token[2] if token[1] == own else f"{token[1]}:{token[2]}"


def _fields(entity: Entity, lists: dict[str, Any]) -> Entity:
    return {k: v for k, v in entity.items() if k not in lists}


def _base_index(run: Run, project: str | None, kind: str) -> dict[Any, Entity]:
    """The base's entities of one list by key (a dependency by its (from, to))."""
    holder: Entity | None = run.base
    if project is not None:
        holder = next((p for p in run.base.get("projects", []) if p["code"] == project), None)
    if holder is None:
        return {}
    if kind == "dependency":
        return {(d["from"], d["to"]): d for d in holder.get("dependencies", [])}
    name, key = {"calendar": ("calendars", "code"), "resource": ("resources", "code"),
                 "member": ("members", "email"), "sprint": ("sprints", "code"),
                 "task": ("tasks", "wbs"), "risk": ("risks", "code"),
                 "baseline": ("baselines", "name")}[kind]
    return {item[key]: item for item in holder.get(name, [])}
