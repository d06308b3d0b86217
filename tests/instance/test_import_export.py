"""Import and export through every store kind: a real SQLite file, a real PostgreSQL."""

from __future__ import annotations

import copy
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plansync.errors import InstanceError
from plansync.instance.sqlite import SqliteInstance, migrations
from plansync.seed.canonical import canonical_bytes
from tests.stores import dump
from tests.strategies import documents, shuffled

ROOT = Path(__file__).resolve().parents[2]
APOLLO = json.loads((ROOT / "examples" / "plans" / "apollo.seed.json").read_text())


Store = Callable[[], Any]


def task_rows(instance: Any) -> dict[tuple[str, str], tuple[str, str]]:
    return {(p, w): (i, s) for p, w, i, s in instance.conn.execute(
        "SELECT p.code, t.wbs, t.id, t.short_id FROM tasks t JOIN projects p "
        "ON t.project_id = p.id")}


@given(doc=documents())
def test_export_of_import_is_the_canonical_bytes(new_store: Store, doc: dict[str, Any]) -> None:
    instance = new_store()
    instance.import_document(doc)
    exported = instance.export_program(doc["program"]["code"])
    assert canonical_bytes(exported) == canonical_bytes(doc)
    again = new_store()
    again.import_document(exported)
    assert canonical_bytes(again.export_program(doc["program"]["code"])) == \
        canonical_bytes(exported)


@given(doc=documents())
def test_importing_twice_changes_nothing(new_store: Store, doc: dict[str, Any]) -> None:
    instance = new_store()
    first = instance.import_document(doc)
    rows = dump(instance)
    second = instance.import_document(doc)
    assert (first.status, second.status) == ("created", "unchanged")
    assert second.server_version == first.server_version == 1
    assert not any(c.changed for c in second.counts.values())
    assert dump(instance) == rows


def test_changing_one_task_name_updates_one_row_and_bumps_version_once(new_store: Store) -> None:
    instance = new_store()
    instance.import_document(APOLLO)
    before = task_rows(instance)
    changed = copy.deepcopy(APOLLO)
    task = changed["program"]["projects"][1]["tasks"][4]
    task["name"] += " (renamed)"

    report = instance.import_document(changed)

    assert report.status == "updated" and report.server_version == 2
    assert {k: vars(c) for k, c in report.counts.items() if c.changed} == {
        "tasks": {"created": 0, "updated": 1, "deleted": 0,
                  "unchanged": len(before) - 1}}
    assert task_rows(instance) == before  # UUIDs and short IDs all kept
    assert instance.import_document(changed).server_version == 2
    assert canonical_bytes(instance.export_program("apollo")) == canonical_bytes(changed)


def test_removed_and_added_tasks_keep_the_others_identity(new_store: Store) -> None:
    instance = new_store()
    instance.import_document(APOLLO)
    before = task_rows(instance)
    changed = copy.deepcopy(APOLLO)
    project = changed["program"]["projects"][0]
    leaf = project["tasks"][-1]["wbs"]
    project["tasks"] = [t for t in project["tasks"] if t["wbs"] != leaf]
    project["dependencies"] = [d for d in project.get("dependencies", [])
                               if leaf not in (d["from"], d["to"])]
    for p in changed["program"]["projects"]:
        for risk in p.get("risks", []):
            risk["tasks"] = [w for w in risk.get("tasks", []) if w != leaf or p is not project]
        for baseline in p.get("baselines", []):
            baseline["tasks"] = [t for t in baseline.get("tasks", [])
                                 if t["wbs"] != leaf or p is not project]
    project["tasks"].append({"wbs": "99", "name": "New work", "duration": 2})

    report = instance.import_document(changed)

    assert (report.counts["tasks"].created, report.counts["tasks"].deleted) == (1, 1)
    after = task_rows(instance)
    gone = (project["code"], leaf)
    assert {k: v for k, v in before.items() if k != gone} == \
        {k: v for k, v in after.items() if k != (project["code"], "99")}
    new_short = after[(project["code"], "99")][1]
    assert new_short not in {s for _, s in before.values()}, "short IDs are never reused"
    assert canonical_bytes(instance.export_program("apollo")) == canonical_bytes(changed)


