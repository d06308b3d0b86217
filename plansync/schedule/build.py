"""Turn a validated seed document into a `Plan`: the network arrays plus what the report needs.

Leaf tasks are nodes. A summary task is represented, only where a dependency or constraint
touches it, by zero-duration virtual nodes ("ports") wired to its descendant leaves:
in_start (its leaves start no earlier), in_finish (its leaves finish no earlier),
out_start (the earliest start of its leaves) and out_finish (the latest finish of its leaves).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any, NamedTuple

from plansync.schedule.calendar import (
    MON_FRI,
    WorkCalendar,
    carry_back,
    carry_forward,
    last_day,
)
from plansync.schedule.network import Edge, Link, Network

Key = tuple[str, str]  # (project code, wbs)


class RowRef(NamedTuple):
    """One task of the document, in document order, and the leaf nodes it stands for.
    (A named tuple: one is made per task, and tuples are the cheapest records to make.)"""

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
        builder.add_dependencies(project["code"], project.get("dependencies", []))
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
    leaf: dict[str, dict[str, int]] = field(default_factory=dict)  # project -> wbs -> node
    leaves_of: dict[str, dict[str, list[int]]] = field(default_factory=dict)  # of summaries
    ports: dict[tuple[str, str, str], int] = field(default_factory=dict)
    rows: list[RowRef] = field(default_factory=list)
    projects: list[ProjectRef] = field(default_factory=list)
    groups: dict[int, tuple[WorkCalendar, list[int]]] = field(default_factory=dict)

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
                    self.rows, self.projects, self.estimates, list(self.groups.values()))

    def add_node(self, project: ProjectRef, wbs: str, duration: float, virtual: bool) -> int:
        return self.add_nodes(project, [wbs], [duration], virtual)[0]

    def add_nodes(self, project: ProjectRef, wbs: list[str], durations: list[float],
                  virtual: bool) -> range:
        """Append one node per wbs (virtual ones are ports); returns their indices."""
        first, n, start = len(self.durations), len(wbs), project.start
        self.durations += durations
        self.release += [float(start)] * n
        self.names += [f"{project.code}:{w}" for w in wbs]
        self.virtual += [virtual] * n
        self.calendars += [project.calendar] * n
        self.origin += [start] * n
        return range(first, first + n)

    def add_project(self, spec: dict[str, Any]) -> None:
        cal = self.by_code.get(spec.get("calendar", ""), self.default)
        start = cal.start_offset(date.fromisoformat(spec["start"]))
        code = spec["code"]
        tasks = spec.get("tasks", [])
        parents = {t["wbs"].rpartition(".")[0] for t in tasks}
        first = len(self.rows)
        project = ProjectRef(code, cal, start, (), ())
        self.project_of[code] = project  # ports of summary constraints need it below
        leaves = self._add_leaves(project, [t for t in tasks if t["wbs"] not in parents])
        self._add_rows(project, tasks, parents)
        ref = ProjectRef(code, cal, start, tuple(range(first, len(self.rows))), tuple(leaves))
        self.projects.append(ref)
        self.project_of[code] = ref
        if leaves:
            self.groups.setdefault(id(cal), (cal, []))[1].extend(leaves)

    def _add_leaves(self, project: ProjectRef, tasks: list[dict[str, Any]]) -> range:
        """Nodes for a project's leaf tasks, in document order (one pass with local names:
        this runs once per leaf)."""
        wbs_list = [t["wbs"] for t in tasks]
        nodes = self.add_nodes(project, wbs_list, [task_duration(t) for t in tasks], False)
        self.leaf[project.code] = dict(zip(wbs_list, nodes, strict=True))
        leaves_of: defaultdict[str, list[int]] = defaultdict(list)
        cal = project.calendar
        for j, task in zip(nodes, tasks, strict=True):
            wbs = task["wbs"]
            k = wbs.find(".")
            while k >= 0:  # every ancestor wbs: "1", "1.2" for "1.2.3"
                leaves_of[wbs[:k]].append(j)
                k = wbs.find(".", k + 1)
            if "estimate" in task and "duration" not in task and not task.get("milestone"):
                e = task["estimate"]
                self.estimates[j] = (e["optimistic"], e["likely"], e["pessimistic"])
            if "actual_start" in task or "actual_finish" in task:
                self._apply_actuals(cal, j, task)
            if "constraint" in task:
                self._leaf_constraint(cal, j, task["constraint"])
        self.leaves_of[project.code] = dict(leaves_of)  # a plain dict: no wbs is made up later
        return nodes

    def _leaf_constraint(self, cal: WorkCalendar, j: int, spec: dict[str, Any]) -> None:
        self._apply_constraint(cal, lambda _port: j, spec)  # a leaf is every port of itself

    def _add_rows(self, project: ProjectRef, tasks: list[dict[str, Any]],
                  parents: set[str]) -> None:
        """A RowRef per task, in document order (hot, like _add_leaves)."""
        code, durations, append = project.code, self.durations, self.rows.append
        leaf, leaves_of = self.leaf[code], self.leaves_of[code]
        for task in tasks:
            wbs = task["wbs"]
            summary = wbs in parents
            c = task.get("constraint")
            if summary:
                leaves = tuple(leaves_of[wbs])
                if "constraint" in task:
                    port = partial(self._port, code, wbs)
                    self._apply_constraint(project.calendar, port, task["constraint"])
                milestone = False
            else:
                leaves = (leaf[wbs],)
                milestone = bool(task.get("milestone")) or durations[leaves[0]] == 0
            deadline = task.get("deadline")  # mostly absent: no call for None
            append(RowRef(
                code, wbs, task.get("name", ""), leaves, summary, milestone,
                task.get("status") == "done", deadline if deadline is None else _day(deadline),
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

    def add_dependencies(self, code: str, deps: list[dict[str, Any]]) -> None:
        """Edges (or cross-calendar links) for one project's dependencies."""
        cals, edge, own = self.calendars, self.edges.append, self.leaf[code]
        for dep in deps:
            kind, lag = dep.get("type", "FS"), float(dep.get("lag", 0))
            pred = own.get(dep["from"])  # mostly a leaf of the same project: one lookup
            if pred is None:
                pred = self._endpoint(code, dep["from"], _OUT[kind[0]])
            succ = own.get(dep["to"])
            if succ is None:
                succ = self._endpoint(code, dep["to"], _IN[kind[1]])
            if cals[pred] is cals[succ]:
                edge((pred, succ, kind, lag))
            else:
                self._add_link(pred, succ, kind, lag)

    def _add_link(self, pred: int, succ: int, kind: str, lag: float) -> None:
        a, c = self.calendars[pred], self.calendars[succ]
        forward = partial(carry_forward, a, c, finish=kind[0] == "F")
        backward = partial(carry_back, a, c, finish=kind[0] == "F")
        self.links.append(Link(pred, succ, kind, lag, forward, backward))

    def _endpoint(self, code: str, ref: str, port: str) -> int:
        """The node a dependency end `ref` of project `code` names: a leaf, else the port of a
        summary."""
        project, wbs = _resolve(code, ref)
        j = self.leaf[project].get(wbs)
        return j if j is not None else self._port(project, wbs, port)

    def _port(self, code: str, wbs: str, port: str) -> int:
        found = self.ports.get((code, wbs, port))
        if found is not None:
            return found
        v = self.add_node(self.project_of[code], wbs, 0.0, True)
        self.ports[(code, wbs, port)] = v
        leaves = self.leaves_of[code][wbs]
        if port == "out_start":
            self.min_nodes[v] = list(leaves)
        else:
            kind = {"in_start": "SS", "in_finish": "SF", "out_finish": "FF"}[port]
            out = port.startswith("out")
            self.edges.extend((leaf, v, kind, 0.0) if out else (v, leaf, kind, 0.0)
                              for leaf in leaves)
        return v


_OUT = {"S": "out_start", "F": "out_finish"}  # the port a predecessor side leaves from
_IN = {"S": "in_start", "F": "in_finish"}  # the port a successor side enters


def _resolve(code: str, ref: str) -> Key:
    project, _, wbs = ref.rpartition(":")
    return (project or code, wbs)


def _day(value: str | None) -> int | None:
    return None if value is None else date.fromisoformat(value).toordinal()
