"""The three-way merge on hand-made cases: each thing that merges, each kind of conflict, and
the conflict text (docs/merge.md)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from plansync.merge import conflict_text, merge_documents, resolutions
from plansync.seed.canonical import canonical_bytes, canonical_text
from plansync.seed.validate import validate_bytes
from tests.test_diff_properties import _renumbered

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "docs" / "examples" / "minimal.seed.json"


def base() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(MINIMAL.read_text())
    return doc


def project(doc: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = doc["program"]["projects"][0]
    return found


def task(doc: dict[str, Any], wbs: str) -> dict[str, Any]:
    return next(t for t in project(doc)["tasks"] if t["wbs"] == wbs)


def dependency(doc: dict[str, Any], first: str, second: str) -> dict[str, Any]:
    return next(d for d in project(doc)["dependencies"] if (d["from"], d["to"]) == (first,
                                                                                   second))


def merged(old: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any]) -> dict[str, Any]:
    result = merge_documents(old, mine, theirs)
    assert result.conflicts == []
    assert result.merged is not None
    assert validate_bytes("m.seed.json", canonical_bytes(result.merged)).ok
    swapped = merge_documents(old, theirs, mine)
    assert swapped.merged == result.merged
    return result.merged


def conflicts(old: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any]
              ) -> list[tuple[Any, ...]]:
    result = merge_documents(old, mine, theirs)
    assert result.merged is None
    assert result.conflicts
    return [(c.kind, c.project, c.key, c.field) for c in result.conflicts]


# --- what merges


def test_two_sides_adding_different_tasks_get_both() -> None:
    old, mine, theirs = base(), base(), base()
    project(mine)["tasks"].append({"wbs": "3", "name": "Mine's", "duration": 2})
    project(theirs)["tasks"].append({"wbs": "2.3", "name": "Theirs'", "duration": 1})
    out = merged(old, mine, theirs)
    assert {"3", "2.3"} <= {t["wbs"] for t in project(out)["tasks"]}


def test_different_fields_of_one_task_merge() -> None:
    old, mine, theirs = base(), base(), base()
    task(mine, "2.1")["name"] = "Prototype, mine"
    task(theirs, "2.1")["duration"] = 12
    out = merged(old, mine, theirs)
    assert {k: task(out, "2.1")[k] for k in ("name", "duration")} == {
        "name": "Prototype, mine", "duration": 12}


def test_identical_changes_are_taken_once() -> None:
    old, mine = base(), base()
    task(mine, "1.2")["notes"] = "same"
    project(mine)["tasks"].append({"wbs": "3", "name": "Same", "duration": 1})
    project(mine)["dependencies"].append({"from": "2.2", "to": "3"})
    assert canonical_bytes(merged(old, mine, copy.deepcopy(mine))) == canonical_bytes(mine)


def test_program_level_changes_merge() -> None:
    old, mine, theirs = base(), base(), base()
    mine["program"]["resources"].append({"code": "rig2", "name": "Rig 2", "type": "equipment"})
    theirs["program"]["calendars"][0]["holidays"].append("2026-05-01")
    theirs["program"]["name"] = "Apollo II"
    out = merged(old, mine, theirs)
    assert out["program"]["name"] == "Apollo II"
    assert "2026-05-01" in out["program"]["calendars"][0]["holidays"]
    assert "rig2" in {r["code"] for r in out["program"]["resources"]}


def test_a_renumbering_carries_the_other_sides_edits() -> None:
    """Mine inserts a task at the top: every task moves down one (1.2 -> 2.2, 2.1 -> 3.1),
    links follow. Theirs, in the old numbers, edits 2.1, adds a link 1.1 -> 2.2, changes the
    lag of 1.2 -> 2.1 and puts 1.2 at risk."""
    old = base()
    mine = _renumbered(old, 0)
    theirs = base()
    task(theirs, "2.1")["notes"] = "from theirs"
    project(theirs)["dependencies"].append({"from": "1.1", "to": "2.2", "type": "SS"})
    dependency(theirs, "1.2", "2.1")["lag"] = 5
    project(theirs)["risks"][0]["tasks"] = ["1.2", "2.1"]
    out = merged(old, mine, theirs)
    assert task(out, "3.1")["notes"] == "from theirs"
    assert task(out, "3.1")["name"] == "Prototype"
    assert dependency(out, "2.2", "3.1")["lag"] == 5
    assert dependency(out, "2.1", "3.2")["type"] == "SS"
    assert project(out)["risks"][0]["tasks"] == ["2.2", "3.1"]
    assert task(out, "1")["name"] == "Inserted"


def test_a_subtask_added_under_a_task_the_other_side_renumbered_follows_it() -> None:
    old, mine, theirs = base(), _renumbered(base(), 0), base()
    project(theirs)["tasks"].append({"wbs": "2.3", "name": "Sign-off", "duration": 1})
    project(theirs)["dependencies"].append({"from": "2.2", "to": "2.3"})
    out = merged(old, mine, theirs)
    assert task(out, "3.3")["name"] == "Sign-off"
    assert dependency(out, "3.2", "3.3") == {"from": "3.2", "to": "3.3"}


def test_renumberings_of_different_levels_compose() -> None:
    """Mine inserts a top-level task (2 -> 3); theirs inserts a first subtask under 2
    (2.1 -> 2.2, 2.2 -> 2.3). The prototype ends up at 3.2: under its moved parent, at its
    new place among its siblings."""
    old, mine, theirs = base(), _renumbered(base(), 0), base()
    for t in project(theirs)["tasks"]:
        if t["wbs"] in ("2.1", "2.2"):
            t["wbs"] = "2." + str(int(t["wbs"][2:]) + 1)
    for d in project(theirs)["dependencies"]:
        d["from"], d["to"] = ({"2.1": "2.2", "2.2": "2.3"}.get(e, e) for e in (d["from"], d["to"]))
    project(theirs)["risks"][0]["tasks"] = ["2.2"]
    project(theirs)["baselines"][0]["tasks"] = [
        {**t, "wbs": {"2.1": "2.2", "2.2": "2.3"}.get(t["wbs"], t["wbs"])}
        for t in project(theirs)["baselines"][0]["tasks"]]
    project(theirs)["tasks"].append({"wbs": "2.1", "name": "Tooling", "duration": 2})
    out = merged(old, mine, theirs)
    assert task(out, "3.2")["name"] == "Prototype"
    assert task(out, "3.3")["name"] == "Flight readiness"
    assert task(out, "3.1")["name"] == "Tooling"
    assert dependency(out, "3.2", "3.3")["type"] == "FF"
    assert project(out)["risks"][0]["tasks"] == ["3.2"]


def test_risk_and_baseline_task_lists_merge_task_by_task() -> None:
    old, mine, theirs = base(), base(), base()
    project(mine)["risks"][0]["tasks"] = ["1.2", "2.1"]
    project(theirs)["risks"][0]["tasks"] = ["2.1", "2.2"]
    project(mine)["baselines"][0]["tasks"] = [
        t for t in project(mine)["baselines"][0]["tasks"] if t["wbs"] != "1.1"]
    project(theirs)["baselines"][0]["tasks"][-1]["duration"] = 1
    out = merged(old, mine, theirs)
    assert project(out)["risks"][0]["tasks"] == ["1.2", "2.1", "2.2"]
    entries = {t["wbs"]: t for t in project(out)["baselines"][0]["tasks"]}
    assert "1.1" not in entries and entries["2.2"]["duration"] == 1


def test_sets_merge_element_by_element() -> None:
    """Assignees, workdays and holidays are sets: each side's additions and removals apply."""
    old, mine, theirs = base(), base(), base()
    task(mine, "2.1")["assignees"] = ["test-rig"]  # mine takes ana off
    task(theirs, "2.1")["assignees"] = ["ana", "test-rig", "bo"]  # theirs adds bo
    theirs["program"]["resources"].append({"code": "bo", "name": "Bo", "type": "person"})
    mine["program"]["calendars"][0]["holidays"].append("2026-05-01")
    theirs["program"]["calendars"][0]["holidays"].append("2026-06-10")
    theirs["program"]["calendars"][0]["holidays"].remove("2026-04-03")
    out = merged(old, mine, theirs)
    assert task(out, "2.1")["assignees"] == ["bo", "test-rig"]
    assert out["program"]["calendars"][0]["holidays"] == ["2026-05-01", "2026-06-10",
                                                          "2026-12-25"]


