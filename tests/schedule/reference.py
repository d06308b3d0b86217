"""An independent reference scheduler, written from docs/scheduling.md alone.

Nothing here shares code or structure with plansync.schedule: calendars are plain lists of
working days, every value is an exact Fraction, summaries are expanded into leaf-level
constraints (no internal nodes), and both passes are fixed points iterated over *all*
constraints in document order until nothing changes (no topological order). Cross-calendar
conversions are brute force (the backward one by bisection over whole days). It is slow and
only meant for small generated programs.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
NEG, POS = -(10**9), 10**9  # "minus / plus infinity" as comparable integers
Value = Fraction


class Cal:
    """Working days (ordinals) of one calendar around the plan; offset 0 is the first working
    day on or after `anchor`."""

    def __init__(self, workdays: list[str], holidays: list[str], anchor: int) -> None:
        off = {WEEK.index(w) for w in workdays}
        hol = {date.fromisoformat(h).toordinal() for h in holidays}
        lo, hi = anchor - 6000, anchor + 8000
        self.days = [o for o in range(lo, hi) if (o - 1) % 7 in off and o not in hol]
        self.base = bisect_left(self.days, anchor)
        self.key = (tuple(sorted(off)), tuple(sorted(hol)))

    def on_or_after(self, ordinal: int) -> int:
        return bisect_left(self.days, ordinal) - self.base

    def day(self, k: int) -> int:
        if not 0 <= k + self.base < len(self.days):
            raise IndexError(f"offset {k} outside the reference's window")
        return self.days[k + self.base]


def conv(a: Cal, b: Cal, value: Value, finish: bool) -> int:
    """docs: the predecessor side rounded up to a whole day and turned into an instant (a start
    the beginning of its day, a finish the end of its last day of work); the successor side is
    at or after the first working day of its calendar at or after that instant."""
    k = math.ceil(value)
    instant = a.day(k - 1) + 1 if finish else a.day(k)
    return b.on_or_after(instant)


def back(a: Cal, b: Cal, bound: Value, finish: bool) -> Value:
    """The largest a-side value whose conversion is still <= bound (bisection over days; the
    conversion of a fraction is that of the next whole day, so the answer is whole)."""
    lo, hi = -2000, 2000
    if conv(a, b, Fraction(lo), finish) > bound:
        return Fraction(NEG)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if conv(a, b, Fraction(mid), finish) <= bound:
            lo = mid
        else:
            hi = mid - 1
    return Fraction(lo)


@dataclass
class Leaf:
    key: str  # "proj:wbs"
    cal: Cal
    d: Value
    origin: int  # the project's start on this calendar
    start_day: int = 0  # the project's start date as written
    first_day: int | None = None  # earliest first day of its project's leaves (forward)
    ended: bool = False  # a zero-length task placed at the end of its actual day
    release: list[Value] = field(default_factory=list)  # start >= each
    finish_release: list[Value] = field(default_factory=list)  # finish >= each
    start_cap: Value | None = None  # msproject "no later than": early start <= it
    finish_cap: Value | None = None
    pin: Value | None = None  # start fixed
    finish_pin: Value | None = None  # exclusive finish fixed
    frozen: bool = False  # late = early
    done: bool = False
    late_start: list[Value] = field(default_factory=list)  # late start <= each
    late_finish: list[Value] = field(default_factory=list)
    has_pred: bool = False
    milestone: bool = False
    deadline: int | None = None


@dataclass
class Source:
    """The predecessor side of an expanded dependency: one leaf, or the earliest start of a
    summary's leaves (`group`, and `dates` when they are on different calendars)."""

    leaves: list[int]
    start_min: bool = False
    dates: bool = False


@dataclass
class Link:
    src: Source
    succ: int
    pf: bool
    sf: bool
    lag: Value


