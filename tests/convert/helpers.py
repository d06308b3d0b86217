"""Running the real CLI on the fixtures, and plans that sheets and task JSON can hold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import strategies as st

from plansync.cli import cli
from plansync.seed.canonical import canonical_bytes
from plansync.seed.validate import validate_bytes

FIXTURES = Path(__file__).parent / "fixtures"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def to_seed(source: Path, tmp: Path, *extra: str) -> dict[str, Any]:
    """Convert `source` into a seed file with the CLI; the file must be canonical and valid."""
    out = tmp / f"{source.stem}.seed.json"
    code, _, err = run("convert", str(source), "-o", str(out), *extra)
    assert code == 0, err
    data = out.read_bytes()
    assert validate_bytes(str(out), data).ok
    doc: dict[str, Any] = json.loads(data)
    assert canonical_bytes(doc) == data
    return doc


def project(doc: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = doc["program"]["projects"][0]
    return result


def tasks(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["wbs"]: t for t in project(doc).get("tasks", [])}


@st.composite
def sheet_plans(draw: Any) -> dict[str, Any]:
    """A valid one-project plan with what a task sheet holds: a WBS tree, whole-day
    durations, dependencies forward in WBS order between tasks of different branches,
    statuses, notes, actual dates and assignees (people with emails)."""
    from tests.strategies import wbs_trees

    tree = draw(wbs_trees())
    parents = {w.rpartition(".")[0] for w in tree}
    leaves = [w for w in tree if w not in parents]
    people = [("Ana Lima", "ana@example.com"), ("Bo", "bo@example.com"),
              ("Carla, Jr", "carla@example.com")]
    names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
                    min_size=1, max_size=8).filter(lambda s: s.strip() == s)
    task_list = []
    for wbs in tree:
        task: dict[str, Any] = {"wbs": wbs, "name": draw(names)}
        if wbs in leaves:
            task["duration"] = draw(st.integers(1, 6))
            status = draw(st.sampled_from(["todo", "in_progress", "done", "blocked",
                                           "cancelled"]))
            if status != "todo":
                task["status"] = status
            if status in ("in_progress", "done"):
                task["actual_start"] = "2026-03-02"
            if status == "done":
                task["actual_finish"] = "2026-03-04"
            chosen = draw(st.lists(st.sampled_from(range(3)), unique=True, max_size=2))
            if chosen:
                task["assignees"] = sorted(slug_of(people[i][0]) for i in chosen)
        if draw(st.booleans()):
            task["notes"] = draw(st.sampled_from(["see the RFC", "ünïcødé ✓", "a, b; \"c\""]))
        task_list.append(task)
    deps = []
    seen = set()
    for _ in range(draw(st.integers(0, 4))):
        if len(tree) < 2:
            break
        i, j = sorted(draw(st.lists(st.integers(0, len(tree) - 1), min_size=2, max_size=2,
                                    unique=True)))
        a, b = tree[i], tree[j]
        if b.startswith(a + ".") or (a, b) in seen:
            continue
        seen.add((a, b))
        dep: dict[str, Any] = {"from": a, "to": b}
        kind = draw(st.sampled_from(["FS", "SS", "FF"]))
        if kind != "FS":
            dep["type"] = kind
        deps.append(dep)
    resources = [{"code": slug_of(n), "name": n, "email": e, "type": "person"}
                 for n, e in people]
    return {"version": 1, "program": {
        "code": "plan", "name": "plan", "resources": resources, "projects": [{
            "code": "plan", "name": "plan", "start": "2026-03-02", "tasks": task_list,
            "dependencies": deps}]}}


def slug_of(name: str) -> str:
    from plansync.convert.plan import slug

    return slug(name)


# --- what each format holds, to compare a plan with the plan read back from a format

SHEETS = ("csv", "xlsx")
SUFFIX = {"csv": ".csv", "xlsx": ".xlsx", "tasks-json": ".json", "mspdi": ".xml"}
_NOT_XML = "".join(chr(c) for c in [*range(32), *range(0x7F, 0xA0)] if chr(c) not in "\t\n\r") \
    + "\ufffe\uffff"


def renumbering(tasks: list[dict[str, Any]]) -> dict[str, str]:
    """wbs -> the wbs a file without wbs numbers gives back (children 1, 2, ... in order)."""
    from plansync.seed.model import wbs_key

    counters: dict[str, int] = {}
    out: dict[str, str] = {}
    for task in sorted(tasks, key=lambda t: wbs_key(t["wbs"])):
        parent = task["wbs"].rpartition(".")[0]
        prefix = out.get(parent, parent)
        counters[prefix] = counters.get(prefix, 0) + 1
        out[task["wbs"]] = f"{prefix}.{counters[prefix]}" if prefix else str(counters[prefix])
    return out


def _clean(text: str, fmt: str, *, name: bool) -> str:
    if fmt in SHEETS:
        text = text.strip()
        return text or ("(no name)" if name else "")
    if fmt == "mspdi":
        text = "".join(c for c in text if c not in _NOT_XML)
        if name:
            text = "".join(c for c in text if c not in "\t\r\n") or "(no name)"
    return text


def held(doc: dict[str, Any], fmt: str) -> dict[str, Any]:
    """The fields of the single project of `doc` that `fmt` holds, as the format gives them
    back (tasks keyed by the wbs it gives back; resources by name and email)."""
    program = doc["program"]
    proj = program["projects"][0]
    tasks = proj.get("tasks", [])
    new = renumbering(tasks)
    parents = {t["wbs"].rpartition(".")[0] for t in tasks}
    resources = {r["code"]: r for r in program.get("resources", [])}
    names = {}
    for code, res in resources.items():
        rname = _clean(res["name"], fmt, name=True)
        if fmt in SHEETS and not res["name"].strip():
            rname = code  # a blank resource name is written as the code
        if fmt == "mspdi":
            rname = rname.replace(",", ";").replace("[", " ").replace("]", " ")
        names[code] = rname

    def identity(code: str) -> str:
        email = resources[code].get("email", "").lower()
        return email or "name:" + names[code]

    from collections import Counter

    identities = Counter(identity(c) for c in {a for t in tasks for a in t.get("assignees", [])})
    out_tasks: dict[str, Any] = {}
    for task in tasks:
        entry: dict[str, Any] = {"name": _clean(task["name"], fmt, name=True)}
        notes = _clean(task.get("notes", ""), fmt, name=False)
        if notes:
            entry["notes"] = notes
        codes = task.get("assignees", [])
        if fmt == "tasks-json":
            codes = codes[:1]  # a task has one assignee: the first
        people = []
        for code in codes:
            rname = names[code]
            key = identity(code)
            if fmt != "mspdi" and identities[key] > 1:
                rname = ""  # one email (or name without one): read back as one resource
            people.append((key, rname))
        if people:
            entry["people"] = sorted(set(people))
        if fmt in SHEETS and task.get("status", "todo") != "todo":
            entry["status"] = task["status"]
        if fmt in (*SHEETS, "mspdi"):
            for key in ("actual_start", "actual_finish"):
                if key in task:
                    entry[key] = task[key]
        if fmt == "mspdi":
            if task.get("percent_complete"):  # MSPDI holds whole numbers (half up)
                entry["percent_complete"] = int(task["percent_complete"] + 0.5)
            for key in ("constraint", "deadline"):
                if key in task:
                    entry[key] = task[key]
            if task.get("milestone"):
                entry["milestone"] = True
            elif task["wbs"] not in parents:
                days = task.get("duration")
                if days is None and "estimate" in task:
                    e = task["estimate"]
                    days = (e["optimistic"] + 4 * e["likely"] + e["pessimistic"]) / 6
                entry["duration"] = round(float(days or 0), 3)
        out_tasks[new[task["wbs"]]] = entry
    deps = set()
    for dep in proj.get("dependencies", []):
        if ":" in dep["from"] or ":" in dep["to"]:
            continue
        lag = round(float(dep.get("lag", 0)), 3) if fmt == "mspdi" else 0
        deps.add((new[dep["from"]], new[dep["to"]], dep.get("type", "FS"), lag))
    out: dict[str, Any] = {"tasks": out_tasks, "dependencies": sorted(deps)}
    if fmt == "mspdi":
        out["project"] = (proj["code"], _clean(proj["name"], fmt, name=True))
        used = [r for r in program.get("resources", [])]
        out["resources"] = sorted(
            (r["code"], r["type"], r.get("capacity", 1) if r["type"] != "equipment" else 1)
            for r in used)
    return out


def normalised_numbers(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: normalised_numbers(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(normalised_numbers(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
