"""Semantic rules that JSON Schema cannot say: unique keys, references, summaries, cycles.

Runs on a schema-valid document and reports every problem (up to a cap) as a located Problem.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from plansync.errors import Problem
from plansync.graph import find_cycle, topological_order
from plansync.seed.load import Seed
from plansync.seed.model import split_ref

MAX_PROBLEMS = 100


class _Report:
    def __init__(self, seed: Seed, limit: int) -> None:
        self.seed = seed
        self.limit = limit
        self.found: list[tuple[str, str, str, str, bool]] = []

    def add(self, pointer: str, code: str, message: str, hint: str, key: bool = False) -> None:
        if len(self.found) < self.limit:
            self.found.append((pointer, code, message, hint, key))

    @property
    def full(self) -> bool:
        return len(self.found) >= self.limit

    def problems(self) -> list[Problem]:
        return [self.seed.problem(p, c, m, h, key=k) for p, c, m, h, k in self.found]


def semantic_problems(seed: Seed, limit: int = MAX_PROBLEMS) -> list[Problem]:
    """Every semantic problem of a schema-valid seed document, located."""
    report = _Report(seed, limit)
    program = seed.doc["program"]
    links: list[_Link] = []
    _check_program(program, report, links)
    if not report.full:
        _check_cycles(program, links, report)
    return report.problems()


def _unique(items: Iterable[tuple[int, Any]], base: str, field: str, what: str,
            report: _Report) -> set[Any]:
    seen: set[Any] = set()
    for index, value in items:
        if value in seen:
            report.add(f"{base}/{index}/{field}", "duplicate", f"{what} {value!r} is used twice",
                       f"each {what} must be unique; rename or merge one of them")
        seen.add(value)
    return seen


def _codes(items: list[dict[str, Any]], field: str = "code") -> Iterable[tuple[int, Any]]:
    return ((i, item[field]) for i, item in enumerate(items))


def _check_program(program: dict[str, Any], report: _Report, links: list[_Link]) -> None:
    base = "/program"
    calendars = _unique(_codes(program.get("calendars", [])), f"{base}/calendars", "code",
                        "calendar code", report)
    resources = _unique(_codes(program.get("resources", [])), f"{base}/resources", "code",
                        "resource code", report)
    _unique(_codes(program.get("members", []), "email"), f"{base}/members", "email",
            "member email", report)
    for i, resource in enumerate(program.get("resources", [])):
        _resolve(resource.get("calendar"), calendars, f"{base}/resources/{i}/calendar",
                 "calendar", report)
    projects = program.get("projects", [])
    _unique(_codes(projects), f"{base}/projects", "code", "project code", report)
    tasks_by_project = {p["code"]: {t["wbs"] for t in p.get("tasks", [])} for p in projects}
    for i, project in enumerate(projects):
        _check_project(project, f"{base}/projects/{i}", calendars, resources, tasks_by_project,
                       report, links)


def _resolve(value: Any, known: set[Any], pointer: str, what: str, report: _Report) -> None:
    if value is not None and value not in known:
        listed = ", ".join(sorted(map(str, known))[:10]) or "none are defined"
        report.add(pointer, "unresolved", f"unknown {what} {value!r}",
                   f"define it first, or use one that exists ({listed})")


def _check_project(project: dict[str, Any], base: str, calendars: set[str],
                   resources: set[str], tasks_by_project: dict[str, set[str]],
                   report: _Report, links: list[_Link]) -> None:
    _resolve(project.get("calendar"), calendars, f"{base}/calendar", "calendar", report)
    _unique(_codes(project.get("members", []), "email"), f"{base}/members", "email",
            "member email", report)
    sprints = _unique(_codes(project.get("sprints", [])), f"{base}/sprints", "code",
                      "sprint code", report)
    for i, sprint in enumerate(project.get("sprints", [])):
        if sprint["start"] > sprint["finish"]:
            report.add(f"{base}/sprints/{i}/finish", "dates",
                       f"sprint {sprint['code']!r} finishes ({sprint['finish']}) before it "
                       f"starts ({sprint['start']})", "swap or correct the dates")
    _check_tasks(project.get("tasks", []), f"{base}/tasks", sprints, resources, report)
    _check_dependencies(project, base, tasks_by_project, report, links)
    wbs = tasks_by_project.get(project["code"], set())
    _unique(_codes(project.get("baselines", []), "name"), f"{base}/baselines", "name",
            "baseline name", report)
    for i, baseline in enumerate(project.get("baselines", [])):
        tasks = baseline.get("tasks", [])
        _unique(_codes(tasks, "wbs"), f"{base}/baselines/{i}/tasks", "wbs",
                "baseline task wbs", report)
        for j, task in enumerate(tasks):
            _resolve(task["wbs"], wbs, f"{base}/baselines/{i}/tasks/{j}/wbs", "task", report)
    risks = project.get("risks", [])
    _unique(_codes(risks), f"{base}/risks", "code", "risk code", report)
    for i, risk in enumerate(risks):
        for j, task in enumerate(risk.get("tasks", [])):
            _resolve(task, wbs, f"{base}/risks/{i}/tasks/{j}", "task", report)


def _check_tasks(tasks: list[dict[str, Any]], base: str, sprints: set[str],
                 resources: set[str], report: _Report) -> None:
    all_wbs = _unique(_codes(tasks, "wbs"), base, "wbs", "task wbs", report)
    parents = {w.rpartition(".")[0] for w in all_wbs}
    for i, task in enumerate(tasks):
        here = f"{base}/{i}"
        wbs = task["wbs"]
        parent = wbs.rpartition(".")[0]
        if parent and parent not in all_wbs:
            report.add(f"{here}/wbs", "unresolved", f"task {wbs} has no parent task {parent}",
                       f"add a summary task with wbs {parent!r}, or renumber this task")
        if wbs in parents:
            for field in ("duration", "estimate"):
                if field in task:
                    report.add(f"{here}/{field}", "summary-work",
                               f"summary task {wbs} has its own {field}",
                               "a summary task's dates roll up from its children; "
                               f"remove its {field} or give it to a child task", key=True)
        if task.get("milestone") and (task.get("duration", 0) != 0 or "estimate" in task):
            report.add(f"{here}/milestone", "milestone-work",
                       f"milestone {wbs} has work (a duration or an estimate)",
                       "a milestone is an instant: set duration 0 and drop the estimate, "
                       "or make it a normal task", key=True)
        estimate = task.get("estimate")
        if estimate and not (estimate["optimistic"] <= estimate["likely"]
                             <= estimate["pessimistic"]):
            report.add(f"{here}/estimate", "estimate-order",
                       "estimate must satisfy optimistic <= likely <= pessimistic",
                       "reorder the three values")
        _resolve(task.get("sprint"), sprints, f"{here}/sprint", "sprint", report)
        for j, code in enumerate(task.get("assignees", [])):
            _resolve(code, resources, f"{here}/assignees/{j}", "resource", report)
        if task.get("actual_start", "") > task.get("actual_finish", "9999"):
            report.add(f"{here}/actual_finish", "dates",
                       f"task {wbs} actually finished before it actually started",
                       "correct actual_start or actual_finish")


_Link = tuple[tuple[str, str], tuple[str, str], str]


def _check_dependencies(project: dict[str, Any], base: str,
                        tasks_by_project: dict[str, set[str]], report: _Report,
                        links: list[_Link]) -> None:
    """Check every dependency of a project; append the resolvable ones to `links`."""
    own = project["code"]
    own_tasks = tasks_by_project.get(own, set())
    seen = {(src, dst): pointer for src, dst, pointer in links}  # the program's, so far
    for i, dep in enumerate(project.get("dependencies", [])):
        here = f"{base}/dependencies/{i}"
        src = _endpoint(dep["from"], own, own_tasks, tasks_by_project, f"{here}/from", report)
        dst = _endpoint(dep["to"], own, own_tasks, tasks_by_project, f"{here}/to", report)
        if src is None or dst is None:
            continue
        pair = (src, dst)
        if pair in seen:
            line, column = report.seed.position(seen[pair])
            report.add(here, "duplicate-dependency",
                       f"a second dependency from {dep['from']} to {dep['to']} (the first is "
                       f"at line {line}, column {column}: {seen[pair]})",
                       "keep one dependency per (from, to) pair in the whole program: a link "
                       "between two projects is listed in one of them only")
            continue
        seen[pair] = here
        links.append((src, dst, here))


def _endpoint(ref: str, own: str, own_tasks: set[str], tasks_by_project: dict[str, set[str]],
              here: str, report: _Report) -> tuple[str, str] | None:
    """(project, wbs) of a resolvable endpoint; otherwise report it and return None."""
    if ":" not in ref:
        if ref in own_tasks:
            return own, ref
        proj, wbs = own, ref
    else:
        proj, wbs = split_ref(ref)
        if proj == own:
            report.add(here, "own-project-prefix", f"{ref!r} names this task's own project",
                       f"write it as {wbs!r}: the project prefix is only for links to "
                       "other projects, so each link has one spelling")
            return None
        if proj not in tasks_by_project:
            report.add(here, "unresolved", f"unknown project {proj!r} in {ref!r}",
                       "use the code of a project of this program")
            return None
        if wbs in tasks_by_project[proj]:
            return proj, wbs
    report.add(here, "unresolved", f"no task {wbs} in project {proj!r}",
               "point at an existing wbs (renumbered tasks need their dependencies "
               "updated too)")
    return None


def _check_cycles(program: dict[str, Any], links: list[_Link], report: _Report) -> None:
    cycle = _Graph(program, links).find_cycle()
    if cycle is None:
        return
    names, pointer = cycle
    report.add(pointer, "cycle", "dependency cycle: " + " -> ".join(names),
               "remove or reverse one of these dependencies (a dependency between a summary "
               "task and its own subtask is a cycle too)")


class _Graph:
    """Precedence graph of a program: a leaf is one node, a summary task two (its start and
    its finish, bracketing its children), so links to summaries and subtasks close cycles."""

    def __init__(self, program: dict[str, Any], links: list[_Link]) -> None:
        self.names: list[tuple[str, str]] = []
        self.start: dict[tuple[str, str], int] = {}
        self.finish: dict[tuple[str, str], int] = {}
        self.dep_pointer: dict[tuple[int, int], str] = {}
        for project in program.get("projects", []):
            self._tasks(project["code"], [t["wbs"] for t in project.get("tasks", [])])
        self.edges: list[list[int]] = [[] for _ in self.names]
        self._hierarchy()
        for src_key, dst_key, pointer in links:
            src, dst = self.finish[src_key], self.start[dst_key]
            self.edges[src].append(dst)
            self.dep_pointer.setdefault((src, dst), pointer)

    def _tasks(self, code: str, wbs_all: list[str]) -> None:
        parents = {w.rpartition(".")[0] for w in wbs_all}
        names, start, finish = self.names, self.start, self.finish
        for wbs in wbs_all:
            key = (code, wbs)
            start[key] = len(names)
            names.append(key)
            if wbs in parents:
                names.append(key)
            finish[key] = len(names) - 1

    def _hierarchy(self) -> None:
        start, finish, edges = self.start, self.finish, self.edges
        for (code, wbs), node in start.items():
            parent = (code, wbs.rpartition(".")[0])
            if parent in start:
                edges[start[parent]].append(node)
                edges[finish[(code, wbs)]].append(finish[parent])

    def find_cycle(self) -> tuple[list[str], str] | None:
        """One cycle as (task names along it, pointer of a dependency on it), or None."""
        order = topological_order(self.edges)
        if len(order) == len(self.edges):
            return None
        loop = find_cycle(self.edges, order)
        pointer = next((self.dep_pointer[(a, b)] for a, b in zip(loop, loop[1:], strict=False)
                        if (a, b) in self.dep_pointer), "/program")
        names = ["{}:{}".format(*self.names[n]) for n in loop]
        deduped = [n for i, n in enumerate(names) if i == 0 or n != names[i - 1]]
        return deduped, pointer