def test_a_version_2_side_merges_as_its_final_state() -> None:
    old, mine = base(), base()
    theirs = {"version": 2, "program": base()["program"], "events": [
        {"at": "2026-03-03T09:00:00Z", "actor": "ana@example.com", "type": "task_updated",
         "project": "lander", "wbs": "2.1", "field": "duration", "value": 11}]}
    task(mine, "2.1")["name"] = "Proto"
    out = merged(old, mine, theirs)
    assert out["version"] == 1
    assert (task(out, "2.1")["name"], task(out, "2.1")["duration"]) == ("Proto", 11)


# --- conflicts


def test_the_same_field_changed_differently_is_a_field_conflict() -> None:
    old, mine, theirs = base(), base(), base()
    task(mine, "2.1")["duration"] = 11
    task(theirs, "2.1")["duration"] = 9
    task(theirs, "2.1")["notes"] = "fine"
    result = merge_documents(old, mine, theirs)
    assert result.merged is None
    [c] = result.conflicts
    assert (c.kind, c.project, c.key, c.field, c.base, c.mine, c.theirs) == (
        "task", "lander", "2.1", "duration", 10, 11, 9)
    assert "duration" in c.reason


def test_the_conflict_text_marks_only_the_conflicting_values() -> None:
    old, mine, theirs = base(), base(), base()
    task(mine, "2.1")["duration"] = 11
    task(theirs, "2.1")["duration"] = 9
    task(theirs, "1.2")["notes"] = "theirs merges cleanly"
    text = conflict_text(old, mine, theirs, merge_documents(old, mine, theirs))
    assert text.count("<<<<<<< mine\n") == 1
    assert '<<<<<<< mine\n            "duration": 11,\n=======\n            "duration": 9,\n' \
        '>>>>>>> theirs\n' in text
    assert '"notes": "theirs merges cleanly"' in text


