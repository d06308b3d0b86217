"""Turn a validated seed document into a `Plan`: the network arrays plus what the report needs.

Leaf tasks are nodes. A summary task is represented, only where a dependency or constraint
touches it, by zero-duration virtual nodes ("ports") wired to its descendant leaves:
in_start (its leaves start no earlier), in_finish (its leaves finish no earlier),
out_start (the earliest start of its leaves) and out_finish (the latest finish of its leaves).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

from plansync.schedule.calendar import (
    MON_FRI,
    WorkCalendar,
    carry_back,
    carry_forward,
    last_day,
)
from plansync.schedule.network import Edge, Link, Network

Key = tuple[str, str]  # (project code, wbs)


@dataclass(frozen=True)
class RowRef:
    """One task of the document, in document order, and the leaf nodes it stands for."""

    project: str
    wbs: str
    name: str
    leaves: tuple[int, ...]
    summary: bool
    milestone: bool
    done: bool
    deadline: int | None  # day ordinal
    constraint: tuple[str, int] | None  # (type, day ordinal)


@dataclass(frozen=True)
class ProjectRef:
    """One project: its calendar, start offset and rows (indices into Plan.rows)."""

    code: str
    calendar: WorkCalendar
    start: int
    rows: tuple[int, ...]
    leaves: tuple[int, ...]


@dataclass(frozen=True)
class Plan:
    """A document compiled for scheduling: the network and per-node metadata."""

    program: str
    network: Network
    names: list[str]  # "proj:wbs" per node (a port is named after its summary)
    virtual: list[bool]
    calendars: list[WorkCalendar]
    origin: list[int]  # per node, its project's start offset
    rows: list[RowRef]
    projects: list[ProjectRef]
    estimates: dict[int, tuple[float, float, float]]  # leaf scheduled on its PERT mean
    groups: list[tuple[WorkCalendar, list[int]]]  # leaf nodes per calendar

    def finish_ordinal(self, es: list[float], d: Sequence[float]) -> int | None:
        """Day ordinal of the program finish: the latest finish date of any leaf."""
        best: int | None = None
        for cal, nodes in self.groups:
            day = max(last_day(es[j], d[j], self.origin[j]) for j in nodes)
            ordinal = cal.ordinal_at(day)
            best = ordinal if best is None or ordinal > best else best
        return best

    def end_bounds(self, es: list[float], d: Sequence[float]) -> list[float]:
        """Per node, the exclusive finish offset every node must meet: the program finish.

        On a calendar whose own latest finish falls on the program finish date that bound is
        its exact largest early finish; other calendars end with the program finish date.
        """
        n = len(es)
        if len(self.groups) <= 1:
            return [max((es[j] + d[j] for j in range(n)), default=0.0)] * n
        finish = self.finish_ordinal(es, d)
        bound: dict[int, float] = {}
        for cal, nodes in self.groups:
            top = max(nodes, key=lambda j: es[j] + d[j])
            own = es[top] + d[top]
            on_finish = cal.ordinal_at(last_day(es[top], d[top], self.origin[top])) == finish
            bound[id(cal)] = own if on_finish else float(cal.offset_on_or_after((finish or 0) + 1))
        return [bound.get(id(self.calendars[j]), max(es[j] + d[j], 0.0)) for j in range(n)]


def build_plan(doc: dict[str, Any]) -> Plan:
    """Compile a validated seed document (references resolve) into a Plan."""
    program = doc["program"]
    builder = _Builder(program)
    for project in program.get("projects", []):
        builder.add_project(project)
    for project in program.get("projects", []):
        for dep in project.get("dependencies", []):
            builder.add_dependency(project["code"], dep)
    return builder.plan(program["code"])


def _calendars(
    program: dict[str, Any], anchor: date
) -> tuple[dict[str, WorkCalendar], WorkCalendar]:
    """Calendars by code (equal definitions share one object) and the program default."""
    by_key: dict[Any, WorkCalendar] = {}
    by_code: dict[str, WorkCalendar] = {}
    for spec in sorted(program.get("calendars", []), key=lambda c: c["code"]):
        cal = WorkCalendar(spec.get("workdays", MON_FRI), spec.get("holidays", ()), anchor)
        by_code[spec["code"]] = by_key.setdefault(cal.key, cal)
    default = next(iter(by_code.values()), None) or WorkCalendar(anchor=anchor)
    return by_code, default


def task_duration(task: dict[str, Any]) -> float:
    """Working days of a leaf: 0 for a milestone, else `duration`, else the PERT mean of
    `estimate`, else 0."""
    if task.get("milestone"):
        return 0.0
    if "duration" in task:
        return float(task["duration"])
    if "estimate" in task:
        e = task["estimate"]
        return float(e["optimistic"] + 4 * e["likely"] + e["pessimistic"]) / 6
    return 0.0


@dataclass
class _Builder:
    program: dict[str, Any]
    durations: list[float] = field(default_factory=list)
    release: list[float] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    virtual: list[bool] = field(default_factory=list)
    calendars: list[WorkCalendar] = field(default_factory=list)
    origin: list[int] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    finish_release: dict[int, float] = field(default_factory=dict)
    start_deadline: dict[int, float] = field(default_factory=dict)
    finish_deadline: dict[int, float] = field(default_factory=dict)
    pinned: dict[int, float] = field(default_factory=dict)
    frozen: set[int] = field(default_factory=set)
    min_nodes: dict[int, list[int]] = field(default_factory=dict)
    estimates: dict[int, tuple[float, float, float]] = field(default_factory=dict)
    leaf: dict[Key, int] = field(default_factory=dict)
    leaves_of: dict[Key, list[int]] = field(default_factory=dict)
    ports: dict[tuple[str, str, str], int] = field(default_factory=dict)
    rows: list[RowRef] = field(default_factory=list)
    projects: list[ProjectRef] = field(default_factory=list)

    def __post_init__(self) -> None:
        starts = [date.fromisoformat(p["start"]) for p in self.program.get("projects", [])]
        self.by_code, self.default = _calendars(self.program, min(starts, default=date(2000, 1, 3)))
        self.project_of: dict[str, ProjectRef] = {}

    def plan(self, code: str) -> Plan:
        net = Network(
            self.durations, self.edges, self.release, self.finish_release,
            self.start_deadline, self.finish_deadline, self.pinned, frozenset(self.frozen),
            self.min_nodes, self.links,
        )
        return Plan(code, net, self.names, self.virtual, self.calendars, self.origin,
                    self.rows, self.projects, self.estimates, self._groups())

    def _groups(self) -> list[tuple[WorkCalendar, list[int]]]:
        groups: dict[int, tuple[WorkCalendar, list[int]]] = {}
        for j, cal in enumerate(self.calendars):
            if not self.virtual[j]:
                groups.setdefault(id(cal), (cal, []))[1].append(j)
        return list(groups.values())

    def add_node(self, project: ProjectRef, wbs: str, duration: float, virtual: bool) -> int:
        j = len(self.durations)
        self.durations.append(duration)
        self.release.append(float(project.start))
        self.names.append(f"{project.code}:{wbs}")
        self.virtual.append(virtual)
        self.calendars.append(project.calendar)
        self.origin.append(project.start)
        return j

    def add_project(self, spec: dict[str, Any]) -> None:
        cal = self.by_code.get(spec.get("calendar", ""), self.default)
        start = cal.start_offset(date.fromisoformat(spec["start"]))
        code = spec["code"]
        tasks = spec.get("tasks", [])
        parents = {t["wbs"].rpartition(".")[0] for t in tasks}
        first = len(self.rows)
        project = ProjectRef(code, cal, start, (), ())
        self.project_of[code] = project  # ports of summary constraints need it below
        for task in tasks:
            if task["wbs"] not in parents:
                self._add_leaf(project, task)
        for task in tasks:
            self._add_row(project, task, task["wbs"] in parents)
        leaves = tuple(j for t in tasks if (j := self.leaf.get((code, t["wbs"]))) is not None)
        ref = ProjectRef(code, cal, start, tuple(range(first, len(self.rows))), leaves)
        self.projects.append(ref)
        self.project_of[code] = ref

    def _add_leaf(self, project: ProjectRef, task: dict[str, Any]) -> None:
        wbs = task["wbs"]
        j = self.add_node(project, wbs, task_duration(task), False)
        self.leaf[(project.code, wbs)] = j
        parts = wbs.split(".")
        for k in range(1, len(parts)):
            self.leaves_of.setdefault((project.code, ".".join(parts[:k])), []).append(j)
        if "duration" not in task and "estimate" in task and not task.get("milestone"):
            e = task["estimate"]
            self.estimates[j] = (e["optimistic"], e["likely"], e["pessimistic"])
        self._apply_actuals(project.calendar, j, task)
        if "constraint" in task:
            self._apply_constraint(project.calendar, lambda _port: j, task["constraint"])

    def _add_row(self, project: ProjectRef, task: dict[str, Any], summary: bool) -> None:
        key = (project.code, task["wbs"])
        leaves = tuple(self.leaves_of[key]) if summary else (self.leaf[key],)
        if summary and "constraint" in task:
            port = partial(self._port, project.code, key[1])
            self._apply_constraint(project.calendar, port, task["constraint"])
        c = task.get("constraint")
        self.rows.append(RowRef(
            project.code, task["wbs"], task.get("name", ""), leaves, summary,
            not summary and (bool(task.get("milestone")) or self.durations[leaves[0]] == 0),
            task.get("status") == "done", _day(task.get("deadline")),
            (c["type"], _day(c["date"]) or 0) if c else None,
        ))

    def _apply_actuals(self, cal: WorkCalendar, j: int, task: dict[str, Any]) -> None:
        """Done work keeps its actual dates; started work keeps its actual start. A zero-length
        task is an instant at the end of its actual day."""
        start, finish = _day(task.get("actual_start")), _day(task.get("actual_finish"))
        done = task.get("status") == "done"
        finish = finish if done else None
        if start is None and finish is None:
            return
        d = self.durations[j]
        if start is not None and finish is not None and not task.get("milestone"):
            self.pinned[j] = float(cal.offset_on_or_after(start))
            self.durations[j] = max(cal.offset_on_or_after(finish + 1) - self.pinned[j], 0.0)
        elif d == 0:
            self.pinned[j] = float(cal.offset_on_or_after((finish or start or 0) + 1))
        elif start is not None:
            self.pinned[j] = float(cal.offset_on_or_after(start))
        else:
            self.pinned[j] = cal.offset_on_or_after((finish or 0) + 1) - d
        if done:
            self.frozen.add(j)
            self.estimates.pop(j, None)

    def _apply_constraint(
        self, cal: WorkCalendar, node: Callable[[str], int], spec: dict[str, Any]
    ) -> None:
        """Turn a constraint into bounds; `node(port)` names the node each bound applies to
        (a leaf is its own node for every port)."""
        kind, day = spec["type"], _day(spec["date"]) or 0
        start, finish = cal.offset_on_or_after(day), cal.offset_on_or_after(day + 1)
        if kind in ("start_no_earlier_than", "must_start_on"):
            j = node("in_start")
            self.release[j] = max(self.release[j], float(start))
        if kind in ("start_no_later_than", "must_start_on"):
            j = node("out_start")
            self.start_deadline[j] = min(self.start_deadline.get(j, finish), finish - 1)
        if kind in ("finish_no_earlier_than", "must_finish_on"):
            j = node("in_finish")
            self.finish_release[j] = max(self.finish_release.get(j, finish), finish)
        if kind in ("finish_no_later_than", "must_finish_on"):
            j = node("out_finish")
            self.finish_deadline[j] = min(self.finish_deadline.get(j, finish), finish)

    def add_dependency(self, code: str, dep: dict[str, Any]) -> None:
        kind, lag = dep.get("type", "FS"), float(dep.get("lag", 0))
        pred = self._endpoint(_resolve(code, dep["from"]), "out_" + _side(kind[0]))
        succ = self._endpoint(_resolve(code, dep["to"]), "in_" + _side(kind[1]))
        a, c = self.calendars[pred], self.calendars[succ]
        if a is c:
            self.edges.append((pred, succ, kind, lag))
            return
        forward = partial(carry_forward, a, c, finish=kind[0] == "F")
        backward = partial(carry_back, a, c, finish=kind[0] == "F")
        self.links.append(Link(pred, succ, kind, lag, forward, backward))

    def _endpoint(self, key: Key, port: str) -> int:
        j = self.leaf.get(key)
        return j if j is not None else self._port(key[0], key[1], port)

    def _port(self, code: str, wbs: str, port: str) -> int:
        found = self.ports.get((code, wbs, port))
        if found is not None:
            return found
        v = self.add_node(self.project_of[code], wbs, 0.0, True)
        self.ports[(code, wbs, port)] = v
        leaves = self.leaves_of[(code, wbs)]
        if port == "out_start":
            self.min_nodes[v] = list(leaves)
        else:
            kind = {"in_start": "SS", "in_finish": "SF", "out_finish": "FF"}[port]
            out = port.startswith("out")
            self.edges.extend((leaf, v, kind, 0.0) if out else (v, leaf, kind, 0.0)
                              for leaf in leaves)
        return v


def _side(letter: str) -> str:
    return "finish" if letter == "F" else "start"


def _resolve(code: str, ref: str) -> Key:
    project, _, wbs = ref.rpartition(":")
    return (project or code, wbs)


def _day(value: str | None) -> int | None:
    return None if value is None else date.fromisoformat(value).toordinal()
