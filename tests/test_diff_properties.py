"""Properties of the semantic diff: it is empty between equal documents whatever their list and
key order, and applying it to the old document always gives the new one."""

from __future__ import annotations

import copy
import pickle
import random
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from plansync.diff import (
    apply_changes,
    diff_documents,
    diff_normalised,
    schedule_impact,
    share,
    summary,
)
from plansync.diff.impact import pack, scheduled, unpack
from plansync.schedule.cpm import schedule
from plansync.seed.canonical import canonical_bytes, normalise
from tests.strategies import documents, shuffled


@given(documents())
def test_a_document_has_no_changes_against_itself(doc: dict[str, Any]) -> None:
    assert diff_documents(doc, doc) == []


@given(documents(), st.integers(0, 2**32))
def test_list_and_key_order_never_show_as_changes(doc: dict[str, Any], seed: int) -> None:
    assert diff_documents(doc, shuffled(doc, random.Random(seed))) == []
    assert diff_documents(shuffled(doc, random.Random(seed)), doc) == []


@given(documents(), documents(), st.booleans())
def test_applying_the_diff_gives_the_new_document(a: dict[str, Any], b: dict[str, Any],
                                                  same_code: bool) -> None:
    if same_code:
        b["program"]["code"] = a["program"]["code"]
    before = copy.deepcopy(a)
    changes = diff_documents(a, b)
    assert canonical_bytes(apply_changes(a, changes)) == canonical_bytes(b)
    assert a == before  # neither diffing nor applying changes its input
    assert (changes == []) == (canonical_bytes(a) == canonical_bytes(b))


@given(documents(), documents())
def test_the_diff_is_deterministic(a: dict[str, Any], b: dict[str, Any]) -> None:
    b["program"]["code"] = a["program"]["code"]
    assert diff_documents(a, b) == diff_documents(
        shuffled(a, random.Random(1)), shuffled(b, random.Random(2)))


def _distinct(doc: dict[str, Any]) -> dict[str, Any]:
    """`doc` with a distinct name per task: tasks that are equal but for their wbs are
    interchangeable, and the diff may pair them either way."""
    for project in doc["program"]["projects"]:
        for task in project["tasks"]:
            task["name"] = f"{project['code']} {task['wbs']}"
    return doc


def _renumbered(doc: dict[str, Any], project: int) -> dict[str, Any]:
    """`doc` with a new first top-level task in one project: every wbs there shifts by one,
    and dependencies, baselines and risks are rewritten to follow."""
    new = copy.deepcopy(doc)
    target = new["program"]["projects"][project]
    code = target["code"]

    def bump(wbs: str) -> str:
        head, _, tail = wbs.partition(".")
        return str(int(head) + 1) + ("." + tail if tail else "")

    def bump_ref(ref: str, own: str) -> str:
        prefix, _, wbs = ref.rpartition(":")
        if (prefix or own) != code:
            return ref
        return f"{prefix}:{bump(wbs)}" if prefix else bump(wbs)

    for task in target["tasks"]:
        task["wbs"] = bump(task["wbs"])
    target["tasks"].append({"wbs": "1", "name": "Inserted", "duration": 2})
    for p in new["program"]["projects"]:
        for dep in p.get("dependencies", []):
            dep["from"], dep["to"] = bump_ref(dep["from"], p["code"]), bump_ref(dep["to"],
                                                                                 p["code"])
    for baseline in target.get("baselines", []):
        for t in baseline["tasks"]:
            t["wbs"] = bump(t["wbs"])
    for risk in target.get("risks", []):
        risk["tasks"] = [bump(w) for w in risk.get("tasks", [])]
    return new