def test_removed_on_one_side_and_changed_on_the_other() -> None:
    old, mine, theirs = base(), base(), base()
    _remove_task(mine, "2.2")
    task(theirs, "2.2")["deadline"] = "2026-04-30"
    result = merge_documents(old, mine, theirs)
    [c] = result.conflicts
    assert (c.kind, c.key, c.field, c.mine, c.theirs["deadline"]) == (
        "task", "2.2", None, None, "2026-04-30")
    assert c.reason == "mine removes task 2.2 and theirs changes it"


def test_removed_on_one_side_and_renumbered_on_the_other() -> None:
    """Mine renumbers 2 as 3; theirs removes 2 and its subtasks: 2 conflicts. Its subtasks
    only followed their parent on mine: they are removed without a conflict of their own."""
    old, mine, theirs = base(), _renumbered(base(), 0), base()
    for wbs in ("2.2", "2.1", "2"):
        _remove_task(theirs, wbs)
    assert conflicts(old, mine, theirs) == [("task", "lander", "2", None)]


def test_a_subtask_removed_on_one_side_while_the_other_renumbers_its_parent() -> None:
    old, mine, theirs = base(), _renumbered(base(), 0), base()
    _remove_task(theirs, "2.2")
    out = merged(old, mine, theirs)
    assert [t["wbs"] for t in project(out)["tasks"]] == ["1", "2", "2.1", "2.2", "3", "3.1"]


def test_a_project_removed_on_one_side_and_changed_inside_on_the_other() -> None:
    old, mine, theirs = base(), base(), base()
    mine["program"]["projects"] = []
    mine["program"]["resources"] = [r for r in mine["program"]["resources"]]
    task(theirs, "1.2")["percent_complete"] = 60
    assert conflicts(old, mine, theirs) == [("project", "lander", "lander", None)]


def with_ground(doc: dict[str, Any]) -> dict[str, Any]:
    """`doc` with a second project whose task waits for the lander's flight readiness."""
    doc["program"]["projects"].append({
        "code": "ground", "name": "Ground segment", "start": "2026-03-02",
        "tasks": [{"wbs": "1", "name": "Antenna", "duration": 4}],
        "dependencies": [{"from": "lander:2.2", "to": "1"}]})
    return doc


def test_removals_inside_a_project_the_other_side_removed_agree() -> None:
    """Theirs removes the lander's 2.2 (and the ground link to it); mine removes the whole
    lander (and that link): both removed those, nothing conflicts."""
    old, mine, theirs = with_ground(base()), with_ground(base()), with_ground(base())
    mine["program"]["projects"] = [p for p in mine["program"]["projects"]
                                   if p["code"] != "lander"]
    mine["program"]["projects"][0]["dependencies"] = []
    _remove_task(theirs, "2.2")
    theirs["program"]["projects"][1]["dependencies"] = []
    out = merged(old, mine, theirs)
    assert [p["code"] for p in out["program"]["projects"]] == ["ground"]


