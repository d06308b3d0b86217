"""One pass of the three-way merge: decide every entity both sides may have touched, and build
the merged document (plain data, normalised but not yet in canonical order).

Only what a side's diff names is looked at: entities neither side changed are taken from the
base as they are, so a merge costs little more than the two diffs. Dependencies, risks and
baselines name tasks; they are compared through task identities (plansync.merge.sides) and
written with the tasks' merged wbs.
"""

from __future__ import annotations

from typing import Any

from plansync.merge.decide import Decider, Identity, Triple
from plansync.merge.links import added_project, dependencies
from plansync.merge.refs import referring
from plansync.merge.sides import NO_EDITS, Entity, Side, Token, version_of, with_fields
from plansync.merge.tasks import TaskPlan
from plansync.seed.model import PROGRAM, PROJECT

_PROGRAM_LISTS = (("calendars", "calendar", "code"), ("resources", "resource", "code"),
                  ("members", "member", "email"))


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

    def dangling(self, kind: str, code: str, key: str, field: str | None, values: Triple,
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
            if tasks is not None or self.forced_in(code, "task"):
                self.plans[code] = TaskPlan(self, code, {t["wbs"]: t
                                                         for t in project.get("tasks", [])})
        self.scan_all = any(plan.unreported for plan in self.plans.values())
        out["projects"] = [self._project(code, p) for code, p in self.kept.items()] + [
            added_project(self, code, side, p) for code, (side, p) in self.added.items()]
        return {"version": 1, "program": out}

    def forced_in(self, project: str | None, kind: str) -> set[Any]:
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
                if code in self.sides[other].edited:
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
        out["dependencies"] = dependencies(self, code, project.get("dependencies", []))
        out["baselines"] = referring(self, code, "baseline", project.get("baselines", []))
        out["risks"] = referring(self, code, "risk", project.get("risks", []))
        return out

    # --- keyed lists

    def _keyed(self, project: str | None, kind: str, key: str,
               items: list[Entity]) -> list[Entity]:
        """A list whose entities name no tasks (calendars, resources, members, sprints)."""
        edits = (self.sides[0].lists.get((project, kind), NO_EDITS),
                 self.sides[1].lists.get((project, kind), NO_EDITS))
        keys = edits[0].keys() | edits[1].keys() | self.forced_in(project, kind)
        if not keys:
            return items
        index = {item[key]: item for item in items}
        out = [item for k, item in index.items() if k not in keys]
        for k in sorted(keys):
            base = index.get(k)
            merged = self.three_way(kind, project, k, (kind, project, k), base,
                                    (version_of(edits[0], k, base),
                                     version_of(edits[1], k, base)))
            if merged is not None:
                out.append(merged)
        return out