@given(documents().map(_distinct), st.data())
def test_renumbering_reads_as_moves_not_removes(doc: dict[str, Any], data: st.DataObject) -> None:
    project = data.draw(st.integers(0, len(doc["program"]["projects"]) - 1))
    new = _renumbered(doc, project)
    changes = diff_documents(doc, new)
    counts = summary(changes)
    assert counts["task"]["add"] == 1
    assert counts["task"]["remove"] == 0
    assert "dependency" not in counts or counts["dependency"]["add"] == 0 == counts[
        "dependency"]["remove"]
    assert canonical_bytes(apply_changes(doc, changes)) == canonical_bytes(new)


@given(documents(), documents())
def test_schedule_impact_agrees_with_the_schedules(a: dict[str, Any], b: dict[str, Any]) -> None:
    b["program"]["code"] = a["program"]["code"]
    impact = schedule_impact(a, b, diff_documents(a, b), top=1000)
    old, new = schedule(a), schedule(b)
    assert impact is not None
    assert impact["program"]["finish"] == [old.finish, new.finish]
    for code, value in impact["projects"].items():
        assert value["finish"] == [old.projects[code].finish if code in old.projects else None,
                                   new.projects[code].finish if code in new.projects else None]
    new_rows = {f"{r.project}:{r.wbs}": r for r in new.tasks}
    for entry in impact["joined_critical"]:
        assert new_rows[entry["task"]].critical and not new_rows[entry["task"]].summary
    for entry in impact["moved"]:
        row = new_rows[entry["task"]]
        assert (entry["new_start"], entry["new_finish"]) == (row.early_start, row.early_finish)


@given(documents().map(_distinct), st.data())
def test_schedule_impact_follows_renumbered_tasks(doc: dict[str, Any],
                                                  data: st.DataObject) -> None:
    """The inserted task takes 2 days: a task moves in the impact only by what the schedule
    says, compared with itself under its old number."""
    project = data.draw(st.integers(0, len(doc["program"]["projects"]) - 1))
    new = _renumbered(doc, project)
    impact = schedule_impact(doc, new, diff_documents(doc, new), top=10_000)
    assert impact is not None
    old_rows = {(r.project, r.wbs): r for r in schedule(doc).tasks}
    new_rows = {f"{r.project}:{r.wbs}": r for r in schedule(new).tasks}
    code = doc["program"]["projects"][project]["code"]
    moved = {e["task"]: e for e in impact["moved"]}
    for (p, wbs), row in old_rows.items():
        head, _, tail = wbs.partition(".")
        now = f"{p}:{int(head) + 1}" + ("." + tail if tail else "") if p == code else f"{p}:{wbs}"
        changed = new_rows[now].early_finish != row.early_finish and not row.summary
        assert (now in moved) == changed
        if changed:
            assert moved[now]["old_finish"] == row.early_finish


@given(documents().map(_distinct), st.data())
def test_schedule_impact_of_new_durations_is_exact(doc: dict[str, Any],
                                                   data: st.DataObject) -> None:
    """With the same tasks on both sides, the impact lists exactly the tasks whose critical
    flag or early finish differ between the two full schedules."""
    new = copy.deepcopy(doc)
    for project in new["program"]["projects"]:
        for task in project["tasks"]:
            if "duration" in task and not task.get("milestone"):
                task["duration"] = data.draw(st.integers(0, 9))
    impact = schedule_impact(doc, new, diff_documents(doc, new), top=10_000)
    assert impact is not None
    old = {f"{r.project}:{r.wbs}": r for r in schedule(doc).tasks}
    now = {f"{r.project}:{r.wbs}": r for r in schedule(new).tasks if not r.summary}
    assert {e["task"] for e in impact["joined_critical"]} == {
        k for k, r in now.items() if r.critical and not old[k].critical}
    assert {e["task"] for e in impact["left_critical"]} == {
        k for k, r in now.items() if old[k].critical and not r.critical}
    assert {e["task"]: (e["old_finish"], e["new_finish"]) for e in impact["moved"]} == {
        k: (old[k].early_finish, r.early_finish) for k, r in now.items()
        if r.early_finish != old[k].early_finish}
    assert impact["moved_total"] == len(impact["moved"])


