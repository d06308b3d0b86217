"""Semantic rules that JSON Schema cannot say: unique keys, references, summaries, cycles.

Reports every problem (up to a cap) as a located Problem. It also runs on documents that fail
the schema, so that one run shows every layer's problems: it then checks what is well-formed
enough and skips, silently, every entity or field of the wrong type (the schema reports
those): a list that is not a list, an entity that is not an object, a key or reference that
is not a string, a number that is not a number. (Strings are checked whatever their pattern:
no rule needs more than a string.)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from plansync.errors import Problem
from plansync.seed.cycles import Links, ProjectTasks, program_cycle
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
    links: Links = {}
    projects = _check_program(program, report, links)
    if not report.full:
        _check_cycles(projects, links, report)
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
    pairs = list(items)
    seen: set[Any] = {value for _, value in pairs}
    if len(seen) == len(pairs):  # the common case: nothing repeats
        return seen
    seen = set()
    for index, value in pairs:
        if value in seen:
            report.add(f"{base}/{index}/{field}", "duplicate", f"{what} {value!r} is used twice",
                       f"each {what} must be unique; rename or merge one of them")
        seen.add(value)
    return seen


def _codes(items: list[tuple[int, dict[str, Any]]], field: str = "code",
           ) -> list[tuple[int, str]]:
    """(index, key) of the entities whose key field is a string."""
    return [(i, value) for i, item in items if type(value := item.get(field)) is str]


def _project_tasks(project: dict[str, Any]) -> ProjectTasks:
    return ProjectTasks([(i, task, wbs) for i, task in _entities(project, "tasks")
                         if type(wbs := task.get("wbs")) is str])


def _check_program(program: dict[str, Any], report: _Report,
                   links: Links) -> list[tuple[str, ProjectTasks]]:
    """Check the program; (code, tasks) of its projects that have a string code."""
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
    tasks = [_project_tasks(p) for _, p in projects]
    coded = [(code, t) for (_, p), t in zip(projects, tasks, strict=True)
             if (code := _text(p, "code")) is not None]
    tasks_by_project = {code: t.all for code, t in coded}
    for (i, project), project_tasks in zip(projects, tasks, strict=True):
        _check_project(project, project_tasks, f"{base}/projects/{i}", calendars, resources,
                       tasks_by_project, report, links)
    return coded


def _resolve(value: str | None, known: set[Any], pointer: str, what: str,
             report: _Report) -> None:
    if value is not None and value not in known:
        listed = ", ".join(sorted(map(str, known))[:10]) or "none are defined"
        report.add(pointer, "unresolved", f"unknown {what} {value!r}",
                   f"define it first, or use one that exists ({listed})")


def _check_project(project: dict[str, Any], tasks: ProjectTasks, base: str,
                   calendars: set[str], resources: set[str],
                   tasks_by_project: dict[str, set[str]], report: _Report,
                   links: Links) -> None:
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
    _check_tasks(tasks, f"{base}/tasks", sprints, resources, calendars, report)
    code = _text(project, "code")
    if code is not None:
        _check_dependencies(project, code, base, tasks_by_project, report, links)
    wbs = tasks_by_project.get(code, set()) if code is not None else set()
    baselines = _entities(project, "baselines")
    _unique(_codes(baselines, "name"), f"{base}/baselines", "name", "baseline name",
            report)
    for i, baseline in baselines:
        items = _entities(baseline, "tasks")
        _unique(_codes(items, "wbs"), f"{base}/baselines/{i}/tasks", "wbs",
                "baseline task wbs", report)
        for j, task in items:
            _resolve(_text(task, "wbs"), wbs, f"{base}/baselines/{i}/tasks/{j}/wbs",
                     "task", report)
    risks = _entities(project, "risks")
    _unique(_codes(risks), f"{base}/risks", "code", "risk code", report)
    for i, risk in risks:
        threatened = risk.get("tasks")
        for j, task in enumerate(threatened if isinstance(threatened, list) else []):
            if isinstance(task, str):
                _resolve(task, wbs, f"{base}/risks/{i}/tasks/{j}", "task", report)


def _check_tasks(tasks: ProjectTasks, base: str, sprints: set[str], resources: set[str],
                 calendars: set[str], report: _Report) -> None:
    all_wbs, parents = tasks.all, tasks.parents
    if len(all_wbs) != len(tasks.wbs):
        _unique([(i, w) for i, _, w in tasks.items], base, "wbs", "task wbs", report)
    orphans = bool(parents.difference(all_wbs, ("",)))  # a task whose parent is missing
    optional = _OPTIONAL
    for i, task, wbs in tasks.items:
        if orphans:
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
            _check_task_fields(task, wbs, present, base, i, sprints, resources, calendars,
                               report)


_OPTIONAL = frozenset({"milestone", "manual", "start", "calendar", "estimate", "sprint",
                       "assignees", "actual_start", "actual_finish"})


def _check_task_fields(task: dict[str, Any], wbs: str, present: frozenset[str], base: str,
                       i: int, sprints: set[str], resources: set[str], calendars: set[str],
                       report: _Report) -> None:
    """The rules of a task's optional fields (`present`: those it has), in a fixed order."""
    if "milestone" in present and task["milestone"] is True and "estimate" in present:
        report.add(f"{base}/{i}/milestone", "milestone-work",
                   f"milestone {wbs} has an estimate",
                   "a milestone takes its duration (none: an instant); drop the "
                   "estimate, or make it a normal task", key=True)
    if "manual" in present or "start" in present:
        _check_manual(task, wbs, f"{base}/{i}", report)
    if "calendar" in present:
        calendar = task["calendar"]
        if type(calendar) is str and calendar not in calendars:
            _resolve(calendar, calendars, f"{base}/{i}/calendar", "calendar", report)
    if "estimate" in present:
        estimate = task["estimate"]
        if isinstance(estimate, dict) and not _ordered(estimate.get("optimistic"),
                                                       estimate.get("likely"),
                                                       estimate.get("pessimistic")):
            report.add(f"{base}/{i}/estimate", "estimate-order",
                       "estimate must satisfy optimistic <= likely <= pessimistic",
                       "reorder the three values")
    if "sprint" in present:
        sprint = task["sprint"]
        if type(sprint) is str and sprint not in sprints:
            _resolve(sprint, sprints, f"{base}/{i}/sprint", "sprint", report)
    if "assignees" in present:
        assignees = task["assignees"]
        if type(assignees) is list:
            for j, code in enumerate(assignees):
                if type(code) is str and code not in resources:
                    _resolve(code, resources, f"{base}/{i}/assignees/{j}", "resource", report)
    if "actual_finish" in present and "actual_start" in present:
        started, finished = task["actual_start"], task["actual_finish"]
        if type(started) is str and type(finished) is str and started > finished:
            report.add(f"{base}/{i}/actual_finish", "dates",
                       f"task {wbs} actually finished before it actually started",
                       "correct actual_start or actual_finish")