def test_project_export_reimported_is_a_new_program(new_store: Store) -> None:
    instance = new_store()
    instance.import_document(APOLLO)
    parent_bytes = canonical_bytes(instance.export_program("apollo"))
    project = instance.export_project("apollo", "mobile")

    assert project["program"]["code"] == "apollo-mobile"
    [only] = project["program"]["projects"]
    assert only["code"] == "mobile"
    assert not any(":" in d["from"] or ":" in d["to"] for d in only.get("dependencies", []))
    used = {a for t in only["tasks"] for a in t.get("assignees", [])}
    assert {r["code"] for r in project["program"].get("resources", [])} == used

    report = instance.import_document(project)
    assert report.status == "created"
    assert canonical_bytes(instance.export_program("apollo")) == parent_bytes
    assert instance.server_version("apollo") == 1
    assert canonical_bytes(instance.export_program("apollo-mobile")) == canonical_bytes(project)


def test_archived_project_exports(new_store: Store) -> None:
    doc = copy.deepcopy(APOLLO)
    doc["program"]["projects"][2]["status"] = "archived"
    instance = new_store()
    instance.import_document(doc)
    code = doc["program"]["projects"][2]["code"]
    assert instance.export_project("apollo", code)["program"]["projects"][0]["status"] == \
        "archived"


def test_pending_memberships_and_create_users(new_store: Store) -> None:
    instance = new_store()
    report = instance.import_document(APOLLO)
    members = {m["email"] for m in APOLLO["program"].get("members", [])}
    members |= {m["email"] for p in APOLLO["program"]["projects"] for m in p.get("members", [])}
    assert set(report.pending) == members
    assert instance.conn.execute("SELECT count(*) FROM users").fetchone()[0] == 0

    linked = instance.import_document(APOLLO, create_users=True)
    assert linked.pending == []
    assert set(linked.created_users) >= members
    assert canonical_bytes(instance.export_program("apollo")) == canonical_bytes(APOLLO)


def test_dry_run_writes_nothing(new_store: Store) -> None:
    instance = new_store()
    report = instance.import_document(APOLLO, dry_run=True)
    assert report.status == "created" and report.dry_run
    assert instance.programs() == []


def test_unknown_program_is_an_instance_error(new_store: Store) -> None:
    with pytest.raises(InstanceError, match="no program 'nope'"):
        new_store().export_program("nope")


def test_migrations_are_recorded_once_and_newer_databases_refused(tmp_path: Path) -> None:
    path = tmp_path / "i.db"
    SqliteInstance(str(path)).close()
    SqliteInstance(str(path)).close()
    conn = sqlite3.connect(path)
    versions = [row[0] for row in conn.execute("SELECT version FROM schema_version")]
    assert versions == [n for n, _, _ in migrations()]
    conn.execute("INSERT INTO schema_version (version, name) VALUES (999, 'future')")
    conn.commit()
    conn.close()
    with pytest.raises(InstanceError, match="newer than this plansync knows"):
        SqliteInstance(str(path))


def test_v2_timeline_imports_as_its_final_state(new_store: Store) -> None:
    doc = {"version": 2, "program": {"code": "p", "name": "P", "projects": [
        {"code": "a", "name": "A", "start": "2026-01-05",
         "tasks": [{"wbs": "1", "name": "One", "duration": 1}]}]},
        "events": [
            {"at": "2026-01-06T09:00:00Z", "actor": "ada@example.com", "type": "task_created",
             "project": "a", "value": {"wbs": "2", "name": "Two", "duration": 2}},
            {"at": "2026-01-06T10:00:00Z", "actor": "ada@example.com",
             "type": "dependency_added", "project": "a", "value": {"from": "1", "to": "2"}},
            {"at": "2026-01-07T10:00:00Z", "actor": "ada@example.com",
             "type": "status_changed", "project": "a", "wbs": "1", "to": "done"}]}
    instance = new_store()
    report = instance.import_document(doc)
    assert report.counts["events"].created == 3
    exported = instance.export_program("p")
    assert exported["version"] == 1
    tasks = exported["program"]["projects"][0]["tasks"]
    assert [(t["wbs"], t.get("status")) for t in tasks] == [("1", "done"), ("2", None)]
    assert exported["program"]["projects"][0]["dependencies"] == [{"from": "1", "to": "2"}]
    assert instance.import_document(doc).status == "unchanged"