class Reference:
    def __init__(self, doc: dict[str, Any], conventions: str | None = None) -> None:
        prog = doc["program"]
        self.ms = (conventions or prog.get("scheduling", {}).get("conventions",
                                                                 "plansync")) == "msproject"
        projects = prog.get("projects", [])
        anchor = min((date.fromisoformat(p["start"]).toordinal() for p in projects),
                     default=730000)
        self.cals: dict[Any, Cal] = {}
        by_code = {c["code"]: self._cal(c.get("workdays", list(WEEK[:5])),
                                        c.get("holidays", []), anchor)
                   for c in sorted(prog.get("calendars", []), key=lambda c: c["code"])}
        default = next(iter(by_code.values()), None) or self._cal(list(WEEK[:5]), [], anchor)
        self.every = self._cal(list(WEEK), [], anchor)
        self.leaves: list[Leaf] = []
        self.index: dict[str, int] = {}
        self.summary: dict[str, list[int]] = {}  # "proj:wbs" -> leaf indices
        self.rows: list[tuple[str, str, dict[str, Any], bool]] = []
        self.links: list[Link] = []
        self.summary_start_deadline: list[tuple[str, int]] = []  # (summary, date ordinal)
        self.day_start: set[int] = set()  # msproject milestones at the start of a day
        for p in projects:
            cal = by_code.get(p.get("calendar", ""), default)
            tasks = p.get("tasks", [])
            parents = {t["wbs"].rpartition(".")[0] for t in tasks}
            start = date.fromisoformat(p["start"]).toordinal()
            for t in tasks:
                key = f"{p['code']}:{t['wbs']}"
                self.rows.append((p["code"], t["wbs"], t, t["wbs"] in parents))
                if t["wbs"] in parents:
                    continue
                tcal = (self.every if t.get("elapsed") else
                        by_code.get(t.get("calendar", ""), cal))
                self.index[key] = len(self.leaves)
                self.leaves.append(Leaf(key, tcal, _duration(t), tcal.on_or_after(start),
                                        start_day=start))
            for t in tasks:
                if t["wbs"] in parents:
                    self.summary[f"{p['code']}:{t['wbs']}"] = [
                        self.index[f"{p['code']}:{u['wbs']}"] for u in tasks
                        if u["wbs"] not in parents
                        and u["wbs"].startswith(t["wbs"] + ".")]
        for p in projects:
            for t in p.get("tasks", []):
                key = f"{p['code']}:{t['wbs']}"
                if key in self.index:
                    self._leaf_rules(self.leaves[self.index[key]], t)
                elif "constraint" in t:
                    self._summary_constraint(key, t["constraint"])
        for p in projects:
            for dep in p.get("dependencies", []):
                self._dependency(p["code"], dep)
        for link in self.links:
            self.leaves[link.succ].has_pred = True

    def _cal(self, workdays: list[str], holidays: list[str], anchor: int) -> Cal:
        cal = Cal(workdays, holidays, anchor)
        return self.cals.setdefault(cal.key, cal)

    # -- the document's rules, leaf by leaf ---------------------------------------------

    def _leaf_rules(self, leaf: Leaf, t: dict[str, Any]) -> None:
        cal = leaf.cal
        leaf.milestone = bool(t.get("milestone"))
        if "deadline" in t:
            leaf.deadline = _ord(t["deadline"])
            if self.ms:
                leaf.late_finish.append(Fraction(cal.on_or_after(leaf.deadline + 1)))
        c = t.get("constraint")
        if c is not None:
            self._constraint(leaf, c["type"], _ord(c["date"]), honour=self.ms)
        if t.get("manual") and "start" in t:
            self._unfix(leaf)
            leaf.pin = Fraction(cal.on_or_after(_ord(t["start"])))
        a, f = t.get("actual_start"), t.get("actual_finish")
        done = t.get("status") == "done"
        f = f if done else None
        if a is None and f is None:
            return
        self._unfix(leaf)
        if a is not None and f is not None and (leaf.d > 0 or not t.get("milestone")):
            leaf.pin = Fraction(cal.on_or_after(_ord(a)))
            leaf.d = max(Fraction(cal.on_or_after(_ord(f) + 1)) - leaf.pin, Fraction(0))
        elif leaf.d == 0:
            leaf.pin = Fraction(cal.on_or_after(_ord(f or a) + 1))
            leaf.ended = True
        elif a is not None:
            leaf.pin = Fraction(cal.on_or_after(_ord(a)))
        else:
            leaf.finish_pin = Fraction(cal.on_or_after(_ord(f) + 1))
        if done:
            leaf.frozen = leaf.done = True

    @staticmethod
    def _unfix(leaf: Leaf) -> None:
        leaf.pin = leaf.finish_pin = leaf.start_cap = leaf.finish_cap = None
        leaf.frozen = False

    def _constraint(self, leaf: Leaf, kind: str, day: int, honour: bool) -> None:
        """docs: a start date means the first working day on or after it, a finish date the
        last working day on or before it, for both bounds."""
        cal = leaf.cal
        start = Fraction(cal.on_or_after(day))
        finish = Fraction(cal.on_or_after(day + 1))  # exclusive end of that last day
        if kind in ("start_no_earlier_than", "must_start_on"):
            leaf.release.append(start)
        if kind in ("finish_no_earlier_than", "must_finish_on"):
            leaf.finish_release.append(finish)
        if kind in ("start_no_later_than", "must_start_on"):
            leaf.late_start.append(start)
        if kind in ("finish_no_later_than", "must_finish_on"):
            leaf.late_finish.append(finish)
        if honour:
            if kind == "must_start_on":
                leaf.pin, leaf.frozen = start, True
            elif kind == "must_finish_on":
                leaf.finish_pin, leaf.frozen = finish, True
            elif kind == "start_no_later_than":
                leaf.start_cap = start
            elif kind == "finish_no_later_than":
                leaf.finish_cap = finish

    def _summary_constraint(self, key: str, c: dict[str, Any]) -> None:
        """docs: "no earlier than" and finish bounds to every leaf; a latest start to the
        earliest start of its leaves."""
        kind, day = c["type"], _ord(c["date"])
        per_leaf = {"must_start_on": "start_no_earlier_than",
                    "start_no_later_than": None}.get(kind, kind)
        for j in self.summary[key]:
            if per_leaf is not None:
                self._constraint(self.leaves[j], per_leaf, day, honour=False)
        if kind in ("start_no_later_than", "must_start_on"):
            self.summary_start_deadline.append((key, day))

    def _resolve(self, own: str, ref: str) -> str:
        project, _, wbs = ref.rpartition(":")
        return f"{project or own}:{wbs}"

    def _mixed(self, key: str) -> bool:
        return len({id(self.leaves[j].cal) for j in self.summary[key]}) > 1

    def _dependency(self, own: str, dep: dict[str, Any]) -> None:
        kind, lag = dep.get("type", "FS"), Fraction(dep.get("lag", 0))
        src, dst = self._resolve(own, dep["from"]), self._resolve(own, dep["to"])
        pf, sf = kind[0] == "F", kind[1] == "F"
        if src in self.index:
            sources = [Source([self.index[src]])]
        elif pf:  # docs: a summary's finish: every leaf must finish first (dates if mixed)
            sources = [Source([j], dates=self._mixed(src)) for j in self.summary[src]]
        else:  # its start: the earliest start of its leaves
            sources = [Source(self.summary[src], True, self._mixed(src))]
        targets = [self.index[dst]] if dst in self.index else self.summary[dst]
        for s in sources:
            for t in targets:
                self.links.append(Link(s, t, pf, sf, lag))

    # -- the passes -------------------------------------------------------------------------

    def _side(self, j: int, s: list[Value], finish: bool) -> Value:
        return s[j] + (self.leaves[j].d if finish else 0)

    def _earliest(self, src: Source, es: list[Value]) -> tuple[Value, Cal]:
        """A summary's earliest start: on its leaves' calendar, or as a calendar day."""
        if not src.dates:
            cal = self.leaves[src.leaves[0]].cal
            return min(es[j] for j in src.leaves), cal
        every = self.every
        return min(Fraction(conv(self.leaves[j].cal, every, es[j], False))
                   for j in src.leaves), every

    def _required(self, link: Link, es: list[Value]) -> Value:
        """The start of link.succ that the link requires, given early starts."""
        succ = self.leaves[link.succ]
        if link.src.start_min:
            value, cal = self._earliest(link.src, es)
        else:
            i = link.src.leaves[0]
            value, cal = self._side(i, es, link.pf), self.leaves[i].cal
        if cal is not succ.cal or (link.src.dates and not link.src.start_min):
            value = Fraction(conv(cal, succ.cal, value, link.pf and not link.src.start_min))
        value = value + link.lag - (succ.d if link.sf else 0)
        if self.ms and link.pf and link.sf:  # docs: FF never starts a task before its project
            value = max(value, Fraction(succ.origin))
        return value

    def forward(self) -> list[Value]:
        n = len(self.leaves)
        es = [Fraction(NEG)] * n
        changed = True
        while changed:
            changed = False
            for j, leaf in enumerate(self.leaves):
                value = self._start(j, leaf, es)
                if value != es[j]:
                    es[j], changed = value, True
        self._work_begins(es)
        self.day_start = self._day_starts(es) if self.ms else set()
        return es

    def _day_starts(self, es: list[Value]) -> set[int]:
        """docs (Microsoft Project's conventions, time of day): the milestones whose early
        instant is the start of a working day, by what sets it (a start wins a tie)."""
        memo: dict[int, bool] = {}

        def typed(j: int) -> bool:
            if j not in memo:
                memo[j] = self._day_start(j, es, typed)
            return memo[j]

        return {j for j, leaf in enumerate(self.leaves) if leaf.d == 0 and typed(j)}

    def _day_start(self, j: int, es: list[Value], typed: Any) -> bool:
        leaf, s = self.leaves[j], es[j]
        if leaf.pin is not None:
            return not leaf.ended
        if leaf.finish_pin is not None:
            return False
        placed = leaf.has_pred or leaf.release or leaf.finish_release
        starts = ([] if placed else [Fraction(leaf.origin)]) + list(leaf.release)
        asked = starts + [f - leaf.d for f in leaf.finish_release] + [
            self._required(link, es) for link in self.links if link.succ == j]
        if asked and max(asked) > s:  # a "no later than" cap set it: its own kind
            return leaf.start_cap is not None and leaf.start_cap == s
        if leaf.start_cap is not None:
            starts.append(leaf.start_cap)
        if s in starts:
            return True
        for link in self.links:
            if link.succ != j or self._required(link, es) != s:
                continue
            src = link.src
            if link.pf and link.sf and s == leaf.origin:  # the finish-to-finish floor
                return True
            first = src.leaves[0]
            if self.leaves[first].cal is not leaf.cal or src.dates:
                start = True  # converted through dates: the start of a working day
            elif src.start_min:  # a summary's start: any of its earliest leaves
                low = min(es[m] for m in src.leaves)
                start = any(self.leaves[m].d > 0 or typed(m) for m in src.leaves
                            if es[m] == low)
            else:
                start = (not link.pf) if self.leaves[first].d > 0 else typed(first)
            if (start if link.lag == 0 else link.lag < 0):
                return True
        return False

    def _work_begins(self, es: list[Value]) -> None:
        """docs (Milestones): the earliest first day of each project's leaves: the day at
        floor(s) of the early start, or the actual date of a milestone placed by one."""
        first: dict[str, int] = {}
        for j, leaf in enumerate(self.leaves):
            s = es[j]
            day = leaf.cal.day(math.ceil(s) - 1 if leaf.ended else math.floor(s))
            project = leaf.key.split(":")[0]
            first[project] = min(first.get(project, day), day)
        for leaf in self.leaves:
            leaf.first_day = first[leaf.key.split(":")[0]]

    def _start(self, j: int, leaf: Leaf, es: list[Value]) -> Value:
        if leaf.pin is not None:
            return leaf.pin
        if leaf.finish_pin is not None:
            return leaf.finish_pin - leaf.d
        if self.ms:  # docs: only tasks nothing else places start at the project start
            floor = ([] if leaf.has_pred or leaf.release or leaf.finish_release
                     else [Fraction(leaf.origin)])
        else:
            floor = [Fraction(leaf.origin)]
        bounds = floor + leaf.release + [f - leaf.d for f in leaf.finish_release]
        bounds += [self._required(link, es) for link in self.links if link.succ == j]
        value = max(bounds, default=Fraction(NEG))
        if leaf.start_cap is not None:
            value = min(value, leaf.start_cap)
        if leaf.finish_cap is not None:
            value = min(value, leaf.finish_cap - leaf.d)
        return value

    def finish_day(self, es: list[Value]) -> int:
        return max(self.day_span(j, es[j])[1] for j in range(len(self.leaves)))

    def day_span(self, j: int, s: Value, early: bool = True) -> tuple[int, int]:
        """docs: start = day at floor(s); finish = day at ceil(s + d) - 1; an instant: the day
        of the work before it, or at (or before) where its project's work begins the day at
        floor(m)."""
        leaf = self.leaves[j]
        cal = leaf.cal
        if leaf.d > 0:
            return cal.day(math.floor(s)), cal.day(math.ceil(s + leaf.d) - 1)
        assert leaf.first_day is not None
        if early and j in self.day_start:  # msproject: an early instant at a day's start
            at_floor = True
        elif leaf.first_day < leaf.start_day:  # some of the project comes before its start
            at_floor = cal.day(math.floor(s)) <= leaf.first_day
        else:
            at_floor = s <= leaf.origin
        day = cal.day(math.floor(s)) if at_floor else cal.day(math.ceil(s) - 1)
        return day, day

    def ends(self, es: list[Value]) -> list[Value]:
        """docs: on a calendar with a task finishing on the program finish date, its tasks end
        at the largest early finish on it; on other calendars with the program finish date."""
        finish = self.finish_day(es)
        out = []
        for leaf in self.leaves:
            group = [j for j, other in enumerate(self.leaves) if other.cal is leaf.cal]
            top = max(es[j] + self.leaves[j].d for j in group)
            if any(self.day_span(j, es[j])[1] == finish for j in group):
                out.append(top)
            else:
                out.append(Fraction(leaf.cal.on_or_after(finish + 1)))
        return out

    def _bound_back(self, link: Link, ls: list[Value], es: list[Value], j: int) -> Value:
        """The latest start of predecessor leaf j that link allows, given late (or early)
        starts of its successor."""
        succ, pred = self.leaves[link.succ], self.leaves[j]
        bound = ls[link.succ] + (succ.d if link.sf else 0) - link.lag
        if link.src.start_min:
            if link.src.dates:
                first = back(self.every, succ.cal, bound, False)
                return back(pred.cal, self.every, first, False)
            cal = pred.cal
            return bound if cal is succ.cal else back(cal, succ.cal, bound, False)
        plain = pred.cal is succ.cal and not link.src.dates
        side = bound if plain else back(pred.cal, succ.cal, bound, link.pf)
        return side - (pred.d if link.pf else 0)

    def _makers(self, src: Source, es: list[Value]) -> list[int]:
        """The leaves that make a summary's earliest start."""
        value, cal = self._earliest(src, es)
        if src.dates:
            return [j for j in src.leaves
                    if conv(self.leaves[j].cal, cal, es[j], False) == value]
        return [j for j in src.leaves if es[j] == value]

    def backward(self, es: list[Value], end: list[Value]) -> list[Value]:
        n = len(self.leaves)
        ls = [Fraction(POS)] * n
        changed = True
        while changed:
            changed = False
            for j, leaf in enumerate(self.leaves):
                value = self._late(j, leaf, es, ls, end)
                if value != ls[j]:
                    ls[j], changed = value, True
        return ls

    def _late(self, j: int, leaf: Leaf, es: list[Value], ls: list[Value],
              end: list[Value]) -> Value:
        if leaf.frozen:
            return es[j]
        bounds = [end[j] - leaf.d] + leaf.late_start + [f - leaf.d for f in leaf.late_finish]
        for link in self.links:
            if j not in link.src.leaves:
                continue
            if self.ms and self.leaves[link.succ].done:
                continue  # msproject: done work bounds nothing before it
            if link.src.start_min and j not in self._makers(link.src, es):
                continue
            bounds.append(self._bound_back(link, ls, es, j))
        for key, day in self.summary_start_deadline:
            src = Source(self.summary[key], True, self._mixed(key))
            if j in self._makers(src, es):
                if src.dates:
                    bounds.append(back(leaf.cal, self.every,
                                       Fraction(self.every.on_or_after(day)), False))
                else:
                    bounds.append(Fraction(leaf.cal.on_or_after(day)))
        return min(bounds)

    def free(self, es: list[Value], end: list[Value]) -> list[Value]:
        """docs: the least slack, in the early schedule, of the dependencies the task is a
        predecessor of (its own or its summaries', against each real successor); without
        any, its slack to the program finish."""
        out = []
        for j, leaf in enumerate(self.leaves):
            slacks = [self._bound_back(link, es, es, j) - es[j] for link in self.links
                      if j in link.src.leaves and not (
                          link.src.start_min and j not in self._makers(link.src, es))]
            out.append(min(slacks) if slacks else end[j] - es[j] - leaf.d)
        return out


