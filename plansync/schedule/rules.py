"""The rules that fix or bound one leaf's dates: constraints, deadlines (Microsoft Project's
conventions), manual starts and actual dates. A mixin of the plan builder (build.py): it
declares the builder's arrays it works on."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from plansync.schedule.calendar import WorkCalendar
from plansync.schedule.plan import INF


class LeafRules:
    """Turns one leaf's rules into bounds on the builder's arrays."""

    msproject: bool
    durations: list[float]
    no_earlier: dict[int, float]
    finish_release: dict[int, float]
    start_deadline: dict[int, float]
    finish_deadline: dict[int, float]
    start_cap: dict[int, float]
    finish_cap: dict[int, float]
    pinned: dict[int, float]
    finish_pinned: dict[int, float]
    frozen: set[int]
    ended: set[int]
    done: set[int]
    overrides: dict[int, tuple[str, int]]
    estimates: dict[int, tuple[float, float, float]]

    def _leaf_bounds(self, cal: WorkCalendar, j: int, task: dict[str, Any]) -> None:
        """Constraints, deadline (Microsoft Project's conventions), manual dates and actual
        dates of one leaf; each later one overrides the earlier ones' fixed start."""
        if "constraint" in task:
            self._apply_constraint(cal, lambda _port: j, task["constraint"], leaf=True)
        if self.msproject and "deadline" in task:
            bound = float(cal.offset_on_or_after(ordinal(task["deadline"]) + 1))
            self.finish_deadline[j] = min(self.finish_deadline.get(j, bound), bound)
        if task.get("manual") and "start" in task:
            day = ordinal(task["start"])
            self._fix_start(j, float(cal.offset_on_or_after(day)))
            self.overrides[j] = ("manual", day)
        if "actual_start" in task or "actual_finish" in task:
            self._apply_actuals(cal, j, task)

    def _fix_start(self, j: int, start: float | None, finish: float | None = None) -> None:
        """Pin node j's start (or its exclusive finish), undoing what an earlier rule fixed."""
        for bounds in (self.pinned, self.finish_pinned, self.start_cap, self.finish_cap):
            bounds.pop(j, None)
        self.frozen.discard(j)
        self.ended.discard(j)
        self.overrides.pop(j, None)
        if start is not None:
            self.pinned[j] = start
        if finish is not None:
            self.finish_pinned[j] = finish

    def _apply_actuals(self, cal: WorkCalendar, j: int, task: dict[str, Any]) -> None:
        """Done work keeps its actual dates; started work keeps its actual start. A zero-length
        task is an instant at the end of its actual day."""
        start, finish = _day(task.get("actual_start")), _day(task.get("actual_finish"))
        done = task.get("status") == "done"
        finish = finish if done else None
        if start is None and finish is None:
            return
        d = self.durations[j]
        if start is not None and finish is not None and (d > 0 or not task.get("milestone")):
            at = float(cal.offset_on_or_after(start))
            self._fix_start(j, at)
            self.durations[j] = max(cal.offset_on_or_after(finish + 1) - at, 0.0)
        elif d == 0:
            self._fix_start(j, float(cal.offset_on_or_after((finish or start or 0) + 1)))
            self.ended.add(j)
        elif start is not None:
            self._fix_start(j, float(cal.offset_on_or_after(start)))
        else:
            self._fix_start(j, None, float(cal.offset_on_or_after((finish or 0) + 1)))
        if done:
            self.frozen.add(j)
            self.done.add(j)
            self.estimates.pop(j, None)

    def _apply_constraint(self, cal: WorkCalendar, node: Callable[[str], int],
                          spec: dict[str, Any], leaf: bool) -> None:
        """Turn a constraint into bounds; `node(port)` names the node each bound applies to
        (a leaf is its own node for every port). A start date D means the first working day
        on or after D, a finish date the last working day on or before D (both bounds alike).
        Under Microsoft Project's conventions a leaf's constraint is honoured over its
        dependencies: "must" pins it (late dates too), "no later than" caps its early dates."""
        kind, day = spec["type"], ordinal(spec["date"])
        if kind == "":
            return
        start, finish = cal.offset_on_or_after(day), cal.offset_on_or_after(day + 1)
        if self.msproject and leaf and kind in _HONOURED:
            j = node("in_start")
            if kind == "must_start_on":
                self._fix_start(j, float(start))
            elif kind == "must_finish_on":
                self._fix_start(j, None, float(finish))
            elif kind == "start_no_later_than":
                self._fix_start(j, None)
                self.start_cap[j] = float(start)
            else:
                self._fix_start(j, None)
                self.finish_cap[j] = float(finish)
            if kind.startswith("must"):
                self.frozen.add(j)
            self.overrides[j] = (kind, day)
        if kind in ("start_no_earlier_than", "must_start_on"):
            j = node("in_start")
            self.no_earlier[j] = max(self.no_earlier.get(j, -INF), float(start))
        if kind in ("start_no_later_than", "must_start_on"):
            j = node("out_start")
            self.start_deadline[j] = min(self.start_deadline.get(j, start), start)
        if kind in ("finish_no_earlier_than", "must_finish_on"):
            j = node("in_finish")
            self.finish_release[j] = max(self.finish_release.get(j, finish), finish)
        if kind in ("finish_no_later_than", "must_finish_on"):
            j = node("out_finish")
            self.finish_deadline[j] = min(self.finish_deadline.get(j, finish), finish)


_HONOURED = frozenset({"must_start_on", "must_finish_on", "start_no_later_than",
                       "finish_no_later_than"})


def ordinal(value: str) -> int:
    return date.fromisoformat(value).toordinal()


def _day(value: str | None) -> int | None:
    return None if value is None else ordinal(value)
