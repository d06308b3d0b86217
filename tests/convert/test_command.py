"""plansync convert: formats, names, parts of a plan, the summary, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.convert.helpers import FIXTURES, project, run, tasks

ROOT = FIXTURES.parent.parent.parent
MINIMAL = ROOT / "docs" / "examples" / "minimal.seed.json"
APOLLO = ROOT / "examples" / "plans" / "apollo.seed.json"


def test_a_part_of_a_plan_becomes_a_plan_of_its_own(tmp_path: Path) -> None:
    out = tmp_path / "part.seed.json"
    code, _, err = run("convert", str(MINIMAL), "--wbs", "2", "-o", str(out))
    assert code == 0, err
    doc = json.loads(out.read_text())
    assert [(w, t["name"]) for w, t in tasks(doc).items()] == [
        ("1", "Build and test"), ("1.1", "Prototype"), ("1.2", "Flight readiness")]
    assert project(doc)["dependencies"] == [{"from": "1.1", "to": "1.2", "type": "FF"}]
    assert project(doc)["risks"][0]["tasks"] == ["1.1"]
    assert "links to tasks outside the part 2" in err and "tasks outside the part 3" in err


def test_several_parts_and_a_part_inside_another(tmp_path: Path) -> None:
    code, out, err = run("convert", str(MINIMAL), "--wbs", "2.2", "--wbs", "1.1", "--wbs", "1",
                         "--to", "csv")
    assert code == 0, err
    names = [line.split(",")[1:3] for line in out.splitlines()[1:]]
    assert names == [["Design", ""], ["", "Requirements"], ["", "Structural design"],
                     ["Flight readiness", ""]]


def test_a_part_the_plan_does_not_hold_is_a_usage_error() -> None:
    code, _, err = run("convert", str(MINIMAL), "--wbs", "7", "--to", "csv")
    assert code == 2 and "has no task 7" in err
    code, _, err = run("convert", str(MINIMAL), "--wbs", "2.x", "--to", "csv")
    assert code == 2 and "not a wbs" in err


def test_one_project_formats_need_a_project_of_a_program_with_several(tmp_path: Path) -> None:
    code, _, err = run("convert", str(APOLLO), "--to", "csv")
    assert code == 2 and "choose one with --project" in err
    projects = [p["code"] for p in json.loads(APOLLO.read_text())["program"]["projects"]]
    code, out, err = run("convert", str(APOLLO), "--to", "csv", "--project", projects[0])
    assert code == 0 and out.startswith("Sequence,Task")


def test_initial_state_into_a_seed(tmp_path: Path) -> None:
    out = tmp_path / "fresh.seed.json"
    assert run("convert", str(MINIMAL), "--initial-state", "-o", str(out))[0] == 0
    for task in project(json.loads(out.read_text()))["tasks"]:
        assert not {"status", "percent_complete", "actual_start", "actual_finish"} & set(task)


@pytest.mark.parametrize(("args", "says"), [
    (["--to", "csv", "-o", "x.xlsx"], "--to csv contradicts the output name x.xlsx"),
    (["--to", "mspdi", "-o", "x.csv"], "--to mspdi contradicts the output name"),
    (["--to", "msproject-json"], "Invalid value for '--to'"),
    (["-o", "x.txt"], "cannot tell the output kind of x.txt"),
    (["--program", "Not A Code", "--to", "csv"], "is not a code"),
    (["--start", "2026-3-2", "--to", "csv"], "is not a date"),
])
def test_usage_errors(args: list[str], says: str) -> None:
    code, _, err = run("convert", str(MINIMAL), *args)
    assert code == 2 and says in err, err


def test_a_foreign_plan_without_o_goes_to_stdout_as_seed_json() -> None:
    code, out, err = run("convert", str(FIXTURES / "sheet-hierarchy.csv"))
    assert code == 0 and json.loads(out)["version"] == 1
    assert err.startswith(f"converted {FIXTURES / 'sheet-hierarchy.csv'} (csv) -> - "
                          "(seed-json): projects 1, tasks 3")


def test_the_input_format_can_be_forced(tmp_path: Path) -> None:
    odd = tmp_path / "export.txt"
    odd.write_bytes((FIXTURES / "sheet-hierarchy.csv").read_bytes())
    code, _, err = run("convert", str(odd))
    assert code == 1 and "cannot tell the format" in err and "--from" in err
    assert run("convert", str(odd), "--from", "csv")[0] == 0


def test_yaml_aliases_and_codes(tmp_path: Path) -> None:
    out = tmp_path / "x.seed.yaml"
    code, _, _ = run("convert", str(FIXTURES / "sheet-hierarchy.csv"), "--program", "site",
                     "--project", "north", "-o", str(out))
    assert code == 0
    text = out.read_text()
    assert "code: site" in text and "code: north" in text


def test_export_writes_every_format_and_a_part(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'i.db'}"
    assert run("import", "--instance", db, str(MINIMAL))[0] == 0
    code, out, err = run("export", "apollo", "--instance", db, "--project", "lander", "--wbs",
                         "2", "--initial-state", "--format", "csv")
    assert code == 0, err
    assert out.splitlines()[1] == "1,Build and test,,,,2026-03-10,2026-03-23,"
    assert "links to tasks outside the part 2" in err
    xlsx = tmp_path / "plan.xlsx"
    assert run("export", "apollo", "--instance", db, "-o", str(xlsx))[0] == 0
    assert xlsx.read_bytes()[:2] == b"PK"
    code, out, _ = run("export", "apollo", "--instance", db)
    assert code == 0 and json.loads(out)["program"]["code"] == "apollo"