def test_a_plan_that_cannot_be_scheduled_still_imports_with_a_warning(
        new_store: Store) -> None:
    doc = {"version": 1, "program": {"code": "x", "name": "X", "projects": [
        {"code": "a", "name": "A", "start": "9999-12-30",
         "tasks": [{"wbs": "1", "name": "Too late", "duration": 30}]}]}}
    instance = new_store()
    report = instance.import_document(doc)
    assert report.status == "created"
    assert report.warnings == ["no schedule stored: the schedule runs past the year 9999"]
    assert instance.conn.execute("SELECT early_start FROM tasks").fetchone() == (None,)
    assert canonical_bytes(instance.export_program("x")) == canonical_bytes(doc)


def test_postgres_migrations_are_explicit_and_newer_databases_refused(postgres: Any) -> None:
    from plansync.instance.postgres import PostgresInstance
    from plansync.instance.postgres import migrations as pg_migrations

    address = postgres.address(postgres.database(empty=True))
    with pytest.raises(InstanceError, match="plansync migrate"):
        PostgresInstance(address)
    store = PostgresInstance(address, migrating=True)
    assert store.migrate() == [name for _, name, _ in pg_migrations()]
    assert store.migrate() == []  # once only
    store.close()
    store = PostgresInstance(address)
    assert store.schema_version() == pg_migrations()[-1][0] == migrations()[-1][0]
    store.conn.execute("INSERT INTO schema_version (version, name) VALUES (999, 'future')")
    store.close()
    with pytest.raises(InstanceError, match="newer than this plansync knows"):
        PostgresInstance(address)


def test_a_project_export_keeps_its_task_calendars_and_the_conventions() -> None:
    from plansync.instance.exporter import project_document
    from plansync.schedule.cpm import schedule

    doc = {"version": 1, "program": {
        "code": "p", "name": "P", "scheduling": {"conventions": "msproject"},
        "calendars": [{"code": "a"}, {"code": "nights", "workdays": ["sat", "sun"]}],
        "projects": [{"code": "x", "name": "X", "start": "2026-01-05", "calendar": "a",
                      "tasks": [{"wbs": "1", "name": "n", "duration": 2,
                                 "calendar": "nights"}]},
                     {"code": "y", "name": "Y", "start": "2026-01-05"}]}}
    copy_of_x = project_document(doc, "x")
    assert [c["code"] for c in copy_of_x["program"]["calendars"]] == ["a", "nights"]
    assert copy_of_x["program"]["scheduling"] == {"conventions": "msproject"}
    assert schedule(copy_of_x).tasks[0].early_finish == schedule(doc).tasks[0].early_finish


def stored_schedule(instance: Any) -> dict[tuple[str, str], tuple[Any, ...]]:
    return {(p, w): tuple(rest) for p, w, *rest in instance.conn.execute(
        "SELECT p.code, t.wbs, t.early_start, t.early_finish, t.late_start, t.late_finish, "
        "t.total_float, t.free_float, t.critical FROM tasks t JOIN projects p "
        "ON t.project_id = p.id")}


def computed_schedule(doc: dict[str, Any]) -> dict[tuple[str, str], tuple[Any, ...]]:
    from plansync.schedule.cpm import schedule_rows

    return {(r.project, r.wbs): (r.early_start, r.early_finish, r.late_start, r.late_finish,
                                 r.total_float, r.free_float, int(r.critical))
            for r in schedule_rows(doc)}


