"""Turn a validated seed document into a `Plan`: the network arrays plus what the report needs.

Leaf tasks are nodes, each on its own calendar (the task's, else its project's; calendar days
for an elapsed duration). A summary task is represented, only where a dependency or
constraint touches it, by zero-duration virtual nodes ("ports") on its project's calendar,
wired to its descendant leaves: in_start (its leaves start no earlier), in_finish (its leaves
finish no earlier), out_start (the earliest start of its leaves) and out_finish (the latest
finish of its leaves). A leaf on another calendar than the port is wired through dates, like
a dependency between calendars.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

from plansync.schedule.calendar import (
    MON_FRI,
    WEEKDAYS,
    WorkCalendar,
    carry_back,
    carry_forward,
)
from plansync.schedule.network import Edge, Link, Network
from plansync.schedule.plan import CONVENTIONS, INF, Plan, ProjectRef, RowRef
from plansync.schedule.rules import LeafRules, ordinal

__all__ = ["CONVENTIONS", "Plan", "ProjectRef", "RowRef", "build_plan", "conventions_of",
           "task_duration"]

Key = tuple[str, str]  # (project code, wbs)


def conventions_of(doc: dict[str, Any]) -> str:
    """The document's scheduling conventions: "plansync" (the default) or "msproject"."""
    return str(doc["program"].get("scheduling", {}).get("conventions", "plansync"))


def build_plan(doc: dict[str, Any], conventions: str | None = None) -> Plan:
    """Compile a validated seed document (references resolve) into a Plan, under the given
    conventions (default: the document's own)."""
    program = doc["program"]
    chosen = conventions_of(doc) if conventions is None else conventions
    if chosen not in CONVENTIONS:
        raise ValueError(f"unknown scheduling conventions {chosen!r}")
    builder = _Builder(program, chosen == "msproject")
    for project in program.get("projects", []):
        builder.add_project(project)
    for project in program.get("projects", []):
        builder.add_dependencies(project["code"], project.get("dependencies", []))
    return builder.plan(program["code"], chosen)


def task_duration(task: dict[str, Any]) -> float:
    """Working days of a leaf: `duration`, else 0 for a milestone, else the PERT mean of
    `estimate`, else 0."""
    if "duration" in task:
        return float(task["duration"])
    if task.get("milestone"):
        return 0.0
    if "estimate" in task:
        e = task["estimate"]
        return float(e["optimistic"] + 4 * e["likely"] + e["pessimistic"]) / 6
    return 0.0


