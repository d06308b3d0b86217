"""The diff's schedule impact sees what issue 16 made scheduling read: the program's
conventions, the new task fields, and (under Microsoft Project's conventions) deadlines."""

from __future__ import annotations

import copy
from typing import Any

from plansync.diff import diff_documents, schedule_impact
from tests.schedule.docs import dep, one, task


def impact(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    result = schedule_impact(old, new, diff_documents(old, new))
    assert result is not None
    return result


def test_switching_conventions_is_a_schedule_change() -> None:
    old = one([task("1", 3), task("2", 2)], [dep("1", "2", "SS", -2)])
    new = copy.deepcopy(old)
    new["program"]["scheduling"] = {"conventions": "msproject"}
    changes = diff_documents(old, new)
    assert [(c.kind, c.field) for c in changes] == [("program", "scheduling")]
    moved = impact(old, new)["moved"]
    assert [(m["task"], m["new_start"]) for m in moved] == [("lm:2", "2026-01-01")]


def test_a_deadline_moves_the_critical_path_under_msproject_only() -> None:
    old = one([task("1", 3), task("2", 5)])
    new = copy.deepcopy(old)
    new["program"]["projects"][0]["tasks"][0]["deadline"] = "2026-01-06"
    assert impact(old, new)["joined_critical"] == []
    for doc in (old, new):
        doc["program"]["scheduling"] = {"conventions": "msproject"}
    assert [j["task"] for j in impact(old, new)["joined_critical"]] == ["lm:1"]


def test_new_task_fields_are_changes_that_move_dates() -> None:
    old = one([task("1", 5), task("2", 2)], [dep("1", "2")])
    new = copy.deepcopy(old)
    new["program"]["projects"][0]["tasks"][1].update(manual=True, start="2026-01-07")
    changes = diff_documents(old, new)
    assert sorted(c.field or "" for c in changes) == ["manual", "start"]
    moved = impact(old, new)["moved"]
    assert [(m["task"], m["old_start"], m["new_start"]) for m in moved] == [
        ("lm:2", "2026-01-12", "2026-01-07")]
