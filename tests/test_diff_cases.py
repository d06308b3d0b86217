"""Hand-written diff cases: given two documents, the exact Change records, their round trip
through apply_changes, the schedule impact computed by hand, and the three renderers."""

from __future__ import annotations

import copy
import json
from typing import Any

from plansync.diff import Change, apply_changes, diff_documents, schedule_impact, summary
from plansync.diff.context import describe
from plansync.render.diff import json_, markdown, text
from plansync.seed.canonical import canonical_bytes, normalise


def base() -> dict[str, Any]:
    """Program apollo: project gs (one task, a link from lm:1.3) and project lm (a summary
    1 with three chained tasks)."""
    return {"version": 1, "program": {
        "code": "apollo", "name": "Apollo",
        "members": [{"email": "ana@example.com", "role": "owner"},
                    {"email": "bo@example.com", "role": "viewer"}],
        "projects": [
            {"code": "lm", "name": "Lunar module", "start": "2026-03-02",
             "members": [{"email": "cy@example.com", "role": "editor"}],
             "tasks": [{"wbs": "1", "name": "Design"},
                       {"wbs": "1.1", "name": "Requirements", "duration": 3},
                       {"wbs": "1.2", "name": "Structure", "duration": 5.0},
                       {"wbs": "1.3", "name": "Review", "duration": 1}],
             "dependencies": [{"from": "1.1", "to": "1.2"}, {"from": "1.2", "to": "1.3"}]},
            {"code": "gs", "name": "Ground station", "start": "2026-03-02",
             "tasks": [{"wbs": "1", "name": "Pad", "duration": 4}],
             "dependencies": [{"from": "lm:1.3", "to": "1", "type": "SS"}]},
        ]}}


def project(doc: dict[str, Any], code: str) -> dict[str, Any]:
    found: dict[str, Any] = next(p for p in doc["program"]["projects"] if p["code"] == code)
    return found


def task(doc: dict[str, Any], code: str, wbs: str) -> dict[str, Any]:
    found: dict[str, Any] = next(t for t in project(doc, code)["tasks"] if t["wbs"] == wbs)
    return found