def _ord(text: str) -> int:
    return date.fromisoformat(text).toordinal()


def _duration(t: dict[str, Any]) -> Value:
    if "duration" in t:
        return Fraction(t["duration"])
    if t.get("milestone"):
        return Fraction(0)
    if "estimate" in t:
        e = t["estimate"]
        return (Fraction(e["optimistic"]) + 4 * Fraction(e["likely"])
                + Fraction(e["pessimistic"])) / 6
    return Fraction(0)


def _number(x: Value) -> float:
    return float(x)


def reference_rows(doc: dict[str, Any], conventions: str | None = None
                   ) -> tuple[dict[str, dict[str, Any]], str | None]:
    """Every task's fields as the docs define them (floats as exact Fractions), and the
    program finish date."""
    ref = Reference(doc, conventions)
    if not ref.leaves:
        return {}, None
    es = ref.forward()
    end = ref.ends(es)
    ls = ref.backward(es, end)
    free = ref.free(es, end)
    leaf_rows: dict[int, dict[str, Any]] = {}
    for j, leaf in enumerate(ref.leaves):
        early = ref.day_span(j, es[j])
        late = early if ls[j] == es[j] else ref.day_span(j, ls[j], early=False)
        total = ls[j] - es[j]
        leaf_rows[j] = {
            "early_start": early[0], "early_finish": early[1],
            "late_start": late[0], "late_finish": late[1],
            "total_float": total, "free_float": max(Fraction(0), min(free[j], total)),
            "critical": total <= 0 and not leaf.done,
            "milestone": leaf.milestone or leaf.d == 0,
        }
    out: dict[str, dict[str, Any]] = {}
    for project, wbs, task, summary in ref.rows:
        key = f"{project}:{wbs}"
        if summary:
            parts = [leaf_rows[j] for j in ref.summary[key]]
            row = {"early_start": min(p["early_start"] for p in parts),
                   "early_finish": max(p["early_finish"] for p in parts),
                   "late_start": min(p["late_start"] for p in parts),
                   "late_finish": max(p["late_finish"] for p in parts),
                   "total_float": min(p["total_float"] for p in parts),
                   "free_float": min(p["free_float"] for p in parts),
                   "critical": any(p["critical"] for p in parts), "milestone": False}
        else:
            row = dict(leaf_rows[ref.index[key]])
        deadline = task.get("deadline")
        row["deadline_missed"] = deadline is not None and row["early_finish"] > _ord(deadline)
        row["summary"] = summary
        for name in ("early_start", "early_finish", "late_start", "late_finish"):
            row[name] = date.fromordinal(row[name]).isoformat()
        out[key] = row
    return out, date.fromordinal(ref.finish_day(es)).isoformat()
