"""The semantic checker as it was before issue 17 made it faster: the reference that
tests/seed/test_check_reference.py holds plansync.seed.check to (same problems, same order)."""

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
    """Every semantic problem of a seed document, located (see the module doc for documents
    that fail the schema)."""
    report = _Report(seed, limit)
    program = seed.doc.get("program") if isinstance(seed.doc, dict) else None
    if not isinstance(program, dict):
        return []
    links: list[_Link] = []
    _check_program(program, report, _Links(links))
    if not report.full:
        _check_cycles(program, links, report)
    return report.problems()


def _entities(container: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
    """(index, item) of the objects in the list container[key]; nothing if it is no list."""
    items = container.get(key)
    if not isinstance(items, list):
        return []
    return [(i, item) for i, item in enumerate(items) if isinstance(item, dict)]


def _text(item: dict[str, Any], key: str) -> str | None:
    """item[key] if it is a string, else None (a string of the wrong pattern is still
    checked: the rules work on any string, and the schema reports its pattern)."""
    value = item.get(key)
    return value if isinstance(value, str) else None


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _unique(items: Iterable[tuple[int, Any]], base: str, field: str, what: str,
            report: _Report) -> set[Any]:
    seen: set[Any] = set()
    for index, value in items:
        if value in seen:
            report.add(f"{base}/{index}/{field}", "duplicate", f"{what} {value!r} is used twice",
                       f"each {what} must be unique; rename or merge one of them")
        seen.add(value)
    return seen


def _codes(items: list[tuple[int, dict[str, Any]]], field: str = "code",
           ) -> list[tuple[int, str]]:
    """(index, key) of the entities whose key field is a string."""
    return [(i, value) for i, item in items if type(value := item.get(field)) is str]


def _check_program(program: dict[str, Any], report: _Report, links: _Links) -> None:
    base = "/program"
    calendars = _unique(_codes(_entities(program, "calendars")), f"{base}/calendars", "code",
                        "calendar code", report)
    resources = _unique(_codes(_entities(program, "resources")), f"{base}/resources", "code",
                        "resource code", report)
    _unique(_codes(_entities(program, "members"), "email"), f"{base}/members", "email",
            "member email", report)
    for i, resource in _entities(program, "resources"):
        _resolve(_text(resource, "calendar"), calendars,
                 f"{base}/resources/{i}/calendar", "calendar", report)
    projects = _entities(program, "projects")
    _unique(_codes(projects), f"{base}/projects", "code", "project code", report)
    tasks_by_project = {code: {wbs for _, wbs in _codes(_entities(p, "tasks"), "wbs")}
                        for _, p in projects if (code := _text(p, "code")) is not None}
    for i, project in projects:
        _check_project(project, f"{base}/projects/{i}", calendars, resources, tasks_by_project,
                       report, links)


def _resolve(value: str | None, known: set[Any], pointer: str, what: str,
             report: _Report) -> None:
    if value is not None and value not in known:
        listed = ", ".join(sorted(map(str, known))[:10]) or "none are defined"
        report.add(pointer, "unresolved", f"unknown {what} {value!r}",
                   f"define it first, or use one that exists ({listed})")


def _check_project(project: dict[str, Any], base: str, calendars: set[str],
                   resources: set[str], tasks_by_project: dict[str, set[str]],
                   report: _Report, links: _Links) -> None:
    _resolve(_text(project, "calendar"), calendars, f"{base}/calendar", "calendar",
             report)
    _unique(_codes(_entities(project, "members"), "email"), f"{base}/members", "email",
            "member email", report)
    sprint_items = _entities(project, "sprints")
    sprints = _unique(_codes(sprint_items), f"{base}/sprints", "code", "sprint code", report)
    for i, sprint in sprint_items:
        start, finish = _text(sprint, "start"), _text(sprint, "finish")
        if start is not None and finish is not None and start > finish:
            report.add(f"{base}/sprints/{i}/finish", "dates",
                       f"sprint {sprint.get('code')!r} finishes ({finish}) before it "
                       f"starts ({start})", "swap or correct the dates")
    _check_tasks(_entities(project, "tasks"), f"{base}/tasks", sprints, resources, calendars,
                 report)
    code = _text(project, "code")
    if code is not None:
        _check_dependencies(project, code, base, tasks_by_project, report, links)
    wbs = tasks_by_project.get(code, set()) if code is not None else set()
    baselines = _entities(project, "baselines")
    _unique(_codes(baselines, "name"), f"{base}/baselines", "name", "baseline name",
            report)
    for i, baseline in baselines:
        tasks = _entities(baseline, "tasks")
        _unique(_codes(tasks, "wbs"), f"{base}/baselines/{i}/tasks", "wbs",
                "baseline task wbs", report)
        for j, task in tasks:
            _resolve(_text(task, "wbs"), wbs, f"{base}/baselines/{i}/tasks/{j}/wbs",
                     "task", report)
    risks = _entities(project, "risks")
    _unique(_codes(risks), f"{base}/risks", "code", "risk code", report)
    for i, risk in risks:
        threatened = risk.get("tasks")
        for j, task in enumerate(threatened if isinstance(threatened, list) else []):
            if isinstance(task, str):
                _resolve(task, wbs, f"{base}/risks/{i}/tasks/{j}", "task", report)


def _check_tasks(tasks: list[tuple[int, dict[str, Any]]], base: str, sprints: set[str],
                 resources: set[str], calendars: set[str], report: _Report) -> None:
    all_wbs = _unique(_codes(tasks, "wbs"), base, "wbs", "task wbs", report)
    parents = {w.rpartition(".")[0] for w in all_wbs}
    optional = _OPTIONAL
    for i, task in tasks:
        wbs = task.get("wbs")
        if type(wbs) is not str:
            continue
        parent = wbs.rpartition(".")[0]
        if parent and parent not in all_wbs:
            report.add(f"{base}/{i}/wbs", "unresolved", f"task {wbs} has no parent task "
                       f"{parent}", f"add a summary task with wbs {parent!r}, or renumber "
                       "this task")
        if wbs in parents:
            for field in _LEAF_ONLY:
                if field in task:
                    report.add(f"{base}/{i}/{field}", "summary-work",
                               f"summary task {wbs} has its own {field}",
                               "a summary task's dates roll up from its children; "
                               f"remove its {field} or give it to a child task", key=True)
        present = optional.intersection(task)  # most tasks have few of these
        if present:
            _check_task_fields(task, wbs, present, f"{base}/{i}", sprints, resources,
                               calendars, report)


_OPTIONAL = frozenset({"milestone", "manual", "start", "calendar", "estimate", "sprint",
                       "assignees", "actual_start", "actual_finish"})


def _check_task_fields(task: dict[str, Any], wbs: str, present: frozenset[str], here: str,
                       sprints: set[str], resources: set[str], calendars: set[str],
                       report: _Report) -> None:
    if task.get("milestone") is True and "estimate" in task:
        report.add(f"{here}/milestone", "milestone-work",
                   f"milestone {wbs} has an estimate",
                   "a milestone takes its duration (none: an instant); drop the "
                   "estimate, or make it a normal task", key=True)
    if "manual" in present or "start" in present:
        _check_manual(task, wbs, here, report)
    calendar = task.get("calendar")
    if type(calendar) is str and calendar not in calendars:
        _resolve(calendar, calendars, f"{here}/calendar", "calendar", report)
    estimate = task.get("estimate")
    if estimate is not None and isinstance(estimate, dict) and all(
            _number(estimate.get(k)) for k in ("optimistic", "likely", "pessimistic")) \
            and not (estimate["optimistic"] <= estimate["likely"] <= estimate["pessimistic"]):
        report.add(f"{here}/estimate", "estimate-order",
                   "estimate must satisfy optimistic <= likely <= pessimistic",
                   "reorder the three values")
    sprint = task.get("sprint")
    if type(sprint) is str and sprint not in sprints:
        _resolve(sprint, sprints, f"{here}/sprint", "sprint", report)
    assignees = task.get("assignees")
    if type(assignees) is list:
        for j, code in enumerate(assignees):
            if type(code) is str and code not in resources:
                _resolve(code, resources, f"{here}/assignees/{j}", "resource", report)
    started, finished = task.get("actual_start"), task.get("actual_finish")
    if type(started) is str and type(finished) is str and started > finished:
        report.add(f"{here}/actual_finish", "dates",
                   f"task {wbs} actually finished before it actually started",
                   "correct actual_start or actual_finish")


_LEAF_ONLY = ("duration", "estimate", "manual", "start", "calendar", "elapsed")


def _check_manual(task: dict[str, Any], wbs: Any, here: str, report: _Report) -> None:
    """A manually scheduled task needs its start; a start belongs to a manual task only."""
    manual = task.get("manual") is True
    if manual and "start" not in task:
        report.add(f"{here}/manual", "manual-start", f"manual task {wbs} has no start",
                   "a manually scheduled task starts on its `start` date: add one", key=True)
    elif "start" in task and task.get("manual", False) is False:
        report.add(f"{here}/start", "manual-start",
                   f"task {wbs} has a start but is not manually scheduled",
                   "set `manual: true` to fix its start there, or drop the start (its "
                   "dependencies and constraints place it)", key=True)


_Link = tuple[tuple[str, str], tuple[str, str], str]


class _Links:
    """The program's resolvable links so far, and the pointer of each (from, to) pair: one
    map for the whole program, so each project's check adds to it instead of rebuilding it."""

    def __init__(self, links: list[_Link]) -> None:
        self.links = links
        self.seen: dict[tuple[tuple[str, str], tuple[str, str]], str] = {}


def _check_dependencies(project: dict[str, Any], own: str, base: str,
                        tasks_by_project: dict[str, set[str]], report: _Report,
                        links: _Links) -> None:
    """Check every dependency of a project; add the resolvable ones to `links`."""
    own_tasks = tasks_by_project.get(own, set())
    seen = links.seen  # the program's pairs, so far
    found = links.links
    for i, dep in _entities(project, "dependencies"):
        start, end = dep.get("from"), dep.get("to")
        if type(start) is not str or type(end) is not str:
            continue
        here = f"{base}/dependencies/{i}"
        # the common case inline: both ends are tasks of this project
        src = (own, start) if start in own_tasks else _endpoint(
            start, own, own_tasks, tasks_by_project, f"{here}/from", report)
        dst = (own, end) if end in own_tasks else _endpoint(
            end, own, own_tasks, tasks_by_project, f"{here}/to", report)
        if src is None or dst is None:
            continue
        pair = (src, dst)
        if pair in seen:
            line, column = report.seed.position(seen[pair])
            report.add(here, "duplicate-dependency",
                       f"a second dependency from {start} to {end} (the first is "
                       f"at line {line}, column {column}: {seen[pair]})",
                       "keep one dependency per (from, to) pair in the whole program: a link "
                       "between two projects is listed in one of them only")
            continue
        seen[pair] = here
        found.append((src, dst, here))


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
        for _, project in _entities(program, "projects"):
            code = _text(project, "code")
            tasks = project.get("tasks")
            if code is not None and type(tasks) is list:
                self._tasks(code, [w for t in tasks if type(t) is dict
                                   and type(w := t.get("wbs")) is str])
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
