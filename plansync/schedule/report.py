"""Schedule records and their assembly from a plan and its passes: dates, floats, paths."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from plansync.schedule.build import Plan, ProjectRef, RowRef
from plansync.schedule.calendar import first_day, iso_date, last_day, snap
from plansync.schedule.network import Timing, Topology
from plansync.schedule.paths import chains, driving_preds

MAX_PATHS = 10
Number = int | float


@dataclass(frozen=True)
class ScheduleRow:
    """One task's computed schedule; dates "YYYY-MM-DD", floats in working days."""

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


@dataclass(frozen=True)
class _Leaf:
    """Day ordinals and floats of one leaf node."""

    es: int
    ef: int
    ls: int
    lf: int
    total: float
    free: float
    critical: bool


def number(x: float) -> Number:
    """x rounded to 6 decimals, as an int when integral."""
    r = round(x, 6) + 0.0
    return int(r) if r.is_integer() else r


def assemble(plan: Plan, topo: Topology, timing: Timing) -> Schedule:
    """Build the Schedule records from the passes' results."""
    leaves = _leaves(plan, timing)
    rows = [_row(ref, leaves) for ref in plan.rows]  # as task_rows(), sharing `leaves`
    projects = {p.code: _project(plan, topo, timing, leaves, p) for p in plan.projects}
    start = min((p.start for p in projects.values()), default=None)
    finish = max((p.finish for p in projects.values()), default=None)
    last = max((leaf.ef for leaf in leaves.values()), default=None)
    ends = [j for j, leaf in leaves.items() if leaf.ef == last and iso_date(last) == finish]
    paths = _paths(plan, topo, timing, ends, MAX_PATHS)
    return Schedule(plan.program, start, finish, paths[0] if paths else [], paths, projects,
                    rows, _warnings(plan.rows, rows))


def task_rows(plan: Plan, timing: Timing) -> list[ScheduleRow]:
    """Just the per-task rows of assemble() (no critical-path chains, no warnings): what an
    instance stores with its tasks."""
    leaves = _leaves(plan, timing)
    return [_row(ref, leaves) for ref in plan.rows]


def _leaves(plan: Plan, t: Timing) -> dict[int, _Leaf]:
    out: dict[int, _Leaf] = {}
    d, frozen = plan.network.durations, plan.network.frozen
    for j, cal in enumerate(plan.calendars):
        if plan.virtual[j]:
            continue
        o, at = plan.origin[j], cal.ordinal_at
        total = snap(t.ls[j] - t.es[j])
        free = max(0.0, min(snap(t.free[j]), total))
        out[j] = _Leaf(at(first_day(t.es[j], d[j], o)), at(last_day(t.es[j], d[j], o)),
                       at(first_day(t.ls[j], d[j], o)), at(last_day(t.ls[j], d[j], o)),
                       total, free, total <= 0 and j not in frozen)
    return out


def _row(ref: RowRef, leaves: dict[int, _Leaf]) -> ScheduleRow:
    """A leaf's own values; a summary's roll-up (earliest starts, latest finishes, least
    float, critical if any descendant is)."""
    if not ref.summary:
        p = leaves[ref.leaves[0]]
        return _record(ref, (p.es, p.ef, p.ls, p.lf), p.total, p.free, p.critical)
    parts = [leaves[j] for j in ref.leaves]
    days = (min(p.es for p in parts), max(p.ef for p in parts),
            min(p.ls for p in parts), max(p.lf for p in parts))
    return _record(ref, days, min(p.total for p in parts), min(p.free for p in parts),
                   any(p.critical for p in parts))


def _record(ref: RowRef, days: tuple[int, int, int, int], total: float, free: float,
            critical: bool) -> ScheduleRow:
    es, ef, ls, lf = days
    return ScheduleRow(
        ref.project, ref.wbs, ref.name, iso_date(es), iso_date(ef), iso_date(ls), iso_date(lf),
        number(total), number(free), critical, ref.summary, ref.milestone,
        ref.deadline is not None and ef > ref.deadline,
    )


def _project(plan: Plan, topo: Topology, timing: Timing, leaves: dict[int, _Leaf],
             project: ProjectRef) -> ProjectSchedule:
    if not project.leaves:
        day = iso_date(project.calendar.ordinal_at(project.start))
        return ProjectSchedule(day, day, [])
    first = iso_date(min(leaves[j].es for j in project.leaves))
    last = max(leaves[j].ef for j in project.leaves)
    ends = [j for j in project.leaves if leaves[j].ef == last]
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


def _constraint_warning(name: str, row: ScheduleRow, kind: str, day: int) -> list[str]:
    limit = iso_date(day)
    if kind in ("start_no_later_than", "must_start_on") and row.early_start > limit:
        return [f"{name} cannot meet {kind} {limit}: its early start is {row.early_start}"]
    if kind in ("finish_no_later_than", "must_finish_on") and row.early_finish > limit:
        return [f"{name} cannot meet {kind} {limit}: its early finish is {row.early_finish}"]
    return []
