"""One pass of the three-way merge: decide every entity both sides may have touched, and build
the merged document (plain data, normalised but not yet in canonical order).

Only what a side's diff names is looked at: entities neither side changed are taken from the
base as they are, so a merge costs little more than the two diffs. Dependencies, risks and
baselines name tasks; they are compared through task identities (plansync.merge.sides) and
written with the tasks' merged wbs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from plansync.merge.decide import Decider, Identity, Triple, with_fields
from plansync.merge.sides import (
    NO_DEPS,
    NO_EDITS,
    DepEdits,
    Edits,
    Ends,
    Entity,
    Side,
    Token,
)
from plansync.merge.tasks import TaskPlan
from plansync.seed.model import PROGRAM, PROJECT, split_ref

_PROGRAM_LISTS = (("calendars", "calendar", "code"), ("resources", "resource", "code"),
                  ("members", "member", "email"))
_KEYS = {"risk": "code", "baseline": "name"}


def base_token(ref: str, own: str) -> Token:
    project, wbs = split_ref(ref)
    return ("b", project or own, wbs)


class Run(Decider):
    """Decides and builds; `doc` is the merged document, `conflicts` what could not merge."""

    def __init__(self, base: Entity, sides: tuple[Side, Side], prefer: int | None = None,
                 forced: frozenset[Identity] = frozenset()) -> None:
        super().__init__(sides, prefer, forced)
        self.base = base  # the base's normalised program
        self.kept: dict[str, Entity] = {}  # base projects in the merge, by code
        self.added: dict[str, tuple[int, Entity]] = {}  # added projects: side, project
        self.plans: dict[str, TaskPlan] = {}
        self.scan_all = False  # re-spell every dependency (see TaskPlan.unreported)
        self.doc = self._build()

    # --- task identities in the merge

    def final(self, token: Token) -> Token:
        if token[0] != "a":
            return token
        plan = self.plans.get(token[2])
        return plan.final(token) if plan is not None else ("x", *token[1:])

    def loc(self, token: Token) -> str | None:
        """The merged wbs of a task identity (None: not in the merge)."""
        token = self.final(token)
        if token[0] == "x":
            return None
        code = token[1]
        if token[0] == "n":
            return token[2] if code in self.kept or code in self.added else None
        if code not in self.kept:
            return None
        plan = self.plans.get(code)
        return plan.loc_of(token[2]) if plan is not None else token[2]

    def spell(self, token: Token, own: str) -> str | None:
        """A dependency endpoint in project `own` for a task identity."""
        where = self.loc(token)
        if where is None:
            return None
        code = self.final(token)[1]
        return where if code == own else f"{code}:{where}"

    def token_at(self, code: str, wbs: str) -> Token:
        """The identity of the task at merged `wbs` of project `code`."""
        plan = self.plans.get(code)
        if plan is not None:
            return plan.at.get(wbs, ("b", code, wbs))
        return ("n", code, wbs) if code in self.added else ("b", code, wbs)

    def removed_by(self, token: Token) -> int | None:
        """The side that removed this base task (or its project), if one did."""
        if token[0] != "b":
            return None
        for index, side in enumerate(self.sides):
            if token[1] in side.projects.removed:
                return index
        plan = self.plans.get(token[1])
        return plan.removed_by(token[2]) if plan is not None else None

    def _dangling(self, kind: str, code: str, key: str, field: str | None, values: Triple,
                  tokens: list[Token], lead: str) -> None:
        """Something the merge keeps names a task it leaves out: a conflict when a side
        removed that task (or its project); otherwise another conflict left it out and
        says why."""
        for token in tokens:
            remover = self.removed_by(token)
            if remover is not None:
                what = f"project {token[1]}" if token[1] in \
                    self.sides[remover].projects.removed else f"task {token[1]}:{token[2]}"
                self.record(kind, code, key, field, values,
                            f"{lead}, but {self.name(remover)} removes {what}")
                return
        if not self.conflicts:  # never leave anything out silently
            self.record(kind, code, key, field, values,
                        f"{lead}, but the merge leaves out a task it names")

    # --- the document

    def _build(self) -> dict[str, Any]:
        program = self.base
        fields = {k: v for k, v in program.items() if k not in PROGRAM.lists}
        versions = (with_fields(fields, self.sides[0].fields),
                    with_fields(fields, self.sides[1].fields))
        out = self.three_way("program", None, program["code"], ("program",), fields,
                             versions) or dict(fields)
        for name, kind, key in _PROGRAM_LISTS:
            out[name] = self._keyed(None, kind, key, program.get(name, []))
        self._projects()
        for code, project in self.kept.items():
            tasks = self.sides[0].tasks.get(code) or self.sides[1].tasks.get(code)
            if tasks is not None or self._forced_in(code, "task"):
                self.plans[code] = TaskPlan(self, code, {t["wbs"]: t
                                                         for t in project.get("tasks", [])})
        self.scan_all = any(plan.unreported for plan in self.plans.values())
        out["projects"] = [self._project(code, p) for code, p in self.kept.items()] + [
            self._added_project(code, side, p) for code, (side, p) in self.added.items()]
        return {"version": 1, "program": out}

    def _forced_in(self, project: str | None, kind: str) -> set[Any]:
        """Keys (or identities) of the forced entities of one kind in one project."""
        if self.prefer is None:
            return set()
        return {i[2:] if kind == "dependency" else i[2] for i in self.forced
                if i[0] == kind and i[1] == project}

    def _projects(self) -> None:
        edits = (self.sides[0].projects, self.sides[1].projects)
        for project in self.base.get("projects", []):
            code = project["code"]
            gone = (code in edits[0].removed, code in edits[1].removed)
            keep = not any(gone)
            if self.is_forced(("project", code)):
                keep = not gone[self.pick]
            elif gone[0] != gone[1]:
                out, other = gone.index(True), gone.index(False)
                if code in self.sides[other].touched:
                    self.record("project", code, code, None, (project, *(
                        s.entity(None, "project", code) for s in self.sides)),
                        f"{self.name(out)} removes project {code} and {self.name(other)} "
                        "changes it")
                    keep = not gone[self.pick] if self.prefer is not None else True
            if keep:
                self.kept[code] = project
        for code in sorted(edits[0].added.keys() | edits[1].added.keys()):
            found = (edits[0].added.get(code), edits[1].added.get(code))
            chosen = self.three_way("project", code, code, ("project", code), None, found)
            if chosen is not None:
                self.added[code] = (0 if chosen is found[0] else 1, chosen)

    def _project(self, code: str, project: Entity) -> Entity:
        sides = self.sides
        if not (code in sides[0].touched or code in sides[1].touched or code in sides[0].deps
                or code in sides[1].deps or self.scan_all or code in self.plans
                or any(i[1] == code for i in self.forced if len(i) > 1)):
            return project
        fields = {k: v for k, v in project.items() if k not in PROJECT.lists}
        versions = (with_fields(fields, sides[0].projects.changed.get(code)),
                    with_fields(fields, sides[1].projects.changed.get(code)))
        out = self.three_way("project", code, code, ("project", code), fields, versions) \
            or dict(fields)
        out["members"] = self._keyed(code, "member", "email", project.get("members", []))
        out["sprints"] = self._keyed(code, "sprint", "code", project.get("sprints", []))
        plan = self.plans.get(code)
        out["tasks"] = plan.tasks() if plan is not None else project.get("tasks", [])
        out["dependencies"] = self._dependencies(code, project.get("dependencies", []))
        out["baselines"] = self._referring(code, "baseline", project.get("baselines", []))
        out["risks"] = self._referring(code, "risk", project.get("risks", []))
        return out

    def _added_project(self, code: str, index: int, project: Entity) -> Entity:
        """A project one side added: its links to other projects' tasks follow them."""
        side = self.sides[index]
        deps = []
        for dep in project.get("dependencies", []):
            if ":" in dep["from"] or ":" in dep["to"]:
                tokens = [self.final(side.ref(dep[end], code)) for end in ("from", "to")]
                ends = [self.spell(t, code) for t in tokens]
                if ends[0] is None or ends[1] is None:
                    if self.prefer is None:
                        text = f"{dep['from']} -> {dep['to']}"
                        values = (None, dep, None) if index == 0 else (None, None, dep)
                        self._dangling("dependency", code, text, None, values, tokens,
                                       f"{self.name(index)} adds project {code} with "
                                       f"dependency {text}")
                        continue
                    ends = [ends[0] or dep["from"], ends[1] or dep["to"]]
                dep = {**dep, "from": ends[0], "to": ends[1]}
            deps.append(dep)
        return {**project, "dependencies": deps}

    # --- keyed lists

    def _keyed(self, project: str | None, kind: str, key: str,
               items: list[Entity]) -> list[Entity]:
        """A list whose entities name no tasks (calendars, resources, members, sprints)."""
        edits = (self.sides[0].lists.get((project, kind), NO_EDITS),
                 self.sides[1].lists.get((project, kind), NO_EDITS))
        keys = edits[0].keys() | edits[1].keys() | self._forced_in(project, kind)
        if not keys:
            return items
        index = {item[key]: item for item in items}
        out = [item for k, item in index.items() if k not in keys]
        for k in sorted(keys):
            base = index.get(k)
            merged = self.three_way(kind, project, k, (kind, project, k), base,
                                    (_version(edits[0], k, base), _version(edits[1], k, base)))
            if merged is not None:
                out.append(merged)
        return out

    def _referring(self, code: str, kind: str, items: list[Entity]) -> list[Entity]:
        """Risks and baselines: their `tasks` name tasks, compared by identity and merged
        task by task. Where a side renumbered tasks, every entity is compared (its diff
        shows the renumbering as a change of `tasks`); elsewhere only what the diffs name."""
        sides, key = self.sides, _KEYS[kind]
        edits = (sides[0].lists.get((code, kind), NO_EDITS),
                 sides[1].lists.get((code, kind), NO_EDITS))
        plan = self.plans.get(code)
        dense = plan is not None and plan.renumbered
        keys = edits[0].keys() | edits[1].keys() | self._forced_in(code, kind)
        if dense:
            keys |= {item[key] for item in items} | sides[0].index(code, kind).keys() | \
                sides[1].index(code, kind).keys()
        if not keys:
            return items
        index = {item[key]: item for item in items}
        out = [item for k, item in index.items() if k not in keys]
        for k in sorted(keys):
            base = index.get(k)
            raws = (base, self._side_version(0, code, kind, k, base, edits[0], dense),
                    self._side_version(1, code, kind, k, base, edits[1], dense))
            merged = self._referring_one(code, kind, k, raws)
            if merged is not None:
                out.append(merged)
        return out

    def _referring_one(self, code: str, kind: str, key: str, raws: Triple) -> Entity | None:
        def of_base(wbs: str) -> Token:
            return ("b", code, wbs)

        def of_mine(wbs: str) -> Token:
            return self.final(self.sides[0].ident(code, wbs))

        def of_theirs(wbs: str) -> Token:
            return self.final(self.sides[1].ident(code, wbs))

        tokens = (_refs(kind, raws[0], of_base), _refs(kind, raws[1], of_mine),
                  _refs(kind, raws[2], of_theirs))
        versions = tuple(None if r is None else {**r, "tasks": t}
                         for r, t in zip(raws, tokens, strict=True))
        ident = (kind, code, key)
        before = len(self.conflicts)
        if raws[0] is None or raws[1] is None or raws[2] is None or self.is_forced(ident):
            merged = self.three_way(kind, code, key, ident, versions[0],
                                    (versions[1], versions[2]), lambda: raws)
            if merged is None:
                return None
            refs = merged["tasks"]
        else:
            rest = [{k: v for k, v in r.items() if k != "tasks"} for r in raws]
            merged = self.three_way(kind, code, key, ident, rest[0], (rest[1], rest[2]),
                                    lambda: raws) or {}
            refs = self._merged_refs(kind, code, key, tokens, raws)
        owners = [i for i in (0, 1) if tokens[i + 1] is not None]
        tasks = self._spelled_refs(kind, code, key, refs, tokens, raws, owners,
                                   len(self.conflicts) > before)
        out = {k: v for k, v in merged.items() if k != "tasks"}
        if tasks:
            out["tasks"] = tasks
        return out

    def _merged_refs(self, kind: str, code: str, key: str,
                     tokens: tuple[dict[Token, Any] | None, ...], raws: Triple
                     ) -> dict[Token, Any]:
        """A risk's or baseline's tasks merged task by task: each side's removals and
        additions apply; a baseline task both sides changed differently is a conflict."""
        base, mine, theirs = (t or {} for t in tokens)
        out: dict[Token, Any] = {}
        clash = False
        for token in base.keys() | mine.keys() | theirs.keys():
            b, m, t = base.get(token), mine.get(token), theirs.get(token)
            if m == t or t == b:
                value = m
            elif m == b:
                value = t
            else:
                clash = True
                value = self.settle(b, (m, t))
            if value is not None:
                out[token] = value
        if clash:
            values = tuple(None if r is None else r.get("tasks") for r in raws)
            self.record(kind, code, key, "tasks", (values[0], values[1], values[2]),
                        f"{self.name(0)} and {self.name(1)} change the tasks of {kind} {key} "
                        "differently")
        return out

    def _spelled_refs(self, kind: str, code: str, key: str, refs: dict[Token, Any],
                      tokens: tuple[dict[Token, Any] | None, ...], raws: Triple,
                      owners: list[int], in_conflict: bool) -> list[Any]:
        """The merged `tasks` of a risk or baseline, in merged wbs."""
        spelled = {token: self.loc(token) for token in refs}
        lost = [token for token, where in spelled.items() if where is None]
        if lost and self.prefer is None and not in_conflict:
            users = [i for i in owners if any(t in (tokens[i + 1] or {}) and t not in (
                tokens[0] or {}) for t in lost)]
            lead = f"{' and '.join(self.name(i) for i in users) or 'the base'} names " \
                   f"{'them' if len(lost) > 1 else 'it'} in {kind} {key}"
            values = [None if r is None else r.get("tasks") for r in raws]
            self._dangling(kind, code, key, "tasks", (values[0], values[1], values[2]), lost,
                           lead)
        elif lost and self.prefer is not None:
            side = self.sides[self.pick]
            spelled.update({t: side.wbs_of(t) for t in lost})
        if kind == "risk":
            return [w for w in spelled.values() if w is not None]
        return [{**refs[t], "wbs": w} for t, w in spelled.items() if w is not None]

    def _side_version(self, index: int, code: str, kind: str, key: str, base: Entity | None,
                      edits: Edits, dense: bool) -> Entity | None:
        side = self.sides[index]
        if code in side.projects.removed:  # kept by a resolution: nothing changed inside
            return base
        if dense:
            return side.entity(code, kind, key)
        return _version(edits, key, base)

    # --- dependencies

    def _dependencies(self, code: str, items: list[Entity]) -> list[Entity]:
        edits = (self.sides[0].deps.get(code, NO_DEPS), self.sides[1].deps.get(code, NO_DEPS))
        forced = self._forced_in(code, "dependency")
        if not (self.scan_all or forced or edits[0] is not NO_DEPS or edits[1] is not NO_DEPS):
            return items
        index = {(d["from"], d["to"]): d for d in items}
        touched: set[Ends] = set()
        for e in edits:
            touched |= e.removed | e.moved.keys() | e.changed.keys()
        if self.scan_all:
            touched = set(index)
        elif forced:
            touched |= {ends for ends in index
                        if (base_token(ends[0], code), base_token(ends[1], code)) in forced}
        out = [d for ends, d in index.items() if ends not in touched]
        for ends in sorted(touched & index.keys()):
            dep = self._base_dependency(code, index[ends], ends, edits)
            if dep is not None:
                out.append(dep)
        return out + self._added_dependencies(code, edits)

    def _base_dependency(self, code: str, base: Entity, ends: Ends,
                         edits: tuple[DepEdits, DepEdits]) -> Entity | None:
        tokens = [base_token(ends[0], code), base_token(ends[1], code)]
        versions = (None if ends in edits[0].removed
                    else with_fields(base, edits[0].changed.get(ends)),
                    None if ends in edits[1].removed
                    else with_fields(base, edits[1].changed.get(ends)))

        def raws() -> Triple:
            found = [None if ends in e.removed else
                     side.entity(code, "dependency", e.moved.get(ends, ends))
                     for side, e in zip(self.sides, edits, strict=True)]
            return base, found[0], found[1]

        text = f"{ends[0]} -> {ends[1]}"
        before = len(self.conflicts)
        merged = self.three_way("dependency", code, text, ("dependency", code, *tokens), base,
                                versions, raws)
        if merged is None:
            return None
        first, second = self.spell(tokens[0], code), self.spell(tokens[1], code)
        if first is None or second is None:
            if self.prefer is None:
                if len(self.conflicts) == before:
                    changed = [self.name(i) for i in (0, 1) if versions[i] != base]
                    self._dangling("dependency", code, text, None, raws(), tokens,
                                   f"{' and '.join(changed) or 'nobody'} changes dependency "
                                   f"{text}")
                return None
            first, second = first or ends[0], second or ends[1]
        return merged if (first, second) == ends else {**merged, "from": first, "to": second}

    def _added_dependencies(self, code: str, edits: tuple[DepEdits, DepEdits]
                            ) -> list[Entity]:
        groups: dict[tuple[Token, Token], list[tuple[int, Ends, Entity]]] = {}
        for index, (side, e) in enumerate(zip(self.sides, edits, strict=True)):
            for ends, dep in e.added.items():
                tokens = (self.final(side.ref(ends[0], code)), self.final(side.ref(ends[1], code)))
                groups.setdefault(tokens, []).append((index, ends, dep))
        out = []
        for tokens, found in sorted(groups.items()):
            versions: list[Entity | None] = [None, None]
            spelled: list[Ends | None] = [None, None]
            for index, ends, dep in found:
                versions[index], spelled[index] = _without_ends(dep), ends
            own = spelled[0] or spelled[1]
            assert own is not None
            text = f"{own[0]} -> {own[1]}"
            by_side = {i: d for i, _, d in found}

            def raws(by_side: dict[int, Entity] = by_side) -> Triple:
                return None, by_side.get(0), by_side.get(1)

            before = len(self.conflicts)
            merged = self.three_way("dependency", code, text, ("dependency", code, *tokens),
                                    None, (versions[0], versions[1]), raws)
            if merged is None:
                continue
            first, second = self.spell(tokens[0], code), self.spell(tokens[1], code)
            if first is None or second is None:
                if self.prefer is None:
                    if len(self.conflicts) == before:
                        users = " and ".join(self.name(i) for i, _, _ in found)
                        self._dangling("dependency", code, text, None, raws(), list(tokens),
                                       f"{users} adds dependency {text}")
                    continue
                chosen = spelled[self.pick]
                if chosen is None:
                    continue
                first, second = first or chosen[0], second or chosen[1]
            out.append({**merged, "from": first, "to": second})
        return out


def _version(edits: Edits, key: str, base: Entity | None) -> Entity | None:
    """One side's version of an entity of a keyed list (None: absent)."""
    if key in edits.removed:
        return None
    if key in edits.added:
        return edits.added[key]
    return None if base is None else with_fields(base, edits.changed.get(key))


def _refs(kind: str, entity: Entity | None, ident: Callable[[str], Token]
          ) -> dict[Token, Any] | None:
    """A risk's or baseline's tasks by task identity: a risk's to True, a baseline's to the
    entry's dates (as a hashable tuple)."""
    if entity is None:
        return None
    if kind == "risk":
        return {ident(w): True for w in entity.get("tasks", [])}
    return {ident(t["wbs"]): {k: v for k, v in t.items() if k != "wbs"}
            for t in entity.get("tasks", [])}


def _without_ends(dep: Entity) -> Entity:
    return {k: v for k, v in dep.items() if k not in ("from", "to")}
