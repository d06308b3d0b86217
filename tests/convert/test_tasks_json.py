"""The workflow tool's task JSON <-> seed, through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from plansync.seed.canonical import canonical_bytes
from tests.convert.helpers import FIXTURES, project, run, sheet_plans, tasks, to_seed


def test_import_gives_the_initial_state(tmp_path: Path) -> None:
    doc = to_seed(FIXTURES / "tasks-full.json", tmp_path)
    got = tasks(doc)
    assert [(w, t["name"]) for w, t in got.items()] == [("1", "A"), ("1.1", "B"),
                                                         ("1.2", "C"), ("2", "D")]
    assert all("status" not in t and "actual_start" not in t for t in got.values())
    assert got["1.1"]["assignees"] == ["ana-lima"] and got["1"]["notes"] == "The top task"
    assert got["1.1"]["duration"] == 2 and got["2"] == {"wbs": "2", "name": "D",
                                                       "deadline": "2026-03-20"}
    assert {(d["from"], d["to"], d.get("type", "FS")) for d in project(doc)["dependencies"]} \
        == {("1.1", "1.2", "FS"), ("1.2", "2", "FF"), ("1.1", "2", "SS")}


def test_what_is_not_imported_is_reported(tmp_path: Path) -> None:
    code, _, err = run("convert", str(FIXTURES / "tasks-full.json"), "-o",
                       str(tmp_path / "x.seed.json"))
    assert code == 0
    for item in ("task phase values (import gives the initial state) 1",
                 "task actualStartDate values (import gives the initial state) 1",
                 "data.reminder areas 1", "data.request areas 1", "task processTypeName values 1"):
        assert item in err, item


@pytest.mark.parametrize(("name", "pointer", "says"), [
    ("err-tasks-link.json", "/1/links/0/link", "unknown predecessor 7"),
    ("err-tasks-type.json", "/1/links/0/type", "unknown link type 'after'"),
    ("err-tasks-number.json", "/1/taskNumber", "taskNumber 1 is used twice"),
])
def test_errors_name_the_json_pointer(tmp_path: Path, name: str, pointer: str,
                                      says: str) -> None:
    code, _, err = run("convert", str(FIXTURES / name), "-o", str(tmp_path / "x.seed.json"))
    assert code == 1 and says in err and f"(at {pointer})" in err, err


def test_export_keeps_the_current_state_unless_asked(tmp_path: Path) -> None:
    seed = FIXTURES.parent.parent.parent / "docs" / "examples" / "minimal.seed.json"
    code, out, _ = run("convert", str(seed), "--to", "tasks-json")
    assert code == 0
    items = json.loads(out)
    assert items[1]["data"]["task"]["phase"] == "complete"
    assert items[1]["data"]["task"]["actualFinishDate"] == "2026-03-04T00:00:00"
    assert items[2]["links"] == [{"type": "FS", "link": 2}] and items[2]["parent"] == 1
    code, out, _ = run("convert", str(seed), "--to", "tasks-json", "--initial-state")
    assert all(set(i["data"]["task"]) <= {"description", "plannedStartDate",
                                          "plannedFinishDate", "assignee"}
               for i in json.loads(out))


@settings(max_examples=25, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(plan=sheet_plans())
def test_json_seed_json_is_stable(tmp_path: Path, plan: dict[str, Any]) -> None:
    for task in plan["program"]["projects"][0]["tasks"]:  # import gives the initial state
        for key in ("status", "actual_start", "actual_finish"):
            task.pop(key, None)
        task["assignees"] = task.get("assignees", [])[:1]
        if not task["assignees"]:
            del task["assignees"]
    seed = tmp_path / "plan.seed.json"
    seed.write_bytes(canonical_bytes(plan))
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    back = tmp_path / "back.seed.json"
    assert run("convert", str(seed), "--to", "tasks-json", "-o", str(one))[0] == 0
    code, _, err = run("convert", str(one), "-o", str(back), "--project", "plan",
                       "--program", "plan")
    assert code == 0, err
    assert run("convert", str(back), "--to", "tasks-json", "-o", str(two))[0] == 0
    assert one.read_bytes() == two.read_bytes()