def test_a_link_from_another_project_follows_a_renumbering() -> None:
    old, mine, theirs = with_ground(base()), with_ground(_renumbered(base(), 0)), \
        with_ground(base())
    mine["program"]["projects"][1]["dependencies"] = [{"from": "lander:3.2", "to": "1"}]
    theirs["program"]["projects"][1]["dependencies"][0]["lag"] = 2
    theirs["program"]["projects"][1]["tasks"].append({"wbs": "2", "name": "Cables",
                                                      "duration": 1})
    theirs["program"]["projects"][1]["dependencies"].append({"from": "lander:1.1", "to": "2"})
    out = merged(old, mine, theirs)
    assert out["program"]["projects"][0]["dependencies"] == [
        {"from": "lander:2.1", "to": "2"}, {"from": "lander:3.2", "lag": 2, "to": "1"}]


def test_the_same_key_added_on_both_sides_with_different_content() -> None:
    old, mine, theirs = base(), base(), base()
    project(mine)["tasks"].append({"wbs": "3", "name": "Launch", "duration": 1})
    project(theirs)["tasks"].append({"wbs": "3", "name": "Launch", "duration": 2})
    mine["program"]["members"].append({"email": "bo@example.com", "role": "viewer"})
    theirs["program"]["members"].append({"email": "bo@example.com", "role": "editor"})
    assert conflicts(old, mine, theirs) == [("member", None, "bo@example.com", None),
                                            ("task", "lander", "3", None)]


def test_a_task_moved_to_two_places() -> None:
    old, mine, theirs = base(), _renumbered(base(), 0), base()
    for t in project(theirs)["tasks"]:  # theirs renumbers 2 as 5
        if t["wbs"].startswith("2"):
            t["wbs"] = "5" + t["wbs"][1:]
    for d in project(theirs)["dependencies"]:
        d["from"], d["to"] = ("5" + e[1:] if e.startswith("2") else e
                              for e in (d["from"], d["to"]))
    project(theirs)["risks"][0]["tasks"] = ["5.1"]
    project(theirs)["baselines"][0]["tasks"] = [
        {**t, "wbs": "5" + t["wbs"][1:] if t["wbs"].startswith("2") else t["wbs"]}
        for t in project(theirs)["baselines"][0]["tasks"]]
    result = merge_documents(old, mine, theirs)
    [c] = result.conflicts
    assert (c.kind, c.key, c.field, c.base, c.mine, c.theirs) == ("task", "2", "wbs", "2", "3",
                                                                  "5")


def test_a_new_task_on_a_wbs_the_other_side_moved_a_task_to() -> None:
    old, mine, theirs = base(), _renumbered(base(), 0), base()
    project(theirs)["tasks"].append({"wbs": "3", "name": "Launch", "duration": 1})
    result = merge_documents(old, mine, theirs)
    [c] = result.conflicts
    assert (c.kind, c.key, c.field) == ("task", "3", None)
    assert c.reason == "two tasks would take wbs 3: mine moves task 2 there and theirs adds " \
        "task 3"


# --- merges that break a rule


def test_a_link_to_a_task_the_other_side_removed() -> None:
    old, mine, theirs = base(), base(), base()
    _remove_task(mine, "2.2")
    project(theirs)["dependencies"].append({"from": "1.1", "to": "2.2"})
    result = merge_documents(old, mine, theirs)
    [c] = result.conflicts
    assert (c.kind, c.key, c.field, c.mine, c.theirs) == (
        "dependency", "1.1 -> 2.2", None, None, {"from": "1.1", "to": "2.2"})
    assert c.reason == "theirs adds dependency 1.1 -> 2.2, but mine removes task lander:2.2"


def test_a_subtask_under_a_task_the_other_side_removed() -> None:
    old, mine, theirs = base(), base(), base()
    for wbs in ("1.2", "1.1", "1"):
        _remove_task(mine, wbs)
    project(theirs)["tasks"].append({"wbs": "1.3", "name": "Review", "duration": 1})
    result = merge_documents(old, mine, theirs)
    [c] = result.conflicts
    assert (c.kind, c.key, c.field, c.mine, c.theirs["name"]) == ("task", "1.3", None, None,
                                                                  "Review")
    assert c.reason == "theirs adds task 1.3 under task 1, which mine removes"


