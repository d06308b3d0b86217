"""Microsoft Project for the web (ExportProjectContent) -> seed, through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.convert.helpers import FIXTURES, project, run, tasks, to_seed


def test_records_layout_maps_every_kind(tmp_path: Path) -> None:
    doc = to_seed(FIXTURES / "msproject-records.json", tmp_path)
    program = doc["program"]
    assert program["calendars"] == [{"code": "standard", "workdays": [
        "mon", "tue", "wed", "thu", "fri"], "holidays": ["2026-04-03", "2026-12-24",
                                                         "2026-12-25"]}]
    proj = project(doc)
    assert (proj["start"], proj["calendar"]) == ("2026-03-02", "standard")  # +01:00
    got = tasks(doc)
    assert got["1.1"] == {"wbs": "1.1", "name": "Requirements", "duration": 3,
                          "percent_complete": 100, "status": "done", "sprint": "sprint-1",
                          "actual_start": "2026-03-02", "actual_finish": "2026-03-04",
                          "assignees": ["ana-lima"]}
    assert got["1.2"]["notes"] == "Mass budget from the requirements review."
    assert got["2.1"]["constraint"] == {"type": "start_no_earlier_than", "date": "2026-03-10"}
    assert got["2.1"]["assignees"] == ["ana-lima", "vibration-test-rig"]
    assert got["2.2"] == {"wbs": "2.2", "name": "Flight readiness", "milestone": True,
                          "deadline": "2026-03-31"}
    assert got["2.3"]["duration"] == 0.25  # 7200 s of an 8-hour day
    assert {(d["from"], d["to"]): (d.get("type", "FS"), d.get("lag", 0))
            for d in proj["dependencies"]} == {
        ("1.1", "1.2"): ("FS", 0), ("1.2", "2.1"): ("SS", 3), ("2.1", "2.2"): ("FF", 0.5),
        ("2.1", "2.3"): ("SF", -1)}
    assert [(r["code"], r["type"], r.get("email")) for r in program["resources"]] == [
        ("ana-lima", "person", "ana@example.com"), ("vibration-test-rig", "equipment", None),
        ("welder", "generic", None)]
    assert proj["sprints"] == [{"code": "sprint-1", "name": "Sprint 1",
                                "start": "2026-03-02", "finish": "2026-03-13"}]


def test_what_the_seed_cannot_hold_is_reported(tmp_path: Path) -> None:
    code, _, err = run("convert", str(FIXTURES / "msproject-records.json"), "-o",
                       str(tmp_path / "x.seed.json"))
    assert code == 0
    for item in ("buckets 2", "labels 1", "label associations 1", "checklist items 2",
                 "goals 1", "goal associations 1", "conversations 1",
                 "conditional colouring rules 1", "grid views 1", "attachments 1",
                 "task custom field values 1", "task priorities 1",
                 "as-late-as-possible constraints 1",
                 "manual scheduling of tasks without a start date 1",
                 "calendar exceptions with working time 1", "assignment units other than 100% 1"):
        assert item in err, item
    assert "not copied (computed by the source" in err


def test_manual_tasks_milestone_durations_and_microsoft_project_conventions(
        tmp_path: Path) -> None:
    """A manual task with a start is fixed there; a milestone keeps its duration; the plan is
    scheduled by Microsoft Project's conventions (it comes from Microsoft Project)."""
    raw = json.loads((FIXTURES / "msproject-records.json").read_text())
    by_id = {t["id"]: t for t in raw["project"]["tasks"]}
    by_id["t-7"]["start"] = "2026-03-20T08:00:00+01:00"
    by_id["t-6"]["duration"] = 2 * 8 * 3600  # two working days of 8 hours, in seconds
    source = tmp_path / "manual.json"
    source.write_text(json.dumps(raw))
    doc = to_seed(source, tmp_path)
    got = tasks(doc)
    assert (got["2.3"]["manual"], got["2.3"]["start"]) == (True, "2026-03-20")
    assert (got["2.2"]["milestone"], got["2.2"]["duration"]) == (True, 2)
    assert doc["program"]["scheduling"] == {"conventions": "msproject"}


def test_rows_aligned_with_fields_and_the_tree_from_parent_ids(tmp_path: Path) -> None:
    """Rows aligned with a fields list; no outlineNumber, so the wbs comes from parentId and
    order; a 10-hour day; dates in the project's timezone (America/New_York)."""
    doc = to_seed(FIXTURES / "msproject-rows.json", tmp_path)
    assert [(w, t["name"], t.get("duration")) for w, t in tasks(doc).items()] == [
        ("1", "Site", None), ("1.1", "Survey", 1), ("1.2", "Pour slab", 3),
        ("2", "Antenna", None), ("2.1", "Mount dish", 2)]
    assert project(doc)["dependencies"][0] == {"from": "1.1", "to": "1.2", "lag": 0.5}
    assert doc["program"]["calendars"] == [{"code": "long-days",
                                            "workdays": ["mon", "tue", "wed", "thu"]}]


@pytest.mark.parametrize(("name", "pointer", "says"), [
    ("err-msproject-layout.json", "/project/tasks", "neither an array of records nor"),
    ("err-msproject-link.json", "/project/links/0/predecessorId", "link to task 't-9'"),
    ("err-msproject-date.json", "/project/tasks/0/deadline", "cannot read the date"),
    ("err-msproject-rows.json", "/project/tasks/values/0", "does not line up"),
])
def test_errors_name_the_json_pointer_and_line(tmp_path: Path, name: str, pointer: str,
                                               says: str) -> None:
    code, _, err = run("convert", str(FIXTURES / name), "-o", str(tmp_path / "x.seed.json"))
    assert code == 1 and says in err and f"(at {pointer})" in err, err
    assert f"{FIXTURES / name}:" in err and "hint: " in err


def test_not_an_export(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"project": 3}')
    code, _, err = run("convert", str(path), "--from", "msproject-json", "-o",
                       str(tmp_path / "x.seed.json"))
    assert code == 1 and "object with a \"project\" object" in err


def test_the_format_is_told_from_the_content(tmp_path: Path) -> None:
    code, out, err = run("convert", str(FIXTURES / "msproject-rows.json"))
    assert code == 0 and '"version": 1' in out and "(msproject-json)" in err