def diffed(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """The diff, checked to turn old into new."""
    changes = diff_documents(old, new)
    assert canonical_bytes(apply_changes(old, changes)) == canonical_bytes(new)
    return changes


def at(op: str, kind: str, key: str, project: str | None = "lm", field: str | None = None,
       old: Any = None, new: Any = None) -> Change:
    return Change(op, kind, "apollo", project, key, field, old, new)


def test_a_field_change_is_one_record_and_number_spelling_is_none() -> None:
    old, new = base(), base()
    task(new, "lm", "1.2")["duration"] = 7
    task(new, "lm", "1.1")["duration"] = 3.0  # the same number
    task(new, "lm", "1.1")["status"] = "todo"  # the default
    assert diffed(old, new) == [at("change", "task", "1.2", field="duration", old=5, new=7)]


def test_program_fields_and_a_removed_field() -> None:
    old, new = base(), base()
    old["program"]["description"] = "Moon"
    new["program"]["name"] = "Apollo 11"
    assert diffed(old, new) == [
        at("change", "program", "apollo", None, "description", "Moon", None),
        at("change", "program", "apollo", None, "name", "Apollo", "Apollo 11"),
    ]


def test_a_task_added() -> None:
    old, new = base(), base()
    spec = {"wbs": "1.4", "name": "Write the spec", "duration": 2, "milestone": False}
    project(new, "lm")["tasks"].append(spec)
    assert diffed(old, new) == [at("add", "task", "1.4", new={
        "wbs": "1.4", "name": "Write the spec", "duration": 2})]


def test_a_removed_project_is_reported_once_with_all_it_held() -> None:
    old, new = base(), base()
    new["program"]["projects"] = [project(new, "lm")]
    gs = normalise(old)["program"]["projects"][0]
    assert diffed(old, new) == [at("remove", "project", "gs", "gs", old=gs)]


def test_renumbering_after_an_insert_reads_as_one_add_and_moves() -> None:
    """Insert at 1.2: Structure (1.2) and Review (1.3) become 1.3 and 1.4, and the links
    follow them, the one from project gs too."""
    old, new = base(), base()
    lm = project(new, "lm")
    task(new, "lm", "1.3")["wbs"] = "1.4"
    task(new, "lm", "1.2")["wbs"] = "1.3"
    lm["tasks"].append({"wbs": "1.2", "name": "Prototype", "duration": 2})
    lm["dependencies"] = [{"from": "1.1", "to": "1.3"}, {"from": "1.3", "to": "1.4"}]
    project(new, "gs")["dependencies"][0]["from"] = "lm:1.4"
    assert diffed(old, new) == [
        at("move", "dependency", "lm:1.4 -> 1", "gs", "endpoints", ["lm:1.3", "1"],
           ["lm:1.4", "1"]),
        at("add", "task", "1.2", new={"wbs": "1.2", "name": "Prototype", "duration": 2}),
        at("move", "task", "1.3", field="wbs", old="1.2", new="1.3"),
        at("move", "task", "1.4", field="wbs", old="1.3", new="1.4"),
        at("move", "dependency", "1.1 -> 1.3", field="endpoints", old=["1.1", "1.2"],
           new=["1.1", "1.3"]),
        at("move", "dependency", "1.3 -> 1.4", field="endpoints", old=["1.2", "1.3"],
           new=["1.3", "1.4"]),
    ]
    assert summary(diff_documents(old, new)) == {
        "task": {"add": 1, "remove": 0, "change": 0, "move": 2},
        "dependency": {"add": 0, "remove": 0, "change": 0, "move": 3}}


def test_a_moved_dependency_that_also_changed_type() -> None:
    old, new = base(), base()
    lm = project(new, "lm")
    task(new, "lm", "1.3")["wbs"] = "1.4"
    lm["dependencies"][1] = {"from": "1.2", "to": "1.4", "type": "FF", "lag": 1}
    project(new, "gs")["dependencies"][0]["from"] = "lm:1.4"
    changes = diffed(old, new)
    assert changes[-4:] == [
        at("move", "task", "1.4", field="wbs", old="1.3", new="1.4"),
        at("move", "dependency", "1.2 -> 1.4", field="endpoints", old=["1.2", "1.3"],
           new=["1.2", "1.4"]),
        at("change", "dependency", "1.2 -> 1.4", field="lag", old=None, new=1),
        at("change", "dependency", "1.2 -> 1.4", field="type", old=None, new="FF"),
    ]


def test_a_dependency_type_change() -> None:
    old, new = base(), base()
    project(new, "lm")["dependencies"][0]["type"] = "SS"
    project(new, "lm")["dependencies"][1]["lag"] = 0  # the default
    assert diffed(old, new) == [
        at("change", "dependency", "1.1 -> 1.2", field="type", old=None, new="SS")]


def test_a_removed_task_takes_its_links_with_it() -> None:
    old, new = base(), base()
    lm = project(new, "lm")
    lm["tasks"] = [t for t in lm["tasks"] if t["wbs"] != "1.3"]
    lm["dependencies"] = lm["dependencies"][:1]
    project(new, "gs")["dependencies"] = []
    assert diffed(old, new) == [
        at("remove", "dependency", "lm:1.3 -> 1", "gs", old={
            "from": "lm:1.3", "to": "1", "type": "SS"}),
        at("remove", "task", "1.3", old={"wbs": "1.3", "name": "Review", "duration": 1}),
        at("remove", "dependency", "1.2 -> 1.3", old={"from": "1.2", "to": "1.3"}),
    ]


def test_members_are_matched_by_email() -> None:
    old, new = base(), base()
    new["program"]["members"] = [{"email": "bo@example.com", "role": "editor"},  # reordered
                                 {"email": "ana@example.com", "role": "owner"},
                                 {"email": "di@example.com", "role": "viewer"}]
    project(new, "lm")["members"] = []
    assert diffed(old, new) == [
        at("change", "member", "bo@example.com", None, "role", "viewer", "editor"),
        at("add", "member", "di@example.com", None,
           new={"email": "di@example.com", "role": "viewer"}),
        at("remove", "member", "cy@example.com",
           old={"email": "cy@example.com", "role": "editor"}),
    ]


def test_a_v2_timeline_is_compared_by_its_final_state() -> None:
    final = base()
    task(final, "lm", "1.2")["duration"] = 6
    timeline = base()
    timeline.update(version=2, events=[{
        "at": "2026-03-01T09:00:00Z", "actor": "ana@example.com", "type": "task_updated",
        "project": "lm", "wbs": "1.2", "field": "duration", "value": 6}])
    assert diff_documents(timeline, final) == []


def impact_doc() -> dict[str, Any]:
    """Project lm starts Tuesday 2026-03-03 on the default Mon-Fri calendar:
    1.1 (3 days) Tue 3 - Thu 5, then 1.2 (5 days) Fri 6 - Thu 12, then 1.3 (1 day) Fri 13:
    the critical path, finishing Friday 2026-03-13. In parallel 1.4 (8 days) runs
    Tue 3 - Thu 12 with one day of float."""
    return {"version": 1, "program": {"code": "apollo", "name": "Apollo", "projects": [
        {"code": "lm", "name": "Lunar module", "start": "2026-03-03",
         "tasks": [{"wbs": "1", "name": "Design"},
                   {"wbs": "1.1", "name": "Requirements", "duration": 3},
                   {"wbs": "1.2", "name": "Structure", "duration": 5},
                   {"wbs": "1.3", "name": "Review", "duration": 1},
                   {"wbs": "1.4", "name": "Test rig", "duration": 8}],
         "dependencies": [{"from": "1.1", "to": "1.2"}, {"from": "1.2", "to": "1.3"}]}]}}


def test_schedule_impact_of_a_longer_task() -> None:
    """1.4 grows from 8 to 10 days: Tue 3 - Fri 6 (4) + Mon 9 - Fri 13 (5) + Mon 16 (1), so it
    finishes Monday 2026-03-16, 4 calendar days later than Thu 12; the program (and summary 1)
    finish moves from Fri 13 to Mon 16 (+3 days). 1.4 becomes the critical path; 1.1, 1.2 and
    1.3 now have one day of float and leave it."""
    old = impact_doc()
    new = impact_doc()
    task(new, "lm", "1.4")["duration"] = 10
    impact = schedule_impact(old, new, diff_documents(old, new))
    gantt = impact.pop("gantt")
    assert impact == {
        "program": {"finish": ["2026-03-13", "2026-03-16"]},
        "projects": {"lm": {"finish": ["2026-03-13", "2026-03-16"]}},
        "warnings": {"new": [], "resolved": []},
        "joined_critical": [{"task": "lm:1.4", "name": "Test rig"}],
        "left_critical": [{"task": "lm:1.1", "name": "Requirements"},
                          {"task": "lm:1.2", "name": "Structure"},
                          {"task": "lm:1.3", "name": "Review"}],
        "moved": [  # leaf tasks only: summary 1 repeats its leaves
            {"task": "lm:1.4", "name": "Test rig", "old_start": "2026-03-03",
             "new_start": "2026-03-03", "old_finish": "2026-03-12",
             "new_finish": "2026-03-16", "days": 4},
        ],
        "moved_total": 1,
    }
    assert gantt == [{"task": "lm:1.4", "name": "Test rig", "critical": True,
                      "before": ["2026-03-03", "2026-03-12"],
                      "after": ["2026-03-03", "2026-03-16"]}]
    assert schedule_impact(old, new, diff_documents(old, new), top=0)["moved"] == []


def test_schedule_impact_compares_a_renumbered_task_with_itself() -> None:
    """A milestone inserted at 1.1, ahead of Requirements, renumbers everything below it and
    moves nothing; the milestone is on the critical path from the start."""
    old, new = impact_doc(), impact_doc()
    for t in project(new, "lm")["tasks"][1:]:
        t["wbs"] = "1." + str(int(t["wbs"][2:]) + 1)
    project(new, "lm")["tasks"].append({"wbs": "1.1", "name": "Kick-off", "milestone": True})
    project(new, "lm")["dependencies"] = [{"from": "1.1", "to": "1.2"},
                                          {"from": "1.2", "to": "1.3"},
                                          {"from": "1.3", "to": "1.4"}]
    impact = schedule_impact(old, new, diff_documents(old, new))
    assert impact is not None
    assert impact["moved"] == [] and impact["left_critical"] == []
    assert impact["joined_critical"] == [{"task": "lm:1.1", "name": "Kick-off"}]


def test_a_plan_that_cannot_be_scheduled_is_a_new_warning_and_then_a_resolved_one() -> None:
    old, new = impact_doc(), impact_doc()
    project(new, "lm")["dependencies"].append({"from": "1.3", "to": "1.1"})
    impact = schedule_impact(old, new, diff_documents(old, new))
    assert impact["program"]["finish"] == ["2026-03-13", None]
    [warning] = impact["warnings"]["new"]
    assert warning["kind"] == "unschedulable" and "cycle" in warning["message"]
    back = schedule_impact(new, old, diff_documents(new, old))
    assert [w["kind"] for w in back["warnings"]["resolved"]] == ["unschedulable"]


def renumbered_pair() -> tuple[dict[str, Any], dict[str, Any]]:
    old, new = base(), base()
    task(new, "lm", "1.2")["duration"] = 7
    task(new, "lm", "1.3")["name"] = "Review | sign-off"
    project(new, "lm")["tasks"] += [{"wbs": f"1.{n}", "name": f"Step | {n}", "duration": 1}
                                    for n in range(4, 16)]
    return old, new


def test_markdown_has_the_summary_line_and_folds_long_tables() -> None:
    old, new = renumbered_pair()
    changes = diff_documents(old, new)
    out = markdown(changes, schedule_impact(old, new, changes), color=False,
                   context=describe(old, new, changes))
    assert "## Plan changes: 12 added, 2 changed in 1 program" in out
    assert "<details><summary>14 changes in apollo</summary>" in out
    assert "#### Schedule impact" in out
    assert "| program | 2026-03-17 | 2026-03-19 | +2 days |" in out
    assert "| `lm:1.3` | Review \\| sign-off | name |" in out  # a | in a cell is escaped


def test_text_without_color_has_no_escape_codes() -> None:
    old, new = renumbered_pair()
    changes = diff_documents(old, new)
    impact = schedule_impact(old, new, changes)
    plain = text(changes, impact, color=False)
    assert "\x1b[" not in plain
    assert plain.splitlines()[0] == "apollo: 14 changes"
    assert "  ~ task lm:1.2 duration: 5 -> 7" in plain
    assert '  + task lm:1.4 "Step | 4"' in plain
    assert "  finish 2026-03-17 -> 2026-03-19 (+2 days)" in plain
    assert "\x1b[" in text(changes, impact, color=True)


def test_text_shows_moves_removes_and_cut_values() -> None:
    old, new = base(), base()
    task(new, "lm", "1.3")["wbs"] = "1.4"
    project(new, "lm")["dependencies"] = [{"from": "1.1", "to": "1.2"}]
    project(new, "gs")["dependencies"] = []
    task(new, "lm", "1.1")["notes"] = "x" * 100
    changes = diff_documents(old, new)
    lines = text(changes, None, color=False, context=describe(old, new, changes)).splitlines()
    assert "  - dependency gs:lm:1.3 -> 1 (SS)" in lines
    assert "  > task lm:1.3 -> 1.4 \"Review\" (moved)" in lines
    assert "  - dependency lm:1.2 -> 1.3" in lines
    assert f'  ~ task lm:1.1 "Requirements" notes: (none) -> "{"x" * 57}…"' in lines


def test_json_parses_and_has_the_documented_keys() -> None:
    old, new = renumbered_pair()
    changes = diff_documents(old, new)
    data = json.loads(json_(changes, schedule_impact(old, new, changes),
                                        color=False))
    assert set(data) == {"changes", "schedule"}
    assert data["changes"][0] == {"op": "change", "kind": "task", "program": "apollo",
                                  "project": "lm", "key": "1.2", "field": "duration",
                                  "old": 5, "new": 7}
    assert set(data["schedule"]) == {"program", "projects", "warnings", "joined_critical",
                                     "left_critical", "moved", "moved_total", "gantt"}
    assert json.loads(json_([], None, color=False)) == {"changes": [],
                                                                    "schedule": None}


def test_no_changes_render_as_such() -> None:
    doc = base()
    changes = diff_documents(doc, copy.deepcopy(doc))
    assert text(changes, schedule_impact(doc, doc, changes), color=False) == "no changes"
    assert markdown(changes, None, color=False) == "<!-- plansync-diff:1 -->\n\n" \
        "**No plan changes**\n"
