"""Task sheets (CSV and XLSX) <-> seed, through the real CLI and real files."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings

from plansync.seed.canonical import canonical_bytes
from tests.convert.helpers import FIXTURES, project, run, sheet_plans, tasks, to_seed


def test_the_references_hierarchy_example(tmp_path: Path) -> None:
    """B and C are sub-tasks of A, with sequence numbers 1 and 2; the blank header right of
    Task is Task 2."""
    doc = to_seed(FIXTURES / "sheet-hierarchy.csv", tmp_path)
    got = tasks(doc)
    assert [(w, t["name"]) for w, t in got.items()] == [("1", "A"), ("1.1", "B"), ("1.2", "C")]
    assert "duration" not in got["1"]  # a summary: its dates roll up
    assert got["1.1"]["duration"] == 2 and got["1.2"]["duration"] == 3
    assert got["1.2"]["constraint"] == {"type": "start_no_earlier_than", "date": "2026-03-04"}
    assert project(doc)["start"] == "2026-03-02"


def test_the_references_dependency_codes(tmp_path: Path) -> None:
    """"3fs, 5ff": after task 3 finishes and not finished before task 5; no type is fs; any
    case; semicolons; Predecessors for Dependencies; Task name, Start and Finish."""
    doc = to_seed(FIXTURES / "sheet-dependencies.csv", tmp_path)
    by_name = {t["name"]: t["wbs"] for t in project(doc)["tasks"]}
    deps = {(d["from"], d["to"]): d.get("type", "FS") for d in project(doc)["dependencies"]}
    dig, pour, cure, inspect, sign = (by_name[n] for n in
                                      ("Dig", "Pour", "Cure", "Inspect", "Sign off"))
    assert deps == {(dig, pour): "FS", (dig, cure): "FS", (pour, cure): "FF",
                    (dig, inspect): "FS", (pour, inspect): "SS", (cure, sign): "FS",
                    (inspect, sign): "SF"}


def test_headers_are_normalised_and_assignees_become_resources(tmp_path: Path) -> None:
    doc = to_seed(FIXTURES / "sheet-headers.csv", tmp_path)
    got = tasks(doc)
    assert got["1"]["notes"] == "Walk the site"
    assert got["1"]["actual_start"] == "2026-03-02" and got["1"]["actual_finish"] == "2026-03-03"
    assert got["2"]["assignees"] == ["ana-lima", "bo"]
    assert got["3"]["assignees"] == ["carla"]
    assert doc["program"]["resources"] == [
        {"code": "ana-lima", "email": "ana@example.com", "name": "Ana Lima", "type": "person"},
        {"code": "bo", "email": "bo@example.com", "name": "Bo", "type": "person"},
        {"code": "carla", "name": "Carla", "type": "person"}]


@pytest.mark.parametrize("header", ["Planned Start Date", "Planned start date",
                                    "planned_start_date", "plannedstartdate", "Start",
                                    "PLANNED START_DATE"])
def test_the_references_header_spellings_are_one_column(tmp_path: Path, header: str) -> None:
    path = tmp_path / "plan.csv"
    path.write_text(f"Sequence,Task name,{header}\n1,Dig,2026-03-04\n")
    doc = to_seed(path, tmp_path)
    assert tasks(doc)["1"]["constraint"]["date"] == "2026-03-04"


def test_status_columns_map_to_task_status(tmp_path: Path) -> None:
    out = tmp_path / "s.seed.json"
    code, _, err = run("convert", str(FIXTURES / "sheet-status.csv"), "-o", str(out))
    assert code == 0, err
    got = {t["name"]: t.get("status", "todo") for t in project(json.loads(out.read_text()))[
        "tasks"]}
    assert got == {"Named done": "done", "Named blocked": "blocked", "By phase": "in_progress",
                   "Cancelled phase": "cancelled", "On hold": "blocked",
                   "Finished flag": "done", "Started flag": "in_progress",
                   "Custom status": "todo"}
    assert "status names that are not a plansync status 1" in err


def test_columns_the_seed_cannot_hold_are_reported_by_name(tmp_path: Path) -> None:
    out = tmp_path / "d.seed.json"
    code, _, err = run("convert", str(FIXTURES / "sheet-dropped.csv"), "-o", str(out))
    assert code == 0
    for column in ("Template", "Action required", "Message", "Mode", "Referred to",
                   "Instructions", "Colour"):
        assert f"'{column}' values 1" in err


@pytest.mark.parametrize("name", ["sheet-semicolon.csv", "sheet-bom.csv"])
def test_csv_dialects(tmp_path: Path, name: str) -> None:
    doc = to_seed(FIXTURES / name, tmp_path)
    assert tasks(doc)["1"]["name"] == "Dig"


def test_a_sheet_without_dates_needs_a_start(tmp_path: Path) -> None:
    code, _, err = run("convert", str(FIXTURES / "sheet-no-dates.csv"), "-o",
                       str(tmp_path / "x.seed.json"))
    assert code == 1 and "needs a project start" in err and "--start" in err
    doc = to_seed(FIXTURES / "sheet-no-dates.csv", tmp_path, "--start", "2026-05-04")
    assert project(doc)["start"] == "2026-05-04"


@pytest.mark.parametrize(("name", "where", "says"), [
    ("err-unknown-predecessor.csv", ":3:3:", "row 3, column 3 (Dependencies): unknown "
     "predecessor 9"),
    ("err-malformed-dependency.csv", ":3:3:", "cannot read the dependencies '1 finish-start'"),
    ("err-duplicate-sequence.csv", ":3:1:", "sequence 1 is used twice (first in row 2)"),
    ("err-missing-column.csv", ":1:1:", "missing required column 'Sequence'"),
    ("err-bad-date.csv", ":2:3:", "cannot read the date '02/03/2026'"),
    ("err-level-gap.csv", ":3:4:", "a level-3 task with no level-2 task above it"),
    ("err-finish-before-start.csv", ":2:4:", "the planned finish 2026-03-02 is before"),
    ("err-assignee.csv", ":2:3:", "cannot read the assignee"),
])
def test_sheet_errors_name_the_row_and_column(tmp_path: Path, name: str, where: str,
                                              says: str) -> None:
    out = tmp_path / "x.seed.json"
    code, _, err = run("convert", str(FIXTURES / name), "-o", str(out))
    assert code == 1, err
    assert f"{FIXTURES / name}{where} error: " in err and says in err
    assert "hint: " in err and not out.exists()


def test_a_dependency_cycle_is_refused(tmp_path: Path) -> None:
    code, _, err = run("convert", str(FIXTURES / "err-cycle.csv"), "-o",
                       str(tmp_path / "x.seed.json"))
    assert code == 1 and "cycle" in err


# --- XLSX: typed cells, cell addresses


def _workbook(path: Path, rows: list[list[Any]]) -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_xlsx_reads_date_and_boolean_cells(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "plan.xlsx", [
        ["Sequence", "Task", None, "Start", "Finish", "Finished", "Dependencies"],
        [1, "Build", None, dt.date(2026, 3, 2), dt.datetime(2026, 3, 6, 17, 0), None, None],
        [2, None, "Frame", dt.date(2026, 3, 2), dt.date(2026, 3, 3), True, None],
        [3, None, "Roof", "2026-03-04", "2026-03-06", False, "2FS"]])
    doc = to_seed(path, tmp_path)
    got = tasks(doc)
    assert got["1.1"] == {"wbs": "1.1", "name": "Frame", "duration": 2, "status": "done",
                          "constraint": {"type": "start_no_earlier_than",
                                         "date": "2026-03-02"}}
    assert project(doc)["dependencies"] == [{"from": "1.1", "to": "1.2"}]


@pytest.mark.parametrize(("rows", "says"), [
    ([["Sequence", "Task", "Dependencies", "Start"], [1, "A", None, dt.date(2026, 3, 2)],
      [2, "B", "7", dt.date(2026, 3, 2)]], "cell C3 (Dependencies): unknown predecessor 7"),
    ([["Sequence", "Task", "Start"], [1, "A", True]], "cell C2 (Start): cannot read the date"),
    ([["Sequence", "Task", "Start"], [1, "A", dt.date(2026, 3, 2)], [1, "B", None]],
     "cell A3 (Sequence): sequence 1 is used twice"),
    ([["Sequence", "Task", "Dependencies", "Start"], [1, "A", "1 2", dt.date(2026, 3, 2)]],
     "cell C2 (Dependencies): cannot read the dependencies"),
])
def test_xlsx_errors_name_the_cell(tmp_path: Path, rows: list[list[Any]], says: str) -> None:
    path = _workbook(tmp_path / "bad.xlsx", rows)
    code, _, err = run("convert", str(path), "-o", str(tmp_path / "x.seed.json"))
    assert code == 1 and says in err, err


def test_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"PK\x03\x04 not really")
    code, _, err = run("convert", str(path), "-o", str(tmp_path / "x.seed.json"))
    assert code == 1 and "not a readable .xlsx workbook" in err


# --- export and round trips


def test_export_writes_the_same_columns_in_csv_and_xlsx(tmp_path: Path) -> None:
    seed = FIXTURES.parent.parent.parent / "docs" / "examples" / "minimal.seed.json"
    code, out, err = run("convert", str(seed), "--to", "csv")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == ("Sequence,Task,Task 2,Description,Status,Dependencies,Planned start date,"
                        "Planned finish date,Actual start date,Actual finish date,Assigned to")
    assert lines[3] == ("3,,Structural design,Mass budget from the requirements review.,"
                        "In progress,2fs,2026-03-05,2026-03-12,2026-03-05,,Ana Lima "
                        "<ana@example.com>")
    assert "dropped (csv cannot hold them):" in err and "sprints 1" in err
    xlsx = tmp_path / "plan.xlsx"
    assert run("convert", str(seed), "-o", str(xlsx))[0] == 0
    sheet = openpyxl.load_workbook(xlsx).active
    rows = [[c for c in r] for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == lines[0].split(",")
    assert rows[3][6] == dt.datetime(2026, 3, 5)


def test_initial_state_leaves_progress_out(tmp_path: Path) -> None:
    seed = FIXTURES.parent.parent.parent / "docs" / "examples" / "minimal.seed.json"
    code, out, err = run("convert", str(seed), "--to", "csv", "--initial-state")
    assert code == 0
    assert out.splitlines()[0] == ("Sequence,Task,Task 2,Description,Dependencies,"
                                   "Planned start date,Planned finish date,Assigned to")
    assert "(--initial-state)" in err


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(plan=sheet_plans())
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_sheet_seed_sheet_is_stable(tmp_path: Path, kind: str, plan: dict[str, Any]) -> None:
    """A sheet read into a seed and written back is the same sheet; reading it again gives
    the same seed."""
    seed = tmp_path / "plan.seed.json"
    seed.write_bytes(canonical_bytes(plan))
    (tmp_path / "a").mkdir(exist_ok=True)
    (tmp_path / "b").mkdir(exist_ok=True)
    sheet1, sheet2 = tmp_path / "a" / f"plan.{kind}", tmp_path / "b" / f"plan.{kind}"
    back1, back2 = tmp_path / "back1.seed.json", tmp_path / "back2.seed.json"
    assert run("convert", str(seed), "-o", str(sheet1))[0] == 0
    code, _, err = run("convert", str(sheet1), "-o", str(back1), "--project", "plan")
    assert code == 0, err
    assert run("convert", str(back1), "-o", str(sheet2))[0] == 0
    assert run("convert", str(sheet2), "-o", str(back2), "--project", "plan")[0] == 0
    assert back1.read_bytes() == back2.read_bytes()
    if kind == "csv":
        assert sheet1.read_bytes() == sheet2.read_bytes()
    else:
        rows = [list(openpyxl.load_workbook(p).active.iter_rows(values_only=True))
                for p in (sheet1, sheet2)]
        assert rows[0] == rows[1]