@dataclass
class _Builder(LeafRules):
    program: dict[str, Any]
    msproject: bool
    durations: list[float] = field(default_factory=list)
    release: list[float] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    virtual: list[bool] = field(default_factory=list)
    calendars: list[WorkCalendar] = field(default_factory=list)
    origin: list[int] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    no_earlier: dict[int, float] = field(default_factory=dict)  # start constraints (release)
    finish_release: dict[int, float] = field(default_factory=dict)
    start_deadline: dict[int, float] = field(default_factory=dict)
    finish_deadline: dict[int, float] = field(default_factory=dict)
    start_cap: dict[int, float] = field(default_factory=dict)
    finish_cap: dict[int, float] = field(default_factory=dict)
    pinned: dict[int, float] = field(default_factory=dict)
    finish_pinned: dict[int, float] = field(default_factory=dict)
    frozen: set[int] = field(default_factory=set)
    ended: set[int] = field(default_factory=set)
    done: set[int] = field(default_factory=set)
    overrides: dict[int, tuple[str, int]] = field(default_factory=dict)
    min_nodes: dict[int, list[int]] = field(default_factory=dict)
    min_links: dict[tuple[int, int], Link] = field(default_factory=dict)
    estimates: dict[int, tuple[float, float, float]] = field(default_factory=dict)
    leaf: dict[str, dict[str, int]] = field(default_factory=dict)  # project -> wbs -> node
    leaves_of: dict[str, dict[str, list[int]]] = field(default_factory=dict)  # of summaries
    ports: dict[tuple[str, str, str], int] = field(default_factory=dict)
    rows: list[RowRef] = field(default_factory=list)
    projects: list[ProjectRef] = field(default_factory=list)
    groups: dict[int, tuple[WorkCalendar, list[int]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        starts = [date.fromisoformat(p["start"]) for p in self.program.get("projects", [])]
        self.anchor = min(starts, default=date(2000, 1, 3))
        self.shared: dict[Any, WorkCalendar] = {}  # equal definitions share one object
        self.by_code: dict[str, WorkCalendar] = {}
        for spec in sorted(self.program.get("calendars", []), key=lambda c: c["code"]):
            self.by_code[spec["code"]] = self._calendar(spec.get("workdays", MON_FRI),
                                                        spec.get("holidays", ()))
        self.default = next(iter(self.by_code.values()), None) or self._calendar(MON_FRI, ())
        self.every_day = self._calendar(WEEKDAYS, ())  # elapsed durations: calendar days
        self.project_of: dict[str, ProjectRef] = {}
        self.origins: dict[tuple[int, int], int] = {}  # (calendar, start day) -> offset

    def _calendar(self, workdays: Any, holidays: Any) -> WorkCalendar:
        cal = WorkCalendar(workdays, holidays, self.anchor)
        return self.shared.setdefault(cal.key, cal)

    def plan(self, code: str, conventions: str) -> Plan:
        if self.msproject:
            self._msproject_release()
        else:
            for j, value in self.no_earlier.items():
                self.release[j] = max(self.release[j], value)
        net = Network(
            self.durations, self.edges, self.release, self.finish_release,
            self.start_deadline, self.finish_deadline, self.pinned, frozenset(self.frozen),
            self.min_nodes, self.links, self.start_cap, self.finish_cap, self.finish_pinned,
            self.min_links, frozenset(self.done) if self.msproject else frozenset(),
            self._ff_floor() if self.msproject else {},
        )
        return Plan(code, net, self.names, self.virtual, self.calendars, self.origin,
                    self.rows, self.projects, self.estimates, list(self.groups.values()),
                    conventions, frozenset(self.done), self.overrides, frozenset(self.ended))

    def _ff_floor(self) -> dict[int, float]:
        """Microsoft Project never lets a finish-to-finish link start a task before its
        project start (as MPXJ's MicrosoftScheduler, which reproduces its dates, shows)."""
        into = {s for _, s, kind, _ in self.edges if kind == "FF"}
        into |= {link.succ for link in self.links if link.kind == "FF"}
        return {j: float(self.origin[j]) for j in into if not self.virtual[j]}

    def _msproject_release(self) -> None:
        """Microsoft Project starts at the project start only the tasks that nothing else
        places: a task with dependencies starts where they put it (a lead may put it before
        the project start), one with a "no earlier than" constraint on its date."""
        placed = {s for _, s, _, _ in self.edges} | {link.succ for link in self.links}
        release, no_earlier = self.release, self.no_earlier
        for j in placed | no_earlier.keys() | self.finish_release.keys():
            release[j] = no_earlier.get(j, -INF)

    def origin_on(self, cal: WorkCalendar, day: int) -> int:
        key = (id(cal), day)
        found = self.origins.get(key)
        if found is None:
            found = self.origins[key] = cal.offset_on_or_after(day)
        return found

    def add_nodes(self, project: ProjectRef, wbs: list[str], durations: list[float],
                  virtual: bool, cals: list[WorkCalendar] | None = None) -> range:
        """Append one node per wbs (virtual ones are ports; on the project's calendar unless
        `cals` says otherwise); returns their indices."""
        first, n, start = len(self.durations), len(wbs), project.start
        self.durations += durations
        self.names += [f"{project.code}:{w}" for w in wbs]
        self.virtual += [virtual] * n
        if cals is None:
            self.calendars += [project.calendar] * n
            self.origin += [start] * n
        else:
            self.calendars += cals
            self.origin += [self.origin_on(c, project.day) for c in cals]
        if virtual:  # a port has no start of its own: only what it connects places it
            self.release += [-INF] * n
        else:
            self.release += [float(o) for o in self.origin[first:]]
        return range(first, first + n)

    def add_project(self, spec: dict[str, Any]) -> None:
        cal = self.by_code.get(spec.get("calendar", ""), self.default)
        day = date.fromisoformat(spec["start"]).toordinal()
        start = self.origin_on(cal, day)
        code = spec["code"]
        tasks = spec.get("tasks", [])
        parents = {t["wbs"].rpartition(".")[0] for t in tasks}
        first = len(self.rows)
        project = ProjectRef(code, cal, start, (), (), day)
        self.project_of[code] = project  # ports of summary constraints need it below
        leaves = self._add_leaves(project, [t for t in tasks if t["wbs"] not in parents])
        self._add_rows(project, tasks, parents)
        ref = ProjectRef(code, cal, start, tuple(range(first, len(self.rows))), tuple(leaves),
                         day)
        self.projects.append(ref)
        self.project_of[code] = ref
        for j in leaves:
            c = self.calendars[j]
            self.groups.setdefault(id(c), (c, []))[1].append(j)

    def _leaf_calendars(self, project: ProjectRef, tasks: list[dict[str, Any]]
                        ) -> list[WorkCalendar] | None:
        """Each leaf's calendar, or None when all are on the project's (the common case)."""
        if not any("calendar" in t or "elapsed" in t for t in tasks):
            return None
        every_day = self.every_day
        return [every_day if t.get("elapsed") else self.by_code.get(t.get("calendar", ""),
                                                                     project.calendar)
                for t in tasks]

    def _add_leaves(self, project: ProjectRef, tasks: list[dict[str, Any]]) -> range:
        """Nodes for a project's leaf tasks, in document order (one pass with local names:
        this runs once per leaf)."""
        wbs_list = [t["wbs"] for t in tasks]
        nodes = self.add_nodes(project, wbs_list, [task_duration(t) for t in tasks], False,
                               self._leaf_calendars(project, tasks))
        self.leaf[project.code] = dict(zip(wbs_list, nodes, strict=True))
        leaves_of: defaultdict[str, list[int]] = defaultdict(list)
        cals = self.calendars
        for j, task in zip(nodes, tasks, strict=True):
            wbs = task["wbs"]
            k = wbs.find(".")
            while k >= 0:  # every ancestor wbs: "1", "1.2" for "1.2.3"
                leaves_of[wbs[:k]].append(j)
                k = wbs.find(".", k + 1)
            if "estimate" in task and "duration" not in task and not task.get("milestone"):
                e = task["estimate"]
                self.estimates[j] = (e["optimistic"], e["likely"], e["pessimistic"])
            if not _BOUND_KEYS.isdisjoint(task):
                self._leaf_bounds(cals[j], j, task)
        self.leaves_of[project.code] = dict(leaves_of)  # a plain dict: no wbs is made up later
        return nodes

    def _add_rows(self, project: ProjectRef, tasks: list[dict[str, Any]],
                  parents: set[str]) -> None:
        """A RowRef per task, in document order (hot, like _add_leaves)."""
        code, durations, append = project.code, self.durations, self.rows.append
        leaf, leaves_of, cals = self.leaf[code], self.leaves_of[code], self.calendars
        for task in tasks:
            wbs = task["wbs"]
            summary = wbs in parents
            c = task.get("constraint")
            if summary:
                leaves = tuple(leaves_of[wbs])
                cal = self._port_calendar(code, wbs)
                if c is not None:
                    self._summary_constraint(code, wbs, c)
                milestone = False
            else:
                leaves = (leaf[wbs],)
                milestone = bool(task.get("milestone")) or durations[leaves[0]] == 0
                cal = cals[leaves[0]]
            deadline = task.get("deadline")  # mostly absent: no call for None
            append(RowRef(
                code, wbs, task.get("name", ""), leaves, summary, milestone,
                task.get("status") == "done",
                deadline if deadline is None else ordinal(deadline),
                None if c is None else _constraint_day(cal, c["type"], ordinal(c["date"])),
            ))

    def _summary_constraint(self, code: str, wbs: str, spec: dict[str, Any]) -> None:
        """A summary's constraint: "no earlier than" and a finish bound apply to every leaf on
        its own calendar; a latest start bounds the earliest start of its leaves (a port)."""
        kind = spec["type"]
        for m in self.leaves_of[code][wbs]:
            self._apply_constraint(self.calendars[m], partial(_itself, m),
                                   {"type": _PER_LEAF[kind], "date": spec["date"]}, leaf=False)
        if kind in ("start_no_later_than", "must_start_on"):
            port = self._port(code, wbs, "out_start")
            self._apply_constraint(self.calendars[port], lambda _port: port,
                                   {"type": "start_no_later_than", "date": spec["date"]},
                                   leaf=False)

    def add_dependencies(self, code: str, deps: list[dict[str, Any]]) -> None:
        """Edges (or cross-calendar links) for one project's dependencies."""
        own, cals, edge = self.leaf[code], self.calendars, self.edges.append
        for dep in deps:
            kind, lag = dep.get("type", "FS"), float(dep.get("lag", 0))
            pred = own.get(dep["from"])  # mostly a leaf of the same project: one lookup
            if pred is None:
                pred = self._endpoint(code, dep["from"], _OUT[kind[0]])
            succ = own.get(dep["to"])
            if succ is not None:
                if cals[pred] is cals[succ]:  # _connect, inlined: the common case
                    edge((pred, succ, kind, lag))
                else:
                    self._connect(pred, succ, kind, lag)
                continue
            project, wbs = _resolve(code, dep["to"])
            succ = self.leaf[project].get(wbs)
            if succ is not None:
                self._connect(pred, succ, kind, lag)
            elif self._port_calendar(project, wbs) is self.every_day or (
                    kind == "FF" and self.msproject):  # mixed calendars, or a floor per leaf
                for m in self.leaves_of[project][wbs]:  # into each leaf, lag in its days
                    self._connect(pred, m, kind, lag)
            else:
                self._connect(pred, self._port(project, wbs, _IN[kind[1]]), kind, lag)

    def _connect(self, pred: int, succ: int, kind: str, lag: float,
                 dates: bool = False) -> None:
        """An edge between nodes on one calendar, else (or when `dates`) a link converted
        through dates."""
        if self.calendars[pred] is self.calendars[succ] and not dates:
            self.edges.append((pred, succ, kind, lag))
        else:
            self.links.append(self._link(pred, succ, kind, lag))

    def _link(self, pred: int, succ: int, kind: str, lag: float) -> Link:
        a, c = self.calendars[pred], self.calendars[succ]
        forward = partial(carry_forward, a, c, finish=kind[0] == "F")
        backward = partial(carry_back, a, c, finish=kind[0] == "F")
        return Link(pred, succ, kind, lag, forward, backward)

    def _endpoint(self, code: str, ref: str, port: str) -> int:
        """The node a dependency end `ref` of project `code` names: a leaf, else the port of a
        summary."""
        project, wbs = _resolve(code, ref)
        j = self.leaf[project].get(wbs)
        return j if j is not None else self._port(project, wbs, port)

    def _port_calendar(self, code: str, wbs: str) -> WorkCalendar:
        """The calendar of a summary's ports: its leaves' one calendar (plain arithmetic),
        else calendar days (every conversion through it then keeps dates exactly)."""
        leaves = self.leaves_of[code][wbs]
        first = self.calendars[leaves[0]]
        if all(self.calendars[m] is first for m in leaves):
            return first
        return self.every_day

    def _port(self, code: str, wbs: str, port: str) -> int:
        found = self.ports.get((code, wbs, port))
        if found is not None:
            return found
        v = self.add_nodes(self.project_of[code], [wbs], [0.0], True,
                           [self._port_calendar(code, wbs)])[0]
        self.ports[(code, wbs, port)] = v
        leaves = self.leaves_of[code][wbs]
        cal = self.calendars[v]
        dates = cal is self.every_day and any(self.calendars[m] is not cal for m in leaves)
        if port == "out_start":
            self.min_nodes[v] = list(leaves)
            for m in leaves:
                if dates or self.calendars[m] is not cal:
                    self.min_links[(m, v)] = self._link(m, v, "SS", 0.0)
            return v
        kind = {"in_start": "SS", "in_finish": "SF", "out_finish": "FF"}[port]
        for m in leaves:
            if port.startswith("out"):
                self._connect(m, v, kind, 0.0, dates)
            else:
                self._connect(v, m, kind, 0.0, dates)
        return v


_OUT = {"S": "out_start", "F": "out_finish"}  # the port a predecessor side leaves from
_IN = {"S": "in_start", "F": "in_finish"}  # the port a successor side enters
_PER_LEAF = {  # what a summary's constraint means for each of its leaves
    "start_no_earlier_than": "start_no_earlier_than", "must_start_on": "start_no_earlier_than",
    "finish_no_earlier_than": "finish_no_earlier_than", "must_finish_on": "must_finish_on",
    "finish_no_later_than": "finish_no_later_than", "start_no_later_than": "",
}
_BOUND_KEYS = frozenset({"constraint", "deadline", "manual", "actual_start", "actual_finish"})


def _constraint_day(cal: WorkCalendar, kind: str, day: int) -> tuple[str, int, int]:
    """(type, date, the working day the bound means): a start bound's first working day on or
    after the date, a finish bound's last working day on or before it."""
    if kind.startswith("finish") or kind == "must_finish_on":
        return kind, day, cal.ordinal_at(cal.offset_on_or_after(day + 1) - 1)
    return kind, day, cal.ordinal_at(cal.offset_on_or_after(day))


def _itself(node: int, _port: str) -> int:
    return node


def _resolve(code: str, ref: str) -> Key:
    project, _, wbs = ref.rpartition(":")
    return (project or code, wbs)