@given(documents(), st.data())
def test_applying_the_diff_survives_shuffled_numbers_and_deletions(
        doc: dict[str, Any], data: st.DataObject) -> None:
    """Tasks trade numbers, some disappear and some are renamed (the result need not be a
    valid plan: the diff works on keys): applying the diff still gives the new document."""
    new = copy.deepcopy(doc)
    for project in new["program"]["projects"]:
        tasks = project["tasks"]
        numbers = data.draw(st.permutations([t["wbs"] for t in tasks]))
        for t, wbs in zip(tasks, numbers, strict=True):
            t["wbs"] = wbs
        for t in tasks:
            if data.draw(st.integers(0, 3)) == 0:
                t["name"] += " (renamed)"
        keep = data.draw(st.lists(st.booleans(), min_size=len(tasks), max_size=len(tasks)))
        project["tasks"] = [t for t, k in zip(tasks, keep, strict=True) if k]
    changes = diff_documents(doc, new)
    assert canonical_bytes(apply_changes(doc, changes)) == canonical_bytes(new)


@given(documents().map(_distinct), st.data())
def test_sharing_equal_entities_gives_the_diff_of_the_normalised_documents(
        doc: dict[str, Any], data: st.DataObject) -> None:
    """diff_documents skips normalising the entities equal on both sides: the changes are
    exactly those of the two fully normalised documents, and neither input changes."""
    new = copy.deepcopy(doc)
    for project in new["program"]["projects"]:
        for t in project["tasks"]:
            pick = data.draw(st.integers(0, 5))
            if pick == 0:
                t["name"] += " (renamed)"
            elif pick == 1:
                t["status"] = "todo"  # the default: no change
            elif pick == 2 and "duration" in t:
                t["duration"] = float(t["duration"])  # 3 -> 3.0: no change
        if project.get("dependencies") and data.draw(st.booleans()):
            project["dependencies"][0]["lag"] = 0  # the default
        if data.draw(st.booleans()):
            new["program"]["projects"] = [p for p in new["program"]["projects"] if p is not project]
            break
    if data.draw(st.booleans()):
        new = _renumbered(new, 0) if new["program"]["projects"] else new
    before_old, before_new = copy.deepcopy(doc), copy.deepcopy(new)
    reference = diff_normalised(normalise(doc, sort=False), normalise(new, sort=False))
    assert diff_documents(doc, new) == reference
    assert (doc, new) == (before_old, before_new)


@given(documents().map(_distinct), documents(), st.data())
def test_the_old_side_rebuilt_from_its_summary_is_the_old_side(
        doc: dict[str, Any], other: dict[str, Any], data: st.DataObject) -> None:
    """share: the old document summarised, the differing entities picked, the rest taken from
    the new side, is the old document again, and diffs the same."""
    new = copy.deepcopy(doc)
    for project in new["program"]["projects"]:
        for t in project["tasks"]:
            if data.draw(st.integers(0, 3)) == 0:
                t["name"] += " (renamed)"
        if project.get("dependencies") and data.draw(st.booleans()):
            project["dependencies"].pop()
    if data.draw(st.booleans()):
        new = _renumbered(new, 0) if new["program"]["projects"] else new
    if data.draw(st.integers(0, 4)) == 0:
        new = other  # a different plan altogether
    summary, theirs = share.summarise(doc), share.digests_of(new)
    rebuilt = share.rebuild(summary, new, share.pick(doc, share.wanted(summary, theirs)), theirs)
    assert canonical_bytes(rebuilt) == canonical_bytes(doc)
    assert diff_documents(rebuilt, new) == diff_documents(doc, new)


@given(documents())
def test_a_packed_side_unpacks_to_the_same_side(doc: dict[str, Any]) -> None:
    """What the second process sends of the old side's schedule is that schedule."""
    side = scheduled(doc)
    assert unpack(pickle.loads(pickle.dumps(pack(side)))) == side
