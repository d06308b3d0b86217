"""Schedule records and their assembly from a plan and its passes: dates, floats, paths."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import NamedTuple

from plansync.schedule.calendar import WorkCalendar, day_span, first_day, iso_date
from plansync.schedule.network import Timing, Topology
from plansync.schedule.paths import chains, driving_preds, link_start
from plansync.schedule.plan import Plan, ProjectRef, RowRef

MAX_PATHS = 10
Number = int | float


class ScheduleRow(NamedTuple):
    """One task's computed schedule; dates "YYYY-MM-DD", floats in working days. (A named
    tuple: a frozen record that is cheap to make, one per task.)"""

    project: str
    wbs: str
    name: str
    early_start: str
    early_finish: str
    late_start: str
    late_finish: str
    total_float: Number
    free_float: Number
    critical: bool
    summary: bool
    milestone: bool
    deadline_missed: bool


@dataclass(frozen=True)
class ProjectSchedule:
    """A project's first start, last finish and the chain of work that drives its finish."""

    start: str
    finish: str
    critical_path: list[str]


@dataclass(frozen=True)
class Schedule:
    """The program's schedule. start/finish are None only for a program without projects."""

    program: str
    start: str | None
    finish: str | None
    critical_path: list[str]
    critical_paths: list[list[str]]
    projects: dict[str, ProjectSchedule]
    tasks: list[ScheduleRow]
    warnings: list[str]
    conventions: str = "plansync"


_Leaf = tuple[int, int, int, int, Number, Number, bool]
"""One leaf node's early start, early finish, late start and late finish (day ordinals), total
and free float (as `number`s) and whether it is critical. (A plain tuple: one per leaf.)"""
_ES, _EF = 0, 1


@lru_cache(maxsize=65536)
def number(x: float) -> Number:
    """x rounded to 6 decimals, as an int when integral (cached: floats repeat across tasks,
    and rounding to decimals is slow)."""
    r = round(x, 6) + 0.0
    return int(r) if r.is_integer() else r


def assemble(plan: Plan, topo: Topology, timing: Timing) -> Schedule:
    """Build the Schedule records from the passes' results."""
    leaves = _leaves(plan, timing)
    rows = _rows(plan.rows, leaves)  # as task_rows(), sharing `leaves`
    projects = {p.code: _project(plan, topo, timing, leaves, p) for p in plan.projects}
    start = min((p.start for p in projects.values()), default=None)
    finish = max((p.finish for p in projects.values()), default=None)
    last = max((leaf[_EF] for leaf in leaves.values()), default=None)
    ends = sorted(j for j, leaf in leaves.items()
                  if leaf[_EF] == last and iso_date(last) == finish)
    paths = _paths(plan, topo, timing, ends, MAX_PATHS)
    return Schedule(plan.program, start, finish, paths[0] if paths else [], paths, projects,
                    rows, _warnings(plan.rows, rows) + _override_warnings(plan, topo, timing),
                    plan.conventions)


def task_rows(plan: Plan, timing: Timing) -> list[ScheduleRow]:
    """Just the per-task rows of assemble() (no critical-path chains, no warnings): what an
    instance stores with its tasks."""
    return _rows(plan.rows, _leaves(plan, timing))


def _leaves(plan: Plan, t: Timing) -> dict[int, _Leaf]:
    """Per leaf node (grouped by calendar, so not in index order) its days and floats."""
    out: dict[int, _Leaf] = {}
    d = plan.network.durations
    late = plan.dating(t.es, d)
    early = plan.early_dating(t.es, d, late)
    for cal, nodes in plan.groups:
        _group_leaves(plan, t, cal, nodes, early, late, out)
    return out


def _group_leaves(plan: Plan, t: Timing, cal: WorkCalendar, nodes: list[int],
                  origin: Sequence[float], late_origin: Sequence[float],
                  out: dict[int, _Leaf]) -> None:
    """The leaves on one calendar: all their day offsets first, then those to ordinals at once.
    (This runs per leaf, so names are local and `snap` is inlined.)"""
    d, es, ls = plan.network.durations, t.es, t.ls
    offsets: list[int] = []
    append = offsets.append
    for j in nodes:
        s, dj, late = es[j], d[j], ls[j]
        k, n = int(s), int(dj)
        if k == s and n == dj and n > 0:  # whole days (the common case): day_span, inlined
            append(k)
            append(k + n - 1)
            if late == s:
                append(k)
                append(k + n - 1)
                continue
            m = int(late)
            if m == late:
                append(m)
                append(m + n - 1)
                continue
            offsets += day_span(late, dj, late_origin[j])
            continue
        early = day_span(s, dj, origin[j])
        same = -1e-9 < late - s < 1e-9  # zero float (snapped): the late dates are the early
        offsets += early + (early if same else day_span(late, dj, late_origin[j]))
    days = cal.ordinals_at(offsets)
    done, free = plan.done, t.free
    for j, early_start, early_finish, late_start, late_finish in zip(
            nodes, days[0::4], days[1::4], days[2::4], days[3::4], strict=True):
        x, y = ls[j] - es[j], free[j]
        r, q = round(x), round(y)
        total = float(r) if -1e-9 < x - r < 1e-9 else x  # snap(x)
        slack = min(float(q) if -1e-9 < y - q < 1e-9 else y, total)  # min(snap(y), total)
        out[j] = (early_start, early_finish, late_start, late_finish, number(total),
                  number(max(0.0, slack)), total <= 0 and j not in done)


