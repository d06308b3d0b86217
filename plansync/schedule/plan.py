"""A document compiled for scheduling: the network and what the report needs per task."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from plansync.schedule.calendar import WorkCalendar, last_day, snap
from plansync.schedule.network import Network
from plansync.schedule.paths import start_of_day

CONVENTIONS = ("plansync", "msproject")
INF = float("inf")


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
    constraint: tuple[str, int, int] | None  # (type, date ordinal, the working day it means)


@dataclass(frozen=True)
class ProjectRef:
    """One project: its calendar, start offset and rows (indices into Plan.rows)."""

    code: str
    calendar: WorkCalendar
    start: int
    rows: tuple[int, ...]
    leaves: tuple[int, ...]
    day: int = 0  # ordinal of the project's start date as written


@dataclass(frozen=True)
class Plan:
    """A document compiled for scheduling: the network and per-node metadata.

    done: leaves of done work (never critical). overrides: leaf -> (what, date ordinal) for a
    leaf whose start is set against its dependencies ("manual", or a constraint type under
    Microsoft Project's conventions): a warning names it when its dependencies would start it
    later.
    """

    program: str
    network: Network
    names: list[str]  # "proj:wbs" per node (a port is named after its summary)
    virtual: list[bool]
    calendars: list[WorkCalendar]
    origin: list[int]  # per node, its project's start offset on the node's calendar
    rows: list[RowRef]
    projects: list[ProjectRef]
    estimates: dict[int, tuple[float, float, float]]  # leaf scheduled on its PERT mean
    groups: list[tuple[WorkCalendar, list[int]]]  # leaf nodes per calendar
    conventions: str = "plansync"
    done: frozenset[int] = frozenset()
    overrides: dict[int, tuple[str, int]] | None = None
    ended: frozenset[int] = frozenset()  # zero-length leaves placed at the end of an actual day

    def dating(self, es: list[float], d: Sequence[float]) -> Sequence[float]:
        """Per node, the largest instant dated on the day at floor(m) (docs/scheduling.md,
        Milestones): its project's start offset; or, when a leaf of its project has its first
        day before the project's start date (a lead or a constraint under Microsoft Project's
        conventions, an actual date), the last instant before the day after the earliest such
        day. A leaf's first day: the day at floor(s) of its early start s, or the actual date
        of a zero-length task placed by one (`ended`)."""
        origin, ended = self.origin, self.ended
        candidates = [j for j, (e, o) in enumerate(zip(es, origin, strict=True)) if e <= o]
        if not candidates:
            return origin
        cals, virtual, names = self.calendars, self.virtual, self.names
        by_code = {p.code: p for p in self.projects}
        first: dict[str, int] = {}  # project -> earliest first day before its start date
        for j in candidates:
            s = es[j]
            if virtual[j] or not math.isfinite(s):
                continue
            s = snap(s)
            day = cals[j].ordinal_at(math.ceil(s) - 1 if j in ended and d[j] <= 0
                                     else math.floor(s))
            code = names[j].partition(":")[0]
            if day < by_code[code].day and day < first.get(code, day + 1):
                first[code] = day
        if not first:
            return origin
        out: list[float] = [float(o) for o in origin]
        for code, day in first.items():
            for j in by_code[code].leaves:
                out[j] = math.nextafter(float(cals[j].offset_on_or_after(day + 1)), -INF)
        return out

    def early_dating(self, es: list[float], d: Sequence[float],
                     dating: Sequence[float] | None = None) -> Sequence[float]:
        """dating() for early dates (`dating`: that result, when the caller has it): under
        Microsoft Project's conventions a milestone whose early instant is the start of a
        working day is dated that day (paths.start_of_day); its late dates, unless equal to
        the early ones, keep dating()'s rule."""
        out = self.dating(es, d) if dating is None else dating
        if self.conventions == "msproject":  # Microsoft Project keeps the time of day
            starts = start_of_day(self.network, es, d, self.ended)
            if starts:
                out = [float(o) for o in out]
                for j in starts:
                    out[j] = INF  # always the day it begins
        return out

    def finish_ordinal(self, es: list[float], d: Sequence[float]) -> int | None:
        """Day ordinal of the program finish: the latest finish date of any leaf."""
        best: int | None = None
        dating = self.early_dating(es, d)
        for cal, nodes in self.groups:
            day = max(last_day(es[j], d[j], dating[j]) for j in nodes)
            ordinal = cal.ordinal_at(day)
            best = ordinal if best is None or ordinal > best else best
        return best

    def end_bounds(self, es: list[float], d: Sequence[float]) -> list[float]:
        """Per node, the exclusive finish offset every node must meet: the program finish.

        On a calendar with a task finishing on the program finish date that bound is its exact
        largest early finish; other calendars end with the program finish date.
        Internal summary nodes have no bound of their own (infinity): only the tasks they
        connect to give them late dates.
        """
        virtual = self.virtual
        if len(self.groups) <= 1:
            nodes = self.groups[0][1] if self.groups else []
            top = max((es[j] + d[j] for j in nodes), default=0.0)
            return [INF if v else top for v in virtual]
        origin = self.early_dating(es, d)
        last = [(cal, nodes, cal.ordinal_at(max(last_day(es[j], d[j], origin[j]) for j in nodes)))
                for cal, nodes in self.groups]
        finish = max(day for _, _, day in last)
        bound: dict[int, float] = {}
        for cal, nodes, day in last:
            on_finish = day == finish
            bound[id(cal)] = (max(es[j] + d[j] for j in nodes) if on_finish
                              else float(cal.offset_on_or_after(finish + 1)))
        cals = self.calendars
        return [INF if virtual[j] else bound[id(cals[j])] for j in range(len(es))]