def _ordered(low: Any, mid: Any, high: Any) -> bool:
    """False only for three numbers out of order (anything else is the schema's to report)."""
    return not (_number(low) and _number(mid) and _number(high)) or low <= mid <= high


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


def _check_dependencies(project: dict[str, Any], own: str, base: str,
                        tasks_by_project: dict[str, set[str]], report: _Report,
                        links: Links) -> None:
    """Check every dependency of a project; add the resolvable ones to `links` (one map for
    the whole program: a pair written in two projects is a duplicate too)."""
    own_tasks = tasks_by_project.get(own, set())
    where = f"{base}/dependencies/"
    deps = project.get("dependencies")
    for i, dep in enumerate(deps if isinstance(deps, list) else ()):
        if not isinstance(dep, dict):
            continue
        start, end = dep.get("from"), dep.get("to")
        if type(start) is not str or type(end) is not str:
            continue
        if start in own_tasks and end in own_tasks:  # the common case: this project's tasks
            key = (own, start, own, end)
        else:
            src = (own, start) if start in own_tasks else _endpoint(
                start, own, own_tasks, tasks_by_project, f"{where}{i}/from", report)
            dst = (own, end) if end in own_tasks else _endpoint(
                end, own, own_tasks, tasks_by_project, f"{where}{i}/to", report)
            if src is None or dst is None:
                continue
            key = (*src, *dst)
        here = (where, i)
        first = links.setdefault(key, here)
        if first is not here:
            earlier = f"{first[0]}{first[1]}"
            line, column = report.seed.position(earlier)
            report.add(f"{where}{i}", "duplicate-dependency",
                       f"a second dependency from {start} to {end} (the first is "
                       f"at line {line}, column {column}: {earlier})",
                       "keep one dependency per (from, to) pair in the whole program: a link "
                       "between two projects is listed in one of them only")


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


def _check_cycles(projects: list[tuple[str, ProjectTasks]], links: Links,
                  report: _Report) -> None:
    cycle = program_cycle(projects, links)
    if cycle is None:
        return
    names, pointer = cycle
    report.add(pointer, "cycle", "dependency cycle: " + " -> ".join(names),
               "remove or reverse one of these dependencies (a dependency between a summary "
               "task and its own subtask is a cycle too)")
