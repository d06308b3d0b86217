"""Whatever an exporter writes, its importer reads back: seed -> csv/xlsx/task JSON/MSPDI ->
seed validates and gives back every field the format holds (tests.convert.helpers.held);
what it does not hold is reported. For the bundled examples (every project), generated
programs (bench/generate.py) and any valid plan (tests.strategies.documents)."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings

from plansync.convert import convert
from plansync.seed.load import load_seed
from tests.convert.helpers import SUFFIX, held, normalised_numbers
from tests.strategies import documents

ROOT = Path(__file__).parent.parent.parent
EXAMPLES = sorted((ROOT / "examples" / "plans").glob("*.seed.*"))
FORMATS = ("csv", "xlsx", "tasks-json", "mspdi")


def round_trip(source: Path, fmt: str, tmp: Path, project: str | None = None
               ) -> tuple[Any, Any]:
    """(the plan exported, the plan read back), both through the converters' API."""
    exported = convert(str(source), target_format=fmt, project=project)
    out = tmp / f"{source.name.split('.')[0]}-{project or 'plan'}{SUFFIX[fmt]}"
    out.write_bytes(exported.data)
    back = convert(str(out), source_format=fmt, target_format="seed-json")
    assert back.data == json.dumps(back.doc) or back.data  # written and validated
    return exported, back


def same_fields(exported: Any, back: Any, fmt: str) -> None:
    want = normalised_numbers(held(exported.doc, fmt))
    got = normalised_numbers(held(back.doc, fmt))
    merged = {key for t in want["tasks"].values() for key, name in t.get("people", [])
              if not name}  # resources read back as one: which name they keep is open
    for task in got["tasks"].values():
        if "people" in task:
            task["people"] = [(k, "" if k in merged else n) for k, n in task["people"]]
    assert got == want


def example_projects() -> list[tuple[Path, str]]:
    out = []
    for path in EXAMPLES:
        doc = load_seed(str(path)).doc
        out.extend((path, p["code"]) for p in doc["program"]["projects"])
    return out


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("path", "code"), example_projects(),
                         ids=lambda v: v.name if isinstance(v, Path) else v)
def test_every_project_of_the_examples_round_trips(tmp_path: Path, path: Path, code: str,
                                                   fmt: str) -> None:
    exported, back = round_trip(path, fmt, tmp_path, code)
    same_fields(exported, back, fmt)


def test_the_example_with_a_resource_named_with_a_comma(tmp_path: Path) -> None:
    """The first attack: 'Device lab (40 phones, 12 tablets)' could not be read back."""
    path = ROOT / "examples" / "plans" / "apollo.seed.json"
    for fmt in ("csv", "xlsx"):
        _, back = round_trip(path, fmt, tmp_path, "mobile")
        names = {r["name"] for r in back.doc["program"]["resources"]}
        assert "Device lab (40 phones, 12 tablets)" in names


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_generated_program_round_trips(tmp_path: Path, fmt: str) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from generate import generate_program
    finally:
        sys.path.pop(0)
    doc = generate_program(600, seed=7)
    source = tmp_path / "generated.seed.json"
    source.write_text(json.dumps(doc))
    exported, back = round_trip(source, fmt, tmp_path, doc["program"]["projects"][0]["code"])
    same_fields(exported, back, fmt)


PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])


@PROPERTY
@given(doc=documents(max_projects=1))
@pytest.mark.parametrize("fmt", ("csv", "xlsx", "tasks-json"))
def test_any_plan_round_trips_through_sheets_and_task_json(tmp_path: Path, fmt: str,
                                                          doc: dict[str, Any]) -> None:
    source = tmp_path / "plan.seed.json"
    source.write_text(json.dumps(doc))
    exported, back = round_trip(source, fmt, tmp_path)
    same_fields(exported, back, fmt)


# found by the property test: a manual task without a length, with a resource, made MPXJ fail
# while writing its assignment (it had a start but no finish)
_MANUAL_ASSIGNED = {"version": 1, "program": {
    "code": "a", "name": "0", "resources": [{"code": "a", "name": "0", "type": "person",
                                              "email": "a@a.com"}],
    "projects": [{"code": "a", "name": "0", "start": "2024-01-01", "tasks": [
        {"wbs": "1", "name": "0", "manual": True, "start": "2024-01-03", "assignees": ["a"]},
        {"wbs": "2", "name": "1"}]}]}}


@settings(PROPERTY, max_examples=15)
@given(doc=documents(max_projects=1))
@example(doc=_MANUAL_ASSIGNED)
def test_any_plan_round_trips_through_mspdi(tmp_path: Path, doc: dict[str, Any]) -> None:
    source = tmp_path / "plan.seed.json"
    source.write_text(json.dumps(doc))
    exported, back = round_trip(source, "mspdi", tmp_path)
    same_fields(exported, back, "mspdi")


