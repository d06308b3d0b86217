"""Hostile input and unsafe output: every bad file gets a located error and a documented
exit code (never 4, never a hang, never a file half-written); text a spreadsheet would run
as a formula is escaped and read back as it was."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.convert.helpers import FIXTURES, project, run, tasks, to_seed

PLAN = {"version": 1, "program": {"code": "p", "name": "p", "resources": [
    {"code": "lab", "name": "Device lab (40 phones, 12 tablets)", "type": "equipment"},
    {"code": "q", "name": 'Quote "Q" \\ back', "email": "q@example.com", "type": "person"},
    {"code": "at", "name": "ops@night", "type": "person"},
    {"code": "f", "name": "=HYPERLINK(\"http://x\")", "type": "person"}],
    "projects": [{"code": "p", "name": "p: [a/b]*?", "start": "2026-03-02", "tasks": [
        {"wbs": "1", "name": "=1+1", "notes": "-2+3", "duration": 2,
         "assignees": ["lab", "q", "at", "f"]},
        {"wbs": "2", "name": "+cmd|' /C calc'!A0", "duration": 1},
        {"wbs": "3", "name": "@SUM(A1)", "notes": "'=already quoted", "duration": 1},
        {"wbs": "4", "name": "-1", "duration": 1},
        {"wbs": "5", "name": "cr\rin\x1fname _x0041_", "notes": "a\r\nb", "duration": 1}],
        "dependencies": [{"from": "1", "to": "2"}]}]}}


def _plan(tmp: Path) -> Path:
    path = tmp / "plan.seed.json"
    path.write_text(json.dumps(PLAN))
    return path


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_formulas_are_escaped_and_read_back(tmp_path: Path, kind: str) -> None:
    out = tmp_path / f"plan.{kind}"
    code, _, err = run("convert", str(_plan(tmp_path)), "-o", str(out))
    assert code == 0, err
    if kind == "csv":
        cells = [c for row in csv.reader(io.StringIO(out.read_text(), newline=""))
                 for c in row]
    else:
        import openpyxl

        book = openpyxl.load_workbook(out)
        sheet = book.worksheets[0]
        assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
        cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    for cell in cells:  # nothing a spreadsheet would take for a formula
        assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), cell
    assert "'=1+1" in cells and "'-1" in cells and "'@SUM(A1)" in cells
    assert "''=already quoted" in cells
    doc = to_seed(out, tmp_path)
    got = tasks(doc)
    assert [got[w]["name"] for w in "1234"] == ["=1+1", "+cmd|' /C calc'!A0", "@SUM(A1)",
                                                "-1"]
    assert got["1"]["notes"] == "-2+3" and got["3"]["notes"] == "'=already quoted"
    assert got["5"]["name"] == "cr\rin\x1fname _x0041_" and got["5"]["notes"] == "a\r\nb"
    names = {r["name"]: r.get("email") for r in doc["program"]["resources"]}
    assert names == {"Device lab (40 phones, 12 tablets)": None, 'Quote "Q" \\ back':
                     "q@example.com", "ops@night": None, "=HYPERLINK(\"http://x\")": None}


def _workbook(path: Path, rows: list[list[Any]], setup: Any = None) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    if setup:
        setup(book)
    book.save(path)
    return path


def test_a_formula_without_a_saved_value_is_named_by_its_cell(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "f.xlsx", [["Sequence", "Task", "Start"],
                                           [1, "=1+1", "2026-03-02"]])
    code, _, err = run("convert", str(path), "-o", str(tmp_path / "x.seed.json"))
    assert code == 1 and "f.xlsx:2:2" in err and "cell B2 holds a formula (=1+1)" in err


def test_a_formula_with_a_saved_value_gives_the_value(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "f.xlsx", [["Sequence", "Task", "Start"],
                                           [1, "=1+1", "2026-03-02"]])
    with zipfile.ZipFile(path) as old:  # as Excel saves it: the formula and its value
        parts = {i.filename: old.read(i.filename) for i in old.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b"<f>1+1</f><v />", b"<f>1+1</f><v>2</v>")
    assert b"<v>2</v>" in parts[sheet]
    with zipfile.ZipFile(path, "w") as new:
        for name, data in parts.items():
            new.writestr(name, data)
    assert tasks(to_seed(path, tmp_path))["1"]["name"] == "2"


@pytest.mark.parametrize(("cell", "day"), [
    (46083, "2026-03-02"), (46083.75, "2026-03-02"), ("46083", "2026-03-02"),
    ("2026-03-02T09:30:00Z", "2026-03-02"), ("2026/03/02", "2026-03-02"),
    ("20260302", "2026-03-02"), ("02.03.2026", "2026-03-02"), ("2 Mar 2026", "2026-03-02"),
    ("2-Mar-2026", "2026-03-02"), ("March 2, 2026", "2026-03-02"),
    ("2 March 2026 09:00", "2026-03-02"), (dt.datetime(2026, 3, 2, 8), "2026-03-02")])
def test_dates_as_serial_numbers_and_text(tmp_path: Path, cell: Any, day: str) -> None:
    path = _workbook(tmp_path / "d.xlsx", [["Sequence", "Task", "Start"], [1, "A", cell]])
    assert project(to_seed(path, tmp_path))["start"] == day


@pytest.mark.parametrize(("cell", "says"), [
    ("03/02/2026", "day and month could be either way round"),
    ("31.02.2026", "no such day"), ("next week", "cannot read the date"),
    (True, "cannot read the date 'true'"), (dt.time(9, 0), "cannot read the date"),
    (-5, "the number -5 is not a date"), (1e12, "is not a date")])
def test_dates_that_cannot_be_read_are_named_by_their_cell(tmp_path: Path, cell: Any,
                                                           says: str) -> None:
    path = _workbook(tmp_path / "d.xlsx", [["Sequence", "Task", "Start"], [1, "A", cell]])
    code, _, err = run("convert", str(path), "-o", str(tmp_path / "x.seed.json"))
    assert code == 1 and "cell C2 (Start)" in err and says in err, err


def test_a_hidden_first_sheet_is_not_read(tmp_path: Path) -> None:
    def hide(book: Any) -> None:
        book.active.sheet_state = "hidden"
        shown = book.create_sheet("Shown")
        for row in [["Sequence", "Task", "Start"], [1, "Shown task", "2026-03-02"]]:
            shown.append(row)

    path = _workbook(tmp_path / "h.xlsx", [["Sequence", "Task", "Start"],
                                           [1, "Hidden task", "2026-03-02"]], hide)
    code, _, err = run("convert", str(path), "-o", str(tmp_path / "h.seed.json"))
    assert code == 0 and "other worksheets (only the first visible one is read) 1" in err
    assert json.loads((tmp_path / "h.seed.json").read_text())["program"]["projects"][0][
        "tasks"][0]["name"] == "Shown task"


def test_merged_cells_are_named(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "m.xlsx", [["Sequence", "Task", "Start"],
                                           [1, "A", "2026-03-02"], [2, None, "2026-03-03"]],
                     lambda book: book.active.merge_cells("B2:B3"))
    code, _, err = run("convert", str(path), "-o", str(tmp_path / "x.seed.json"))
    assert code == 1 and "cell B3 (Task): no task name" in err


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (600 * 1024 * 1024))
    assert path.stat().st_size < 2 * 1024 * 1024
    code, _, err = run("convert", str(path), "-o", str(tmp_path / "x.seed.json"))
    assert code == 1 and "a zip bomb?" in err


@pytest.mark.parametrize(("name", "data", "says"), [
    ("notzip.xlsx", b"hello", "not a readable .xlsx workbook"),
    ("empty.xlsx", b"", "not a readable .xlsx workbook"),
    ("parts.xlsx", None, "not a readable .xlsx workbook"),
    ("empty.csv", b"", "the file is empty"),
    ("nul.csv", b"Sequence,Task,Start\n1,A\x00B,2026-03-02\n",
     "row 2, column 2 (Task): the cell holds a NUL character"),
    ("far.csv", b"Sequence,Task,Start,Finish\n1,A,2026-03-02,9999-12-31\n",
     "row 2, column 4 (Finish): from 2026-03-02 to 9999-12-31 is 2,080,275 working days"),
    ("empty.json", b"", "the file ends before the document is complete"),
    ("types.json", b'[{"taskNumber": "1", "name": 5}]', "at /0/taskNumber"),
    ("huge.json", b'[{"taskNumber": 1e400, "name": "x"}]', "too large"),
    ("far.json", b'[{"taskNumber": 1, "name": "x", "data": {"task": {"plannedStartDate": '
     b'"2026-03-02", "plannedFinishDate": "9999-12-31"}}}]', "more than a task may last"),
    ("fake.mpp", b"this is not a schedule", "MPXJ does not recognise this file's format"),
    ("empty.xml", b"", "MPXJ does not recognise this file's format"),
    ("broken.xml", b"<Project xmlns='http://schemas.microsoft.com/project'><Tasks>",
     "MPXJ"),
])
def test_bad_files_exit_1_with_a_located_error(tmp_path: Path, name: str,
                                               data: bytes | None, says: str) -> None:
    path = tmp_path / name
    if data is None:  # a zip, but not a workbook
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("xl/workbook.xml", b"<not-a-workbook")
    else:
        path.write_bytes(data)
    out = tmp_path / "out" / "x.seed.json"
    out.parent.mkdir()
    code, _, err = run("convert", str(path), "-o", str(out))
    assert code == 1 and says in err, err
    assert os.listdir(out.parent) == []  # nothing written, not even a temporary file


def test_a_cycle_in_a_10k_row_sheet_is_named_by_its_cell_in_a_short_message(
        tmp_path: Path) -> None:
    rows = ["Sequence,Task,Dependencies,Start,Finish"] + [
        f"{i},T{i},{10000 if i == 1 else i - 1}fs,2026-03-02,2026-03-03"
        for i in range(1, 10001)]
    path = tmp_path / "cycle.csv"
    path.write_text("\n".join(rows) + "\n")
    code, _, err = run("convert", str(path), "-o", str(tmp_path / "x.seed.json"))
    assert code == 1 and "dependency cycle" in err
    assert ", column 3 (Dependencies): the converted plan breaks" in err
    assert len(err) < 2000


def test_a_cycle_in_task_json_is_named_by_its_pointer(tmp_path: Path) -> None:
    code, _, err = run("convert", str(FIXTURES / "err-cycle.csv"), "-o",
                       str(tmp_path / "x.seed.json"))
    assert code == 1 and "(Dependencies)" in err
    items = [{"taskNumber": 1, "name": "a", "links": [{"type": "fs", "link": 2}],
              "data": {"task": {"plannedStartDate": "2026-03-02"}}},
             {"taskNumber": 2, "name": "b", "links": [{"type": "fs", "link": 1}]}]
    path = tmp_path / "cycle.json"
    path.write_text(json.dumps(items, indent=1))
    code, _, err = run("convert", str(path), "-o", str(tmp_path / "x.seed.json"))
    assert code == 1 and "dependency cycle" in err and "(at /0/links/0)" in err


def test_duplicate_resource_names_with_different_emails_stay_apart(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text('Sequence,Task,Start,Assigned to\n'
                    '1,A,2026-03-02,"Ana Lima <ana@a.example>, Ana Lima <ana@b.example>"\n'
                    '2,B,2026-03-02,Ana Lima <ANA@a.example>\n')
    doc = to_seed(path, tmp_path)
    assert [(r["code"], r["email"]) for r in doc["program"]["resources"]] == [
        ("ana-lima", "ana@a.example"), ("ana-lima-2", "ana@b.example")]
    assert tasks(doc)["2"]["assignees"] == ["ana-lima"]


@pytest.mark.parametrize("raw", ['"Ana <ana@example.com>', 'Ana "x, Bo <bo@example.com>',
                                 'Ana <not-an-address>'])
def test_malformed_assignees_are_refused_not_skipped(tmp_path: Path, raw: str) -> None:
    path = tmp_path / "people.csv"
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows([["Sequence", "Task", "Start", "Assigned to"],
                                      [1, "A", "2026-03-02", raw]])
    code, _, err = run("convert", str(path), "-o", str(tmp_path / "x.seed.json"))
    assert code == 1 and "row 2, column 4 (Assigned to): cannot read the assignee" in err


@pytest.mark.parametrize("special", ["fifo", "folder"])
def test_a_fifo_or_a_folder_as_input(tmp_path: Path, special: str) -> None:
    path = tmp_path / "in.xlsx"
    if special == "fifo":
        os.mkfifo(path)
    else:
        path.mkdir()
    code, _, err = run("convert", str(path), "-o", str(tmp_path / "x.seed.json"))
    assert code in (1, 2) and ("FIFO" in err or "is a directory" in err), err


@pytest.mark.parametrize(("output", "code", "says"), [
    ("missing/x.csv", 3, "missing/x.csv: No such file or directory"),
    ("/sys/x.csv", 3, "cannot write /sys/x.csv"),
    ("x.xlsx", 2, "--to csv contradicts the output name"),
])
def test_outputs_that_cannot_be_written(tmp_path: Path, output: str, code: int,
                                        says: str) -> None:
    target = output if output.startswith("/") else str(tmp_path / output)
    got, _, err = run("convert", str(_plan(tmp_path)), "--to", "csv", "-o", target)
    assert got == code and says in err, err


def test_a_read_only_folder_exits_3_with_the_path(tmp_path: Path) -> None:
    from tests.test_cli_conventions import read_only

    folder = tmp_path / "ro"
    folder.mkdir()
    plan = _plan(tmp_path)
    with read_only(folder):
        target = folder / "x.csv"
        code, _, err = run("convert", str(plan), "-o", str(target))
        assert code == 3 and str(target) in err