def test_links_that_close_a_cycle_together() -> None:
    old, mine, theirs = base(), base(), base()
    project(mine)["dependencies"].append({"from": "2.2", "to": "1.1"})
    dependency(theirs, "1.1", "1.2")["lag"] = 1  # an unrelated change: theirs is not `old`
    project(theirs)["tasks"].append({"wbs": "3", "name": "Review", "duration": 1})
    project(theirs)["dependencies"].append({"from": "2.2", "to": "3"})
    project(mine)["dependencies"] = [d for d in project(mine)["dependencies"]
                                     if (d["from"], d["to"]) != ("2.2", "1.1")]
    project(mine)["dependencies"].append({"from": "3", "to": "1.1"})
    project(mine)["tasks"].append({"wbs": "3", "name": "Review", "duration": 1})
    # both add task 3 alike; mine links 3 -> 1.1, theirs 2.2 -> 3: 1.1 -> ... -> 2.2 -> 3 -> 1.1
    result = merge_documents(old, mine, theirs)
    assert result.merged is None
    assert {(c.kind, c.key, c.field) for c in result.conflicts} == {
        ("dependency", "3 -> 1.1", None), ("dependency", "2.2 -> 3", None)}
    assert all(c.reason.startswith("the merged plan breaks a rule: dependency cycle: ")
               for c in result.conflicts)
    text = conflict_text(old, mine, theirs, result)
    assert "<<<<<<< mine" in text
    for resolved in resolutions(old, mine, theirs, result):
        assert validate_bytes("r.seed.json", canonical_bytes(resolved)).ok


def test_work_on_a_task_the_other_side_made_a_summary() -> None:
    old, mine, theirs = base(), base(), base()
    task(mine, "2.2").pop("milestone")
    project(mine)["tasks"].append({"wbs": "2.2.1", "name": "Checklist", "duration": 1})
    task(theirs, "2.2").pop("milestone")
    task(theirs, "2.2")["duration"] = 3
    result = merge_documents(old, mine, theirs)
    [c] = result.conflicts
    assert (c.kind, c.key, c.field) == ("task", "2.2", None)
    assert c.reason == "the merged plan breaks a rule: summary task 2.2 has its own duration"
    text = conflict_text(old, mine, theirs, result)
    assert '=======\n            "duration": 3,\n' in text


def test_a_removed_sprint_that_the_other_side_plans_into() -> None:
    old, mine, theirs = base(), base(), base()
    project(mine)["sprints"] = []
    for t in project(mine)["tasks"]:
        t.pop("sprint", None)
    task(theirs, "2.1")["sprint"] = "s1"
    result = merge_documents(old, mine, theirs)
    [c] = result.conflicts
    assert (c.kind, c.key) == ("task", "2.1")
    assert "unknown sprint 's1'" in c.reason


@pytest.mark.parametrize("swap", [False, True])
def test_conflicts_swap_with_the_sides(swap: bool) -> None:
    old, mine, theirs = base(), base(), base()
    task(mine, "2.1")["name"] = "A"
    task(theirs, "2.1")["name"] = "B"
    sides = (theirs, mine) if swap else (mine, theirs)
    [c] = merge_documents(old, *sides).conflicts
    assert (c.mine, c.theirs) == (("B", "A") if swap else ("A", "B"))


def test_no_conflict_text_markers_without_conflicts() -> None:
    old, mine, theirs = base(), base(), base()
    task(mine, "2.1")["name"] = "A"
    result = merge_documents(old, mine, theirs)
    assert result.merged is not None
    assert conflict_text(old, mine, theirs, result) == canonical_text(result.merged)


def _remove_task(doc: dict[str, Any], wbs: str) -> None:
    p = project(doc)
    p["tasks"] = [t for t in p["tasks"] if t["wbs"] != wbs]
    p["dependencies"] = [d for d in p["dependencies"] if wbs not in (d["from"], d["to"])]
    for risk in p.get("risks", []):
        risk["tasks"] = [w for w in risk["tasks"] if w != wbs]
    for baseline in p.get("baselines", []):
        baseline["tasks"] = [t for t in baseline["tasks"] if t["wbs"] != wbs]


def test_the_marked_excerpt_in_the_docs_is_what_the_example_gives() -> None:
    """docs/merge.md shows the markers of its example (docs/examples/merge/)."""
    import re

    doc = (ROOT / "docs" / "merge.md").read_text()
    excerpt = re.search(r"```text\n(<<<<<<< mine\n.*?>>>>>>> theirs\n)```", doc, re.S)
    assert excerpt is not None
    examples = ROOT / "docs" / "examples" / "merge"
    mine = json.loads((examples / "mine.seed.json").read_text())
    theirs = json.loads((examples / "theirs.seed.json").read_text())
    result = merge_documents(base(), mine, theirs)
    text = conflict_text(base(), mine, theirs, result)
    assert excerpt.group(1) in text
    assert text.count("<<<<<<< mine") == 1