def _rows(refs: list[RowRef], leaves: dict[int, _Leaf]) -> list[ScheduleRow]:
    """A row per task: a leaf's own values; a summary's roll-up (earliest starts, latest
    finishes, least float, critical if any descendant is)."""
    out = []
    for project, wbs, name, nodes, summary, milestone, _, deadline, _ in refs:  # RowRef fields
        es, ef, ls, lf, total, free, critical = (
            _rollup([leaves[j] for j in nodes]) if summary else leaves[nodes[0]])
        out.append(ScheduleRow(
            project, wbs, name, iso_date(es), iso_date(ef), iso_date(ls), iso_date(lf), total,
            free, critical, summary, milestone, deadline is not None and ef > deadline))
    return out


def _rollup(parts: list[_Leaf]) -> _Leaf:
    """Leaf floats are already `number`s: the least of those is the `number` of the least
    float, as rounding keeps the order."""
    es, ef, ls, lf, total, free, critical = zip(*parts, strict=True)
    return (min(es), max(ef), min(ls), max(lf), min(total), min(free), any(critical))


def _project(plan: Plan, topo: Topology, timing: Timing, leaves: dict[int, _Leaf],
             project: ProjectRef) -> ProjectSchedule:
    if not project.leaves:
        day = iso_date(project.calendar.ordinal_at(project.start))
        return ProjectSchedule(day, day, [])
    first = iso_date(min(leaves[j][_ES] for j in project.leaves))
    last = max(leaves[j][_EF] for j in project.leaves)
    ends = [j for j in project.leaves if leaves[j][_EF] == last]
    paths = _paths(plan, topo, timing, ends, 1)
    return ProjectSchedule(first, iso_date(last), paths[0] if paths else [])


def _paths(plan: Plan, topo: Topology, t: Timing, ends: list[int], cap: int) -> list[list[str]]:
    """Driving chains to `ends` (leaves finishing on the last day). Only those whose finish
    instant is the latest on their calendar count (not a milestone at the start of that day),
    and an end that drives another end (work before a final milestone) is not one of its own."""
    top: dict[int, float] = {}
    for j in ends:
        top[id(plan.calendars[j])] = max(top.get(id(plan.calendars[j]), t.ef[j]), t.ef[j])
    ends = [j for j in ends if t.ef[j] >= top[id(plan.calendars[j])] - 1e-9]
    preds = partial(driving_preds, plan.network, topo, plan.network.durations, t.es)
    inner = {i for j in ends for i in preds(j)}
    out: list[list[str]] = []
    for chain in chains([j for j in ends if j not in inner], preds, cap):
        names = [plan.names[j] for j in chain if not plan.virtual[j]]
        if names not in out:
            out.append(names)
    return out


def _warnings(refs: list[RowRef], rows: list[ScheduleRow]) -> list[str]:
    out: list[str] = []
    for ref, row in zip(refs, rows, strict=True):
        name = f"{ref.project}:{ref.wbs}"
        if row.deadline_missed and ref.deadline is not None:
            out.append(f"{name} finishes {row.early_finish}, after its deadline "
                       f"{iso_date(ref.deadline)}")
        if ref.constraint is not None:
            out.extend(_constraint_warning(name, row, *ref.constraint))
    return out


def _constraint_warning(name: str, row: ScheduleRow, kind: str, day: int,
                        meant: int) -> list[str]:
    """A "no later than" or "must" constraint the early dates miss. `meant` is the working
    day the bound means (a start date on a non-working day means the next working day)."""
    limit, bound = iso_date(day), iso_date(meant)
    if kind in ("start_no_later_than", "must_start_on") and row.early_start > bound:
        return [f"{name} cannot meet {kind} {limit}: its early start is {row.early_start}"]
    if kind in ("finish_no_later_than", "must_finish_on") and row.early_finish > bound:
        return [f"{name} cannot meet {kind} {limit}: its early finish is {row.early_finish}"]
    return []


def _override_warnings(plan: Plan, topo: Topology, t: Timing) -> list[str]:
    """Tasks started against their dependencies: manual dates, and under Microsoft Project's
    conventions constraints honoured over links. In task order."""
    if not plan.overrides:
        return []
    out: list[tuple[int, str]] = []
    d = plan.network.durations
    dating = plan.dating(t.es, d)
    for j, (what, day) in plan.overrides.items():
        wanted = link_start(plan.network, topo, d, t.es, j)
        if wanted <= t.es[j] + 1e-9:
            continue
        cal = plan.calendars[j]
        would = iso_date(cal.ordinal_at(first_day(wanted, d[j], dating[j])))
        if what == "manual":
            text = (f"{plan.names[j]} is scheduled manually from {iso_date(day)}; its "
                    f"dependencies would start it on {would}")
        else:
            text = (f"{plan.names[j]} {what} {iso_date(day)} is honoured over its "
                    f"dependencies, which would start it on {would}")
        out.append((j, text))
    return [text for _, text in sorted(out)]