def test_the_stored_schedule_follows_every_import(new_store: Store) -> None:
    # new tasks get their schedule with the row; tasks that were there are updated
    instance = new_store()
    doc = copy.deepcopy(APOLLO)
    instance.import_document(doc)
    assert stored_schedule(instance) == computed_schedule(doc)
    launch = doc["program"]["projects"][0]
    launch["tasks"][2]["duration"] = 9  # moves its successors
    launch["tasks"].append({"wbs": "9", "name": "Retrospective", "duration": 2})
    launch["dependencies"].append({"from": "1.1.1", "to": "9"})
    mobile = doc["program"]["projects"][1]
    wbs = {t["wbs"] for t in mobile["tasks"]}
    gone = next(t for t in reversed(mobile["tasks"])  # a leaf, and the links naming it
                if not any(w.startswith(t["wbs"] + ".") for w in wbs))
    mobile["tasks"].remove(gone)
    for p in doc["program"]["projects"]:
        p["dependencies"] = [d for d in p["dependencies"] if not any(
            d[end] == f"mobile:{gone['wbs']}" or (p is mobile and d[end] == gone["wbs"])
            for end in ("from", "to"))]
    assert instance.import_document(doc).status == "updated"
    assert stored_schedule(instance) == computed_schedule(doc)
    doc["program"]["projects"][2]["tasks"][0]["name"] = "Renamed"  # the schedule is kept
    assert instance.import_document(doc).status == "updated"
    assert stored_schedule(instance) == computed_schedule(doc)


def _generated(tasks: int, seed: int) -> dict[str, Any]:
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from generate import generate_program
    finally:
        sys.path.pop(0)
    doc: dict[str, Any] = generate_program(tasks, seed=seed)
    return doc


def test_a_big_program_is_scheduled_alongside_and_stored_the_same(new_store: Store) -> None:
    # from AHEAD_TASKS tasks on, the schedule is computed in a child while the rows are
    # written: the columns are the ones computed here, in one process, from the stored state
    import threading

    from plansync.instance.scheduled import AHEAD_TASKS, schedule_ahead

    doc = _generated(AHEAD_TASKS + 500, seed=3)
    probe = schedule_ahead(doc)
    assert probe is not None and probe.forked
    probe.cancel()
    instance = new_store()
    instance.import_document(copy.deepcopy(doc))
    expected = computed_schedule(json.loads(canonical_bytes(doc)))
    assert stored_schedule(instance) == expected
    # a threaded process (the server) cannot fork: the same columns, computed in-process
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        again = new_store()
        again.import_document(copy.deepcopy(doc))
    finally:
        stop.set()
        thread.join()
    assert stored_schedule(again) == expected


def test_a_big_plan_that_cannot_be_scheduled_still_imports_with_the_same_warning(
        new_store: Store) -> None:
    # the child computing it ahead fails: the import finds the same failure itself
    from plansync.instance.scheduled import AHEAD_TASKS

    doc = _generated(AHEAD_TASKS + 100, seed=5)
    doc["program"]["projects"][0]["start"] = "9999-12-01"
    instance = new_store()
    report = instance.import_document(doc)
    assert report.status == "created"
    assert report.warnings == ["no schedule stored: the schedule runs past the year 9999"]
    assert instance.conn.execute("SELECT count(*) FROM tasks WHERE early_start IS NOT NULL"
                                 ).fetchone() == (0,)


def _defaults_written(doc: dict[str, Any]) -> dict[str, Any]:
    """The same plan with every omitted default written out and integral numbers as floats."""
    out = copy.deepcopy(doc)
    for project in out["program"].get("projects", []):
        project.setdefault("status", "active")
        for task in project.get("tasks", []):
            task.setdefault("status", "todo")
            task.setdefault("milestone", False)
            task.setdefault("percent_complete", 0)
            if type(task.get("duration")) is int:
                task["duration"] = float(task["duration"])
        for link in project.get("dependencies", []):
            link.setdefault("type", "FS")
            link.setdefault("lag", 0.0)
    return out


@given(doc=documents(), seed=st.integers(0, 2**32 - 1))
def test_the_schedule_ahead_of_normalising_is_the_normalised_one(doc: dict[str, Any],
                                                                 seed: int) -> None:
    # schedule_ahead schedules the document as validated, the import stores the normalised
    # one: list order and written-out defaults must not change any column
    import random

    from plansync.instance.scheduled import schedule_by_key
    from plansync.seed.canonical import normalise

    try:
        expected = schedule_by_key(normalise(doc))
    except ValueError:  # beyond what a calendar holds: no schedule either way
        with pytest.raises(ValueError):
            schedule_by_key(doc)
        return
    written = shuffled(_defaults_written(doc), random.Random(seed))
    assert schedule_by_key(written) == expected
