"""Hypothesis strategies for valid seed documents (shared by the property tests)."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
codes = st.from_regex(r"[a-z][a-z0-9_-]{0,6}", fullmatch=True)
# Any text a seed file may hold: no lone surrogates (not UTF-8) and no NUL (no store keeps it).
names = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                min_size=1, max_size=12)
dates = st.dates(dt.date(2024, 1, 1), dt.date(2028, 12, 31)).map(dt.date.isoformat)
datetimes = st.datetimes(dt.datetime(2024, 1, 1), dt.datetime(2028, 12, 31)).map(
    lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ"))
emails = st.from_regex(r"[a-z]{1,6}@[a-z]{1,6}\.(com|org)", fullmatch=True)
# integral floats (3.0) and -0.0 exercise the number normalisation
small_numbers = st.one_of(st.integers(0, 40), st.sampled_from([0.5, 1.25, 2.0, 3.0, 7.5, 0.0]))


def _maybe(draw: Any, value: Any, p: float = 0.5) -> Any:
    return value if draw(st.floats(0, 1)) < p else None


@st.composite
def wbs_trees(draw: Any) -> list[str]:
    """A WBS tree: e.g. ["1", "1.1", "1.2", "2"]; up to three levels."""
    out: list[str] = []
    for a in range(1, draw(st.integers(1, 4)) + 1):
        out.append(str(a))
        for b in range(1, draw(st.integers(0, 3)) + 1):
            out.append(f"{a}.{b}")
            for c in range(1, draw(st.integers(0, 2)) + 1):
                out.append(f"{a}.{b}.{c}")
    return out


@st.composite
def tasks_for(draw: Any, wbs_list: list[str], resources: list[str],
              sprints: list[str], calendars: Sequence[str] = ()) -> list[dict[str, Any]]:
    parents = {w.rpartition(".")[0] for w in wbs_list}
    tasks = []
    for wbs in wbs_list:
        task: dict[str, Any] = {"wbs": wbs, "name": draw(names)}
        if wbs not in parents:
            choice = draw(st.integers(0, 3))
            if choice == 1:
                task["duration"] = draw(small_numbers)
            elif choice == 2:
                o, m, p = sorted(draw(st.lists(small_numbers, min_size=3, max_size=3)))
                task["estimate"] = {"optimistic": o, "likely": m, "pessimistic": p}
            elif choice == 3:
                task["duration"] = draw(st.sampled_from([0, 0, 2]))  # 2: a flagged task
                task["milestone"] = True
            extra = draw(st.integers(0, 9))
            if extra == 0:
                task.update(manual=True, start=draw(dates))
            elif extra == 1 and calendars:
                task["calendar"] = draw(st.sampled_from(calendars))
            elif extra == 2:
                task["elapsed"] = draw(st.booleans())  # false is the default, omitted
            elif extra == 3:
                task["manual"] = False
        if draw(st.booleans()):
            task["status"] = draw(st.sampled_from(["todo", "in_progress", "done", "blocked"]))
        if draw(st.booleans()):
            task["percent_complete"] = draw(st.sampled_from([0, 0.0, 25, 50.5, 100]))
        if resources and draw(st.booleans()):
            task["assignees"] = draw(st.lists(st.sampled_from(resources), unique=True,
                                              max_size=3))
        if sprints and draw(st.booleans()):
            task["sprint"] = draw(st.sampled_from(sprints))
        if draw(st.integers(0, 5)) == 0:
            task["notes"] = draw(st.sampled_from(["", "see the RFC", "ünïcødé ✓"]))
        if draw(st.integers(0, 6)) == 0:
            task["constraint"] = {"type": draw(st.sampled_from(
                ["start_no_earlier_than", "finish_no_later_than", "must_start_on"])),
                "date": draw(dates)}
        tasks.append(task)
    return tasks


@st.composite
def documents(draw: Any, max_projects: int = 3) -> dict[str, Any]:
    """A valid v1 seed document (lists in arbitrary order, defaults sometimes written)."""
    calendars = draw(st.lists(codes, unique=True, max_size=2))
    resources = draw(st.lists(codes, unique=True, max_size=3))
    program: dict[str, Any] = {"code": draw(codes), "name": draw(names)}
    if draw(st.booleans()):
        program["description"] = draw(st.sampled_from(["", "A program", "Zweites Programm"]))
    program["calendars"] = [
        {"code": c, "workdays": draw(st.lists(st.sampled_from(WEEKDAYS), unique=True,
                                              min_size=1)),
         "holidays": draw(st.lists(dates, unique=True, max_size=3))} for c in calendars]
    program["resources"] = []
    for code in resources:
        resource: dict[str, Any] = {"code": code, "name": draw(names),
                                    "type": draw(st.sampled_from(["person", "equipment"]))}
        if draw(st.booleans()):
            resource["email"] = draw(emails)
        if calendars and draw(st.booleans()):
            resource["calendar"] = draw(st.sampled_from(calendars))
        if draw(st.booleans()):
            resource["capacity"] = draw(st.sampled_from([1, 0.5, 2.0]))
        program["resources"].append(resource)
    if draw(st.integers(0, 3)) == 0:
        program["scheduling"] = {"conventions": draw(st.sampled_from(["plansync",
                                                                     "msproject"]))}
    program["members"] = [{"email": e, "role": draw(st.sampled_from(["owner", "viewer"]))}
                          for e in draw(st.lists(emails, unique=True, max_size=2))]
    project_codes = draw(st.lists(codes, unique=True, min_size=1, max_size=max_projects))
    projects = [draw(_project(code, resources, calendars)) for code in project_codes]
    _cross_links(draw, projects)
    program["projects"] = projects
    return {"version": 1, "program": program}


@st.composite
def _project(draw: Any, code: str, resources: list[str],
             calendars: list[str]) -> dict[str, Any]:
    sprints = draw(st.lists(codes, unique=True, max_size=2))
    wbs_list = draw(wbs_trees())
    project: dict[str, Any] = {"code": code, "name": draw(names), "start": draw(dates)}
    if draw(st.booleans()):
        project["status"] = draw(st.sampled_from(["active", "archived"]))
    if calendars and draw(st.booleans()):
        project["calendar"] = draw(st.sampled_from(calendars))
    project["sprints"] = [{"code": s, "name": draw(names), "start": "2026-01-05",
                           "finish": "2026-01-16"} for s in sprints]
    project["tasks"] = draw(tasks_for(wbs_list, resources, sprints, calendars))
    parents = {w.rpartition(".")[0] for w in wbs_list}
    leaves = [w for w in wbs_list if w not in parents]
    pairs = draw(st.lists(st.tuples(st.integers(0, len(leaves) - 1),
                                    st.integers(0, len(leaves) - 1)), max_size=8))
    deps, seen = [], set()
    for a, b in pairs:
        if a < b and (a, b) not in seen:
            seen.add((a, b))
            dep: dict[str, Any] = {"from": leaves[a], "to": leaves[b]}
            if draw(st.booleans()):
                dep["type"] = draw(st.sampled_from(["FS", "SS", "FF", "SF"]))
            if draw(st.booleans()):
                dep["lag"] = draw(st.sampled_from([0, 1, -2, 2.5, 3.0]))
            deps.append(dep)
    project["dependencies"] = deps
    if draw(st.booleans()):
        sample = leaves[: draw(st.integers(0, len(leaves)))]
        project["baselines"] = [{"name": "initial", "taken": draw(datetimes),
                                 "tasks": [{"wbs": w, "start": "2026-01-05",
                                            "finish": "2026-01-09", "duration": 5.0}
                                           for w in sample]}]
    if draw(st.booleans()):
        project["risks"] = [{"code": "r1", "title": draw(names),
                             "probability": draw(st.sampled_from([0, 0.25, 1.0])),
                             "impact": draw(st.integers(1, 5)),
                             "status": draw(st.sampled_from(["open", "closed"])),
                             "tasks": draw(st.lists(st.sampled_from(wbs_list), unique=True,
                                                    max_size=3))}]
    return project


def _cross_links(draw: Any, projects: list[dict[str, Any]]) -> None:
    """Links from an earlier project's leaf to a later one's: the program stays acyclic."""
    for i in range(len(projects) - 1):
        if draw(st.booleans()):
            a, b = projects[i], projects[i + 1]
            a_leaf = _leaves(a)[0]
            b_leaf = _leaves(b)[-1]
            b.setdefault("dependencies", []).append(
                {"from": f"{a['code']}:{a_leaf}", "to": b_leaf, "type": "FS"})


def _leaves(project: dict[str, Any]) -> list[str]:
    wbs = [t["wbs"] for t in project["tasks"]]
    parents = {w.rpartition(".")[0] for w in wbs}
    return [w for w in wbs if w not in parents]


def shuffled(doc: Any, rng: random.Random) -> Any:
    """The same document with every list and every object's key order shuffled
    (lists whose order is data, like events, are kept)."""
    if isinstance(doc, dict):
        keys = list(doc)
        rng.shuffle(keys)
        return {k: (doc[k] if k == "events" else shuffled(doc[k], rng)) for k in keys}
    if isinstance(doc, list):
        items = [shuffled(v, rng) for v in doc]
        rng.shuffle(items)
        return items
    return doc


def same(a: Any, b: Any) -> bool:
    """Equal plain data, types and key order included (True is not 1, 1.0 is not 1), floats
    equal to the bit (-0.0 is not 0.0; a NaN is the same as a NaN)."""
    if type(a) is not type(b):
        return False
    if type(a) is dict:
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if type(a) is list:
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if type(a) is float and math.isnan(a):
        return math.isnan(b)
    if type(a) is float:
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    return bool(a == b)
