"""Real schedule files through MPXJ (plansync[mpxj], Java 17): run in CI, never skipped."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings

from plansync.seed.canonical import canonical_bytes
from tests.convert.helpers import FIXTURES, project, run, sheet_plans, tasks, to_seed

MINIMAL = FIXTURES.parent.parent.parent / "docs" / "examples" / "minimal.seed.json"


def test_mpxj_is_installed_here() -> None:
    from plansync.convert import mpxj

    assert mpxj.available() is None  # CI installs the extra and Java: these tests must run


def test_a_handwritten_mspdi_file(tmp_path: Path) -> None:
    doc = to_seed(FIXTURES / "mspdi-handwritten.xml", tmp_path)
    got = tasks(doc)
    assert got["1.1"] == {"wbs": "1.1", "name": "Excavate", "duration": 3, "notes":
                          "Dig to bedrock.", "percent_complete": 50, "status": "in_progress",
                          "actual_start": "2026-03-02", "assignees": ["crane-crew"]}
    assert got["1.2"]["duration"] == 1.5
    assert got["2"] == {"wbs": "2", "name": "Pad ready", "milestone": True, "deadline":
                        "2026-03-27", "constraint": {"type": "finish_no_later_than",
                                                     "date": "2026-03-20"}}
    assert project(doc)["dependencies"] == [{"from": "1.1", "to": "1.2", "lag": 1},
                                            {"from": "1.2", "to": "2", "type": "FF"}]
    assert doc["program"]["calendars"][0]["holidays"] == ["2026-04-03"]
    assert doc["program"]["resources"][0]["capacity"] == 2


def test_seed_to_mspdi_and_back_keeps_what_the_seed_holds(tmp_path: Path) -> None:
    xml = tmp_path / "plan.xml"
    code, _, err = run("convert", str(MINIMAL), "--to", "mspdi", "-o", str(xml))
    assert code == 0, err
    assert xml.read_text().startswith('<?xml version="1.0" encoding="UTF-8"')
    assert "sprints 1" in err and "baselines 1" in err and "risks 1" in err
    doc = to_seed(xml, tmp_path, "--program", "apollo")
    original = json.loads(MINIMAL.read_text())["program"]
    assert doc["program"]["calendars"] == original["calendars"]
    assert project(doc)["dependencies"] == original["projects"][0]["dependencies"]
    kept = ("wbs", "name", "duration", "milestone", "constraint", "deadline", "notes",
            "percent_complete", "status", "actual_start", "actual_finish", "assignees")
    for before, after in zip(original["projects"][0]["tasks"], project(doc)["tasks"],
                             strict=True):
        assert {k: v for k, v in before.items() if k in kept and k != "duration"} == \
            {k: v for k, v in after.items() if k in kept and k != "duration"}
    again = tmp_path / "again" / "plan.xml"
    again.parent.mkdir()
    assert run("convert", str(tmp_path / "plan.seed.json"), "-o", str(again))[0] == 0
    assert to_seed(again, again.parent, "--program", "apollo") == doc


MS_FIELDS = {"version": 1, "program": {
    "code": "ms", "name": "MS", "calendars": [
        {"code": "every-day", "workdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]},
        {"code": "mon-fri", "workdays": ["mon", "tue", "wed", "thu", "fri"]}],
    "projects": [{"code": "p", "name": "P", "start": "2026-03-02", "calendar": "mon-fri",
                  "tasks": [
                      {"wbs": "1", "name": "Sign-off", "manual": True, "start": "2026-03-16",
                       "duration": 1},
                      {"wbs": "2", "name": "Cut-over", "calendar": "every-day", "duration": 2},
                      {"wbs": "3", "name": "Curing", "elapsed": True, "duration": 7},
                      {"wbs": "4", "name": "Gate", "milestone": True, "duration": 2},
                      {"wbs": "5", "name": "Plain", "duration": 3}],
                  "dependencies": [{"from": "1", "to": "2"}, {"from": "2", "to": "3"},
                                   {"from": "3", "to": "4"}, {"from": "5", "to": "1"}]}]}}


def test_microsoft_project_fields_cross_mspdi_and_its_dates_follow(tmp_path: Path) -> None:
    """Manual tasks, task calendars, elapsed durations and milestones with a duration are
    written to MSPDI as Microsoft Project holds them and read back; a plan read from a
    Microsoft Project file is scheduled by Microsoft Project's conventions, so its dates are
    the dates of the plan it came from, scheduled that way."""
    import re

    from plansync.schedule.cpm import schedule

    seed, xml = tmp_path / "ms.seed.json", tmp_path / "ms.xml"
    seed.write_bytes(canonical_bytes(MS_FIELDS))
    code, _, err = run("convert", str(seed), "-o", str(xml))
    assert code == 0, err
    text = xml.read_text()
    curing = re.search(r"<Task>(?:(?!</Task>).)*<Name>Curing</Name>.*?</Task>", text, re.S)
    assert curing is not None and "<DurationFormat>8</DurationFormat>" in curing.group(0)
    assert "<Manual>1</Manual>" in text and "<ManualStart>2026-03-16T08:00:00" in text
    doc = to_seed(xml, tmp_path, "--program", "ms")
    assert doc["program"]["scheduling"] == {"conventions": "msproject"}
    assert project(doc)["tasks"] == MS_FIELDS["program"]["projects"][0]["tasks"]
    before = schedule(MS_FIELDS, "msproject")
    after = schedule(doc)
    assert [(r.wbs, r.early_start, r.early_finish) for r in after.tasks] == \
        [(r.wbs, r.early_start, r.early_finish) for r in before.tasks]
    assert after.tasks[2].early_finish == "2026-03-25"  # 7 calendar days from Thursday 19


@settings(max_examples=10, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(plan=sheet_plans())
def test_mspdi_seed_mspdi_is_stable(tmp_path: Path, plan: dict[str, Any]) -> None:
    for task in plan["program"]["projects"][0]["tasks"]:
        if task.get("status") in ("blocked", "cancelled", "in_progress", "done"):
            task.pop("status")  # MSPDI has percent complete, not statuses
            task.pop("actual_start", None)
            task.pop("actual_finish", None)
    """MSPDI -> seed -> MSPDI -> seed gives the same seed, and that seed holds the plan the
    first file was written from (its tasks, links, resources and assignments)."""
    seed = tmp_path / "plan.seed.json"
    seed.write_bytes(canonical_bytes(plan))
    xml, back = tmp_path / "plan.xml", tmp_path / "back.seed.json"
    xml2, back2 = tmp_path / "again.xml", tmp_path / "again.seed.json"
    assert run("convert", str(seed), "-o", str(xml))[0] == 0
    code, _, err = run("convert", str(xml), "-o", str(back), "--program", "plan")
    assert code == 0, err
    assert run("convert", str(back), "-o", str(xml2))[0] == 0
    assert run("convert", str(xml2), "-o", str(back2), "--program", "plan")[0] == 0
    assert back.read_bytes() == back2.read_bytes()
    got = json.loads(back.read_bytes())["program"]
    want = json.loads(canonical_bytes(plan))["program"]
    assert got["projects"][0]["tasks"] == want["projects"][0]["tasks"]
    assert got["projects"][0].get("dependencies") == want["projects"][0].get("dependencies")
    for resource in want["resources"]:  # Microsoft Project allows no comma in a name
        resource["name"] = resource["name"].replace(",", ";")
    assert got["resources"] == want["resources"]


def test_without_the_extra_one_clear_line_says_what_to_install(tmp_path: Path) -> None:
    script = ("import sys; sys.modules['mpxj'] = None; sys.modules['jpype'] = None; "
              "from plansync.cli import main; sys.argv = ['plansync'] + sys.argv[1:]; main()")
    proc = subprocess.run([sys.executable, "-c", script, "convert", str(MINIMAL), "--to",
                           "mspdi", "-o", str(tmp_path / "x.xml")], capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 3, proc.stderr
    first = proc.stderr.splitlines()[0]
    assert first.startswith("plansync: error: ") and "pip install 'plansync[mpxj]'" in first
    assert not (tmp_path / "x.xml").exists()


def test_without_java_one_clear_line_says_what_to_install(tmp_path: Path) -> None:
    # the machine without Java, as JPype sees it: starting the JVM finds no libjvm.so
    script = ("import sys, jpype; jpype.startJVM = lambda *a, **k: (_ for _ in ()).throw("
              "jpype.JVMNotFoundException('No JVM shared library file (libjvm.so) found')); "
              "from plansync.cli import main; sys.argv = ['plansync'] + sys.argv[1:]; main()")
    proc = subprocess.run([sys.executable, "-c", script, "convert",
                           str(FIXTURES / "mspdi-handwritten.xml"), "-o",
                           str(tmp_path / "x.seed.json")], capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 3, proc.stderr
    assert "needs a Java runtime, 17 or newer" in proc.stderr.splitlines()[0]


def test_a_file_mpxj_cannot_read(tmp_path: Path) -> None:
    bad = tmp_path / "broken.mpp"
    bad.write_bytes(b"not a project file at all")
    code, _, err = run("convert", str(bad), "-o", str(tmp_path / "x.seed.json"))
    assert code == 1 and "MPXJ" in err
