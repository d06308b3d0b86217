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
