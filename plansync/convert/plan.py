"""Seed-side helpers every converter shares: codes, WBS from trees, a part of a plan
(--wbs), the initial state (--initial-state), and the final validation (planned dates and
working days: planned.py)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

from plansync.convert.report import Report, located
from plansync.errors import ConvertError, UsageError
from plansync.seed.model import wbs_key

MON_FRI = ("mon", "tue", "wed", "thu", "fri")
PROGRESS_FIELDS = ("status", "percent_complete", "actual_start", "actual_finish")
_NOT_CODE = re.compile(r"[^a-z0-9_-]+")
# What converters take for an email address (the seed format's own check is the schema's).
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def slug(text: str, fallback: str = "x") -> str:
    """A code (`^[a-z0-9][a-z0-9_-]{0,62}$`) made from free text: "Ana Lima" -> "ana-lima"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    code = _NOT_CODE.sub("-", ascii_text.lower()).strip("-_")[:63].strip("-_")
    return code or fallback


class Codes:
    """Unique codes: the second "ana" becomes "ana-2" (always within 63 characters)."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def new(self, text: str, fallback: str = "x") -> str:
        base = slug(text, fallback)
        code, n = base, 1
        while code in self.used:
            n += 1
            suffix = f"-{n}"
            code = base[:63 - len(suffix)] + suffix
        self.used.add(code)
        return code


def wbs_of_tree(items: Sequence[tuple[Hashable, Hashable | None, Any]]) -> dict[Hashable, str]:
    """wbs of each item of a tree given as (key, parent key or None, order): siblings are
    numbered 1, 2, ... in `order`. Raises ValueError(key) for an item whose parent is unknown
    or that is its own ancestor."""
    children: dict[Hashable | None, list[tuple[Any, int, Hashable]]] = {}
    keys = {key for key, _, _ in items}
    for index, (key, parent, order) in enumerate(items):
        if parent is not None and parent not in keys:
            raise ValueError(key)
        children.setdefault(parent, []).append((order, index, key))
    out: dict[Hashable, str] = {}
    stack: list[tuple[Hashable | None, str]] = [(None, "")]
    while stack:
        parent, prefix = stack.pop()
        for n, (_, _, key) in enumerate(sorted(children.get(parent, []),
                                               key=lambda c: (c[0], c[1])), 1):
            wbs = f"{prefix}{n}"
            out[key] = wbs
            stack.append((key, wbs + "."))
    missing = [key for key, _, _ in items if key not in out]
    if missing:  # only reachable through a parent cycle
        raise ValueError(missing[0])
    return out


def program_doc(program_code: str, name: str, project: dict[str, Any],
                resources: list[dict[str, Any]] | None = None,
                calendars: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    program: dict[str, Any] = {"code": program_code, "name": name, "projects": [project]}
    if resources:
        program["resources"] = resources
    if calendars:
        program["calendars"] = calendars
    return {"version": 1, "program": program}


# --- the part of a plan and the initial state


def pick_project(doc: dict[str, Any], code: str | None) -> dict[str, Any]:
    """The project `code` of a seed document, or its only project."""
    projects = doc["program"].get("projects", [])
    if code is not None:
        for project in projects:
            if project["code"] == code:
                return dict(project)
        known = ", ".join(p["code"] for p in projects) or "none"
        raise UsageError(f"no project {code!r} in the plan (projects: {known})",
                         hint="name one of its projects with --project")
    if len(projects) == 1:
        return dict(projects[0])
    if not projects:
        raise UsageError("the plan has no project to convert", hint="add a project first")
    raise UsageError(f"the plan holds {len(projects)} projects and this format holds one",
                     hint="choose one with --project CODE")


def only_project(doc: dict[str, Any], code: str | None, report: Report) -> dict[str, Any]:
    """A copy of `doc` holding only project `code` (or its only project); links to other
    projects are dropped and counted."""
    project = pick_project(doc, code)
    own = project["code"]
    for other in doc["program"].get("projects", []):
        if other["code"] != own:
            report.drop("links to other projects", sum(
                1 for d in other.get("dependencies", [])
                if d["from"].startswith(own + ":") or d["to"].startswith(own + ":")))
    deps = project.get("dependencies", [])
    kept = [d for d in deps if ":" not in d["from"] and ":" not in d["to"]]
    report.drop("links to other projects", len(deps) - len(kept))
    project["dependencies"] = kept
    program = dict(doc["program"])
    program["projects"] = [project]
    return {**doc, "program": program}


def select_part(doc: dict[str, Any], roots: Iterable[str], report: Report) -> dict[str, Any]:
    """The subtrees `roots` (wbs of the single project of `doc`) as a plan of their own:
    the roots become top-level tasks 1, 2, ... in wbs order and their descendants follow
    them. Links, baseline rows and risk references to tasks outside the part are dropped and
    counted; a wbs the plan does not hold is a usage error."""
    program = dict(doc["program"])
    project = dict(program["projects"][0])
    tasks = project.get("tasks", [])
    known = {t["wbs"] for t in tasks}
    wanted = sorted(set(roots), key=wbs_key)
    for wbs in wanted:
        if wbs not in known:
            raise UsageError(f"--wbs {wbs}: project {project['code']!r} has no task {wbs}",
                             hint="name the wbs of a task of the plan")
    tops = [w for w in wanted if not any(w.startswith(o + ".") for o in wanted if o != w)]
    renumber: dict[str, str] = {}
    for n, top in enumerate(tops, 1):
        for task in tasks:
            wbs = task["wbs"]
            if wbs == top or wbs.startswith(top + "."):
                renumber[wbs] = str(n) + wbs[len(top):]
    project["tasks"] = [{**t, "wbs": renumber[t["wbs"]]} for t in tasks if t["wbs"] in renumber]
    report.drop("tasks outside the part", len(tasks) - len(project["tasks"]))
    deps = []
    for dep in project.get("dependencies", []):
        if dep["from"] in renumber and dep["to"] in renumber:
            deps.append({**dep, "from": renumber[dep["from"]], "to": renumber[dep["to"]]})
        else:
            report.drop("links to tasks outside the part")
    project["dependencies"] = deps
    baselines = []
    for baseline in project.get("baselines", []):
        rows = [{**r, "wbs": renumber[r["wbs"]]} for r in baseline.get("tasks", [])
                if r["wbs"] in renumber]
        report.drop("baseline rows outside the part", len(baseline.get("tasks", [])) - len(rows))
        baselines.append({**baseline, "tasks": rows})
    project["baselines"] = baselines
    risks = []
    for risk in project.get("risks", []):
        refs = [renumber[w] for w in risk.get("tasks", []) if w in renumber]
        report.drop("risk references outside the part", len(risk.get("tasks", [])) - len(refs))
        risks.append({**risk, "tasks": refs})
    project["risks"] = risks
    program["projects"] = [project]
    return {**doc, "program": program}


def initial_state(doc: dict[str, Any], report: Report) -> dict[str, Any]:
    """`doc` without progress (status, percent complete, actual dates): a fresh start."""
    program = dict(doc["program"])
    projects = []
    for project in program.get("projects", []):
        tasks = []
        for task in project.get("tasks", []):
            left = [k for k in PROGRESS_FIELDS if k in task]
            for key in left:
                report.drop(f"task {key.replace('_', ' ')} values (--initial-state)")
            tasks.append({k: v for k, v in task.items() if k not in PROGRESS_FIELDS})
        projects.append({**project, "tasks": tasks})
    program["projects"] = projects
    return {**doc, "program": program}


# --- numbering


def wbs_renumbered(tasks: list[dict[str, Any]]) -> int:
    """How many tasks (in wbs order) a file without wbs numbers gives back another wbs:
    it numbers the children of each task 1, 2, ... in order."""
    counters: dict[str, int] = {}
    renumber: dict[str, str] = {}
    changed = 0
    for task in tasks:
        parent, _, _ = task["wbs"].rpartition(".")
        prefix = renumber.get(parent, parent)
        counters[prefix] = counters.get(prefix, 0) + 1
        new = f"{prefix}.{counters[prefix]}" if prefix else str(counters[prefix])
        renumber[task["wbs"]] = new
        changed += new != task["wbs"]
    return changed


# --- the end of every import


MAX_MESSAGE = 400  # characters of a problem's message (a cycle of 10,000 tasks is shorter)


def _short(message: str) -> str:
    if len(message) <= MAX_MESSAGE:
        return message
    half = MAX_MESSAGE // 2
    return f"{message[:half]} ... ({len(message) - 2 * half:,} characters) ... " \
           f"{message[-half:]}"


def finish_seed(doc: dict[str, Any], source: str, report: Report | None = None
                ) -> dict[str, Any]:
    """`doc` validated (schema and rules); a problem is reported against the source file
    with the pointer into the converted plan, and means the source breaks a rule of the
    seed format that the converter could not resolve (a dependency cycle, say)."""
    import json

    import orjson

    from plansync.seed.load import Seed
    from plansync.seed.validate import seed_problems

    try:  # the text only serves to locate problems: orjson writes it fast
        text = orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode("utf-8")
    except TypeError:
        text = json.dumps(doc, indent=2, ensure_ascii=False)
    from plansync.seed.load import first_surrogate

    found = first_surrogate(doc)  # a NUL no instance can store (the readers refuse most)
    if found is not None:
        from plansync.seed import pointer as jp

        raise ConvertError([located(source, "the converted plan holds a NUL character "
                                    "(\\u0000), which no instance can store",
                                    "remove it from the source",
                                    pointer=jp.join(str(p) for p in found[0]))])
    problems = seed_problems(Seed(source, "json", text, doc))
    if problems:
        raise ConvertError([_in_source(source, p, report) for p in problems])
    return doc


def _in_source(source: str, problem: Any, report: Report | None) -> Any:
    """A problem of the converted plan, located in the source where the reader said where
    that part of the plan comes from (a sheet's row and column, a JSON pointer)."""
    message = _short(problem.message)
    sources = report.sources if report else {}
    pointer = problem.pointer
    while pointer and pointer not in sources:
        pointer = pointer.rpartition("/")[0]
    if pointer:
        line, column, where, place = sources[pointer]
        return located(source, f"{place + ': ' if place else ''}the converted plan breaks a "
                       f"rule of the seed format: {message}", problem.hint or "fix the source",
                       line=line, column=column, pointer=where, code=problem.code)
    return located(source, f"the converted plan breaks a rule of the seed format: {message}",
                   problem.hint or "fix the source", pointer=problem.pointer,
                   code=problem.code)