def test_what_a_sheet_changes_is_reported(tmp_path: Path) -> None:
    doc = {"version": 1, "program": {"code": "p", "name": "p", "resources": [
        {"code": "a", "name": "Ana", "type": "person"},
        {"code": "a2", "name": "Ana", "type": "person"}], "projects": [{
            "code": "p", "name": "p", "start": "2026-03-02", "tasks": [
                {"wbs": "1", "name": " padded ", "notes": "  x", "assignees": ["a", "a2"]},
                {"wbs": "3", "name": "\t"}]}]}}
    source = tmp_path / "plan.seed.json"
    source.write_text(json.dumps(doc))
    for fmt in ("csv", "xlsx"):
        exported, back = round_trip(source, fmt, tmp_path)
        approximated = exported.report.approximated
        assert approximated["task names with spaces at either end (trimmed)"] == 1
        assert approximated["task notes with spaces at either end (trimmed)"] == 1
        assert approximated['blank task names (written as "(no name)")'] == 1
        assert approximated["task wbs numbers (read back numbered 1, 2, ... in order)"] == 1
        assert approximated["resources that share an email (or, without one, a name) with "
                            "another (read back as one)"] == 1
        assert approximated["the project start (written as the first task's planned start: "
                            "the plan has no other date)"] == 1
        same_fields(exported, back, fmt)


def test_resources_with_blank_names_are_written_by_their_codes(tmp_path: Path) -> None:
    """Found by the property test: a blank resource name came back as the code, unreported."""
    doc = {"version": 1, "program": {"code": "p", "name": "p", "resources": [
        {"code": "a", "name": " ", "type": "person"},
        {"code": "b", "name": "\t", "type": "person", "email": "b@example.com"}],
        "projects": [{"code": "p", "name": "p", "start": "2026-03-02", "tasks": [
            {"wbs": "1", "name": "x", "assignees": ["a", "b"]}]}]}}
    source = tmp_path / "plan.seed.json"
    source.write_text(json.dumps(doc))
    for fmt in ("csv", "xlsx"):
        exported, back = round_trip(source, fmt, tmp_path)
        assert exported.report.approximated[
            "blank resource names (written as the resource's code)"] == 2
        assert sorted(r["name"] for r in back.doc["program"]["resources"]) == ["a", "b"]
        same_fields(exported, back, fmt)


# --- every MPXJ call exists in the MPXJ installed


def java_methods() -> set[str]:
    from plansync.convert import mpxj

    jpype = mpxj._jvm()
    names: set[str] = set()
    for cls in ("org.mpxj.ProjectFile", "org.mpxj.ProjectProperties", "org.mpxj.Task",
                "org.mpxj.Resource", "org.mpxj.ResourceAssignment", "org.mpxj.Relation",
                "org.mpxj.Relation$Builder", "org.mpxj.ProjectCalendar",
                "org.mpxj.ProjectCalendarHours", "org.mpxj.ProjectCalendarException",
                "org.mpxj.AvailabilityTable", "org.mpxj.Duration", "org.mpxj.Priority",
                "org.mpxj.reader.UniversalProjectReader",
                "org.mpxj.writer.UniversalProjectWriter", "java.time.LocalDateTime",
                "java.time.LocalDate", "java.lang.Number", "java.lang.Enum",
                "java.util.List", "java.lang.Throwable"):
        names.update(str(m.getName()) for m in jpype.JClass(cls).class_.getMethods())
    return names


def test_every_mpxj_method_plansync_calls_exists() -> None:
    """MPXJ renames and removes methods between versions (Resource.setMaxUnits is gone in
    16): every Java-style call in plansync.convert.mpxj names a method of the MPXJ
    installed."""
    package = ROOT / "plansync" / "convert" / "mpxj"
    called = {node.func.attr for path in sorted(package.glob("*.py"))
              for node in ast.walk(ast.parse(path.read_text()))
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr[:1].islower() and any(c.isupper() for c in node.func.attr)}
    python = {"isJVMStarted", "startJVM", "fromisoformat", "isoformat", "getMessage"}
    missing = sorted(called - python - java_methods())
    assert not missing, f"not methods of the installed MPXJ: {missing}"


def test_capacity_reaches_mspdi_as_max_units(tmp_path: Path) -> None:
    """seed -> MSPDI crashed (exit 4) on any resource with a capacity."""
    doc = {"version": 1, "program": {"code": "p", "name": "p", "resources": [
        {"code": "lab", "name": "Lab", "type": "person", "capacity": 2.5}], "projects": [{
            "code": "p", "name": "p", "start": "2026-03-02", "tasks": [
                {"wbs": "1", "name": "A", "duration": 2, "assignees": ["lab"]}]}]}}
    source = tmp_path / "plan.seed.json"
    source.write_text(json.dumps(doc))
    exported, back = round_trip(source, "mspdi", tmp_path)
    assert b"<MaxUnits>2.5</MaxUnits>" in exported.data
    assert back.doc["program"]["resources"][0]["capacity"] == 2.5
