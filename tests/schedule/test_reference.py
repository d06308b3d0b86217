"""The engine agrees with the brute-force reference (tests/schedule/reference.py) on every field
of every task of generated programs: summary links, actual dates, fractional durations,
constraints on non-working days, several calendars, task calendars, elapsed durations, manual
tasks, milestones with a duration, and both conventions."""

from __future__ import annotations

import json
import os
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from plansync.schedule.cpm import schedule
from tests.schedule.reference import reference_rows

START = date(2026, 1, 5)  # a Monday
# Only the rules of issue 16's first report (no new fields, no conventions): to check that
# this test finds the bugs of an older engine.
LEGACY = os.environ.get("PLANSYNC_REFERENCE_LEGACY") == "1"
CALENDARS = [
    {"code": "a-week", "workdays": ["mon", "tue", "wed", "thu", "fri"],
     "holidays": ["2026-01-07", "2026-01-19"]},
    {"code": "b-all", "workdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]},
    {"code": "c-tue-sat", "workdays": ["tue", "wed", "thu", "fri", "sat"]},
]
KINDS = ["start_no_earlier_than", "start_no_later_than", "finish_no_earlier_than",
         "finish_no_later_than", "must_start_on", "must_finish_on"]
FIELDS = ("early_start", "early_finish", "late_start", "late_finish", "critical", "milestone",
          "deadline_missed", "summary")


def _day(n: int) -> str:
    return (START + timedelta(days=n)).isoformat()


@st.composite
def durations(draw: Any) -> dict[str, Any]:
    choice = draw(st.integers(0, 9))
    if choice == 0:
        return {}  # a milestone by its missing duration
    if choice == 1:
        return {"milestone": True}
    if choice == 2:  # a PERT mean: often a fraction
        o = draw(st.integers(0, 3))
        likely = draw(st.integers(o, o + 3))
        return {"estimate": {"optimistic": o, "likely": likely,
                             "pessimistic": draw(st.integers(likely, likely + 5))}}
    if choice == 3:
        return {"duration": draw(st.sampled_from([0.5, 1.5, 2.25, 0.75]))}
    out: dict[str, Any] = {"duration": draw(st.integers(0, 6))}
    if choice == 4 and out["duration"] > 0 and not LEGACY:
        out["milestone"] = True  # a milestone flag on a task with a duration
    return out


@st.composite
def leaf_extras(draw: Any, calendars: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    roll = draw(st.integers(0, 19))
    if roll == 0:
        out.update(status="done", actual_start=_day(draw(st.integers(0, 6))))
        out["actual_finish"] = _day(draw(st.integers(0, 4)) + int(out["actual_start"][-2:]) - 5)
    elif roll == 1:
        out.update(status="in_progress", actual_start=_day(draw(st.integers(-2, 8))))
    elif roll == 2:
        out.update(status="done", actual_finish=_day(draw(st.integers(0, 10))))
    elif roll == 3 and not LEGACY:
        out.update(manual=True, start=_day(draw(st.integers(-3, 12))))
    if draw(st.integers(0, 4)) == 0:
        out["constraint"] = {"type": draw(st.sampled_from(KINDS)),
                             "date": _day(draw(st.integers(-4, 16)))}
    if draw(st.integers(0, 5)) == 0:
        out["deadline"] = _day(draw(st.integers(0, 14)))
    roll = draw(st.integers(0, 7)) if not LEGACY else 7
    if roll == 0 and calendars:
        out["calendar"] = draw(st.sampled_from(calendars))
    elif roll == 1:
        out["elapsed"] = True
    return out


@st.composite
def programs(draw: Any) -> dict[str, Any]:
    cal_count = draw(st.integers(0, 3))
    calendars = CALENDARS[:cal_count]
    codes = [c["code"] for c in calendars]
    projects = []
    order: list[tuple[str, str, bool, str]] = []  # (project, wbs, summary, top) in wbs order
    for p in range(draw(st.integers(1, 2))):
        code = f"p{p}"
        tasks: list[dict[str, Any]] = []
        for top in range(1, draw(st.integers(2, 5)) + 1):
            children = draw(st.integers(0, 3)) if top > 1 or p else draw(st.integers(0, 2))
            if children:
                summary: dict[str, Any] = {"wbs": str(top), "name": f"s{top}"}
                if draw(st.integers(0, 5)) == 0:
                    summary["constraint"] = {"type": draw(st.sampled_from(KINDS)),
                                             "date": _day(draw(st.integers(-2, 12)))}
                tasks.append(summary)
                order.append((code, str(top), True, str(top)))
                for c in range(1, children + 1):
                    wbs = f"{top}.{c}"
                    tasks.append({"wbs": wbs, "name": wbs, **draw(durations()),
                                  **draw(leaf_extras(codes))})
                    order.append((code, wbs, False, str(top)))
            else:
                tasks.append({"wbs": str(top), "name": str(top), **draw(durations()),
                              **draw(leaf_extras(codes))})
                order.append((code, str(top), False, str(top)))
        project: dict[str, Any] = {"code": code, "name": code,
                                   "start": _day(draw(st.integers(-1, 3))), "tasks": tasks,
                                   "dependencies": []}
        if codes and draw(st.booleans()):
            project["calendar"] = draw(st.sampled_from(codes))
        projects.append(project)
    # links go forward in wbs order between tasks that are not one another's ancestors: acyclic
    seen: set[tuple[int, int]] = set()
    for _ in range(draw(st.integers(0, 2 * len(order)))):
        a = draw(st.integers(0, len(order) - 2))
        b = draw(st.integers(a + 1, len(order) - 1))
        (pa, wa, _, ta), (pb, wb, _, tb) = order[a], order[b]
        if (a, b) in seen or (pa == pb and ta == tb and (wa == ta or wb == tb)):
            continue
        seen.add((a, b))
        lag = draw(st.sampled_from([0, 0, 0, 1, 2, -1, -2, 0.5]))
        dep = {"from": wa if pa == pb else f"{pa}:{wa}", "to": wb,
               "type": draw(st.sampled_from(["FS", "FS", "SS", "FF", "SF"])), "lag": lag}
        next(p for p in projects if p["code"] == pb)["dependencies"].append(dep)
    program: dict[str, Any] = {"code": "gen", "name": "Gen", "calendars": calendars,
                               "projects": projects}
    if draw(st.booleans()) and not LEGACY:
        program["scheduling"] = {"conventions": "msproject"}
    return {"version": 1, "program": program}


EXAMPLES = int(os.environ.get("PLANSYNC_REFERENCE_EXAMPLES", "400"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_engine_equals_reference(doc: dict[str, Any]) -> None:
    note(json.dumps(doc))
    expected, finish = reference_rows(doc)
    result = schedule(doc)
    assert result.finish == finish
    for row in result.tasks:
        key = f"{row.project}:{row.wbs}"
        want = expected[key]
        got = {name: getattr(row, name) for name in FIELDS}
        assert got == {name: want[name] for name in FIELDS}, key
        assert abs(row.total_float - float(want["total_float"])) < 2e-6, key
        assert abs(row.free_float - float(want["free_float"])) < 2e-6, key
        # always: no late date after the program finish; 0 <= free float <= max(total, 0)
        assert row.late_finish <= finish, key
        assert 0 <= row.free_float <= max(row.total_float, 0), key
