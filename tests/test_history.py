"""Timelines: the events of a diff replay one state into the other; every event kind applies."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plansync.history import events_between
from plansync.seed.canonical import canonical_bytes
from plansync.seed.events import EventError, final_state, replay
from plansync.seed.validate import validate_bytes
from tests.strategies import documents
from tests.test_diff_properties import _distinct, _renumbered

AT, WHO = "2026-03-02T09:00:00Z", "ada@example.com"
ROOT = Path(__file__).resolve().parents[1]
APOLLO = json.loads((ROOT / "examples" / "plans" / "apollo.seed.json").read_text())


def replays(a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    events = events_between(a, b, AT, WHO)
    rebuilt = {"version": 1, "program": replay(final_state(a)["program"], events)}
    assert canonical_bytes(rebuilt) == canonical_bytes(final_state(b))
    # ... and as a version 2 document, the events validate against the schema and rules.
    timeline = {"version": 2, "program": final_state(a)["program"], "events": events}
    result = validate_bytes("timeline.seed.json", canonical_bytes(timeline))
    assert result.problems == [], result.problems[:3]
    return events


@given(documents(), documents())
def test_the_events_of_any_diff_replay_into_the_new_state(a: dict[str, Any],
                                                          b: dict[str, Any]) -> None:
    b["program"]["code"] = a["program"]["code"]
    replays(a, b)


@given(documents().map(_distinct), st.data())
def test_renumbering_is_one_event_and_everything_follows(doc: dict[str, Any],
                                                         data: st.DataObject) -> None:
    project = data.draw(st.integers(0, len(doc["program"]["projects"]) - 1))
    after = _renumbered(doc, project)
    events = replays(doc, after)
    kinds = [e["type"] for e in events]
    assert kinds.count("tasks_renumbered") == 1
    assert "task_deleted" not in kinds and "dependency_removed" not in kinds


def test_every_kind_of_change_has_an_event_that_replays() -> None:
    a = copy.deepcopy(APOLLO)
    a["program"]["resources"].append({"code": "zz-gone", "name": "Gone", "type": "person"})
    b = copy.deepcopy(APOLLO)
    program = b["program"]
    program["name"] = "Apollo, renamed"
    program["description"] = "Now with a description"
    program["calendars"][0]["holidays"] = ["2026-12-25"]
    program["calendars"].append({"code": "weekends", "workdays": ["sat", "sun"]})
    program["resources"][0]["name"] = "Renamed resource"
    program["members"].append({"email": "new@example.com", "role": "viewer"})
    program["members"][0]["role"] = "admin"
    launch, mobile, platform = program["projects"]
    launch["name"] = "Launch, renamed"
    launch.setdefault("sprints", []).append({"code": "s9", "name": "Late", "start": "2026-09-01",
                              "finish": "2026-09-14"})
    launch["risks"][0]["title"] = "A risk, reworded"
    launch["baselines"][0]["name"] = "Renamed baseline"
    leaf = next(t for t in mobile["tasks"] if "duration" in t)
    leaf["duration"] += 1
    leaf["status"] = "blocked" if leaf.get("status") != "blocked" else "done"
    dep = mobile["dependencies"][0]
    dep["lag"] = 2
    mobile["tasks"].append({"wbs": "99", "name": "New", "duration": 1})
    mobile["dependencies"].append({"from": leaf["wbs"], "to": "99"})
    program["projects"].remove(platform)
    for project in program["projects"]:  # links into the removed project go with it
        project["dependencies"] = [d for d in project.get("dependencies", [])
                                   if "platform:" not in d["from"] + d["to"]]
    program["projects"].append({"code": "extra", "name": "Extra", "start": "2026-05-04",
                                "tasks": [{"wbs": "1", "name": "Only", "duration": 3}]})
    assert validate_bytes("b.seed.json", canonical_bytes(b)).problems == []
    kinds = {e["type"] for e in replays(a, b)}
    assert kinds >= {"program_updated", "calendar_created", "calendar_updated",
                     "resource_deleted", "resource_updated", "member_added", "member_updated",
                     "project_updated", "project_deleted", "project_created", "sprint_created",
                     "risk_updated", "baseline_created", "baseline_deleted", "task_updated",
                     "status_changed", "task_created", "dependency_updated",
                     "dependency_added", "dependency_removed"}


@pytest.mark.parametrize(("event", "message"), [
    ({"type": "calendar_deleted", "key": "nope"}, "no existing calendar 'nope'"),
    ({"type": "tasks_renumbered", "project": "launch", "value": {"1": "2"}},
     "renumbering onto a wbs that is taken"),
    ({"type": "dependency_updated", "project": "launch", "from": "9", "to": "8",
      "field": "lag", "value": 1}, "no dependency from 9 to 8"),
    ({"type": "project_updated", "project": "launch", "field": "tasks", "value": []},
     "tasks change through their own events"),
])
def test_an_event_that_does_not_apply_is_a_located_error(event: dict[str, Any],
                                                         message: str) -> None:
    with pytest.raises(EventError, match=message):
        replay(APOLLO["program"], [{"at": AT, "actor": WHO, **event}])


# -- the instance keeps the history; export --timeline gives it back -----------------------------

def run(*args: str) -> tuple[int, str, str]:
    from click.testing import CliRunner

    from plansync.cli import cli

    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def renamed(doc: dict[str, Any], name: str) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    out["program"]["projects"][0]["tasks"][1]["name"] = name
    return out


def test_the_instance_keeps_history_and_export_timeline_round_trips(
        new_address: Any, tmp_path: Path) -> None:
    from plansync.instance.address import open_instance

    first = open_instance(new_address(), create=True)
    first.import_document(APOLLO, actor="ada@example.com")
    report = first.import_document(renamed(APOLLO, "Second"), actor="ben@example.com")
    assert report.server_version == 2
    timeline = first.export_timeline("apollo")
    assert timeline["version"] == 2
    assert [(e["type"], e["actor"]) for e in timeline["events"]] == [
        ("task_updated", "ben@example.com")]
    assert canonical_bytes({"version": 1, "program": timeline["program"]}) == \
        canonical_bytes(APOLLO)
    # The version 1 export is still the final state, byte for byte.
    assert canonical_bytes(first.export_program("apollo")) == \
        canonical_bytes(renamed(APOLLO, "Second"))
    # Importing the same state as version 1 changes nothing and loses no history.
    again = first.import_document(renamed(APOLLO, "Second"))
    assert (again.status, again.server_version) == ("unchanged", 2)
    assert canonical_bytes(first.export_timeline("apollo")) == canonical_bytes(timeline)
    # A fresh instance fed the timeline gives the same timeline back.
    fresh = open_instance(new_address(), create=True)
    fresh.import_document(timeline)
    assert canonical_bytes(fresh.export_timeline("apollo")) == canonical_bytes(timeline)
    assert canonical_bytes(fresh.export_program("apollo")) == \
        canonical_bytes(renamed(APOLLO, "Second"))
    # --since keeps the later events, the state before them becomes the base.
    later = first.export_timeline("apollo", since="2999-01-01")
    assert "events" not in later
    assert canonical_bytes({"version": 1, "program": later["program"]}) == \
        canonical_bytes(renamed(APOLLO, "Second"))
    first.close()
    fresh.close()


def test_history_from_git_replays_to_the_last_commit(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import pygit2

    repo = tmp_path / "repo"
    git = pygit2.init_repository(str(repo))
    path = repo / "plans" / "apollo.seed.json"
    path.parent.mkdir()
    doc = copy.deepcopy(APOLLO)
    parents: list[Any] = []
    for n in range(10):
        if n:
            doc = renamed(doc, f"Round {n}")
            if n % 3 == 0:
                doc["program"]["projects"][1]["tasks"].append(
                    {"wbs": str(90 + n), "name": f"Added {n}", "duration": n})
            if n == 5:
                doc["program"]["name"] = "Apollo, renamed"
        path.write_bytes(canonical_bytes(doc))
        (repo / "notes.txt").write_text(f"unrelated {n}\n")
        git.index.add_all()
        git.index.write()
        who = pygit2.Signature(f"Author {n}", f"author{n}@example.com", 1_767_225_600 + n * 3600)
        parents = [git.create_commit("HEAD", who, who, f"commit {n}", git.index.write_tree(),
                                     parents)]
    monkeypatch.chdir(repo)
    code, out, err = run("history")
    assert code == 0, err
    timeline = json.loads(out)
    assert canonical_bytes(final_state(timeline)) == path.read_bytes()
    actors = {e["actor"] for e in timeline["events"]}
    assert actors == {f"author{n}@example.com" for n in range(1, 10)}
    assert timeline["events"][0]["at"] == "2026-01-01T01:00:00Z"
    code, out, _ = run("history", "HEAD~3..HEAD", "--", "plans/apollo.seed.json")
    assert code == 0
    assert {e["actor"] for e in json.loads(out)["events"]} == {
        f"author{n}@example.com" for n in (7, 8, 9)}
    # The Git history becomes an instance's timeline on import.
    (tmp_path / "tl.seed.json").write_text(json.dumps(timeline))
    address = f"sqlite:///{tmp_path / 'i.db'}"
    assert run("import", "--instance", address, str(tmp_path / "tl.seed.json"))[0] == 0
    code, out, _ = run("export", "apollo", "--timeline", "--instance", address)
    assert out.encode() == canonical_bytes(timeline)
    code, _, err = run("history", "nope..HEAD")
    assert code == 3 and "unknown revision" in err
