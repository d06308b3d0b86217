"""plansync schedule, and the schedule an import stores with the tasks."""

from __future__ import annotations

import copy
import csv
import io
import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from plansync.cli import cli
from plansync.instance.sqlite import SqliteInstance, migrations
from plansync.schedule.cpm import schedule
from plansync.seed.canonical import canonical_bytes

ROOT = Path(__file__).resolve().parents[1]
APOLLO_PATH = ROOT / "examples" / "plans" / "apollo.seed.json"
APOLLO = json.loads(APOLLO_PATH.read_text())
GEMINI_PATH = ROOT / "examples" / "plans" / "gemini.seed.yaml"

CPM = ("early_start", "early_finish", "late_start", "late_finish", "total_float",
       "free_float", "critical")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def stored(instance: SqliteInstance) -> dict[str, tuple[object, ...]]:
    return {f"{p}:{w}": tuple(rest) for p, w, *rest in instance.conn.execute(
        f"SELECT p.code, t.wbs, {', '.join('t.' + c for c in CPM)} FROM tasks t "
        "JOIN projects p ON t.project_id = p.id")}


def expected(doc: dict[str, object]) -> dict[str, tuple[object, ...]]:
    return {f"{r.project}:{r.wbs}": (r.early_start, r.early_finish, r.late_start, r.late_finish,
                                     r.total_float, r.free_float, int(r.critical))
            for r in schedule(doc).tasks}  # type: ignore[arg-type]


def test_import_stores_the_schedule_and_export_never_shows_it(tmp_path: Path) -> None:
    instance = SqliteInstance(str(tmp_path / "i.db"))
    instance.import_document(APOLLO)
    assert stored(instance) == expected(APOLLO)
    exported = canonical_bytes(instance.export_program("apollo"))
    assert exported == APOLLO_PATH.read_bytes()
    assert b"early_start" not in exported and b"critical" not in exported


def test_a_changed_duration_moves_the_stored_dates(tmp_path: Path) -> None:
    instance = SqliteInstance(str(tmp_path / "i.db"))
    instance.import_document(APOLLO)
    before = stored(instance)
    changed = copy.deepcopy(APOLLO)
    task = next(t for t in changed["program"]["projects"][1]["tasks"]
                if isinstance(t.get("duration"), int) and t["duration"] > 1
                and "actual_start" not in t and t.get("status") != "done")
    task["duration"] += 10
    instance.import_document(changed)
    after = stored(instance)
    assert after == expected(changed)
    assert after != before

    renamed = copy.deepcopy(changed)
    renamed["program"]["projects"][0]["tasks"][0]["name"] = "Renamed"
    instance.import_document(renamed)
    assert stored(instance) == after  # names do not move dates


def test_schedule_file_as_table_fits_80_columns_and_marks_the_critical_path() -> None:
    code, out, _ = run("schedule", str(APOLLO_PATH))
    assert code == 0
    lines = out.splitlines()
    assert max(len(line) for line in lines if not line.startswith("critical path")) <= 80
    doc_schedule = schedule(APOLLO)
    critical = [r for r in doc_schedule.tasks if r.critical]
    assert sum(1 for line in lines if line.startswith("* ")) == len(critical)
    assert f"program apollo: {doc_schedule.start} -> {doc_schedule.finish}" in out


def test_schedule_json_shape_and_filters() -> None:
    code, out, _ = run("schedule", str(APOLLO_PATH), "--format", "json")
    data = json.loads(out)
    assert {"program", "start", "finish", "critical_path", "tasks"} <= set(data)
    assert data["program"] == "apollo"
    assert set(data["tasks"][0]) == {"project", "wbs", "name", "early_start", "early_finish",
                                     "late_start", "late_finish", "total_float", "free_float",
                                     "critical"}
    total = len(data["tasks"])
    code, out, _ = run("schedule", str(APOLLO_PATH), "--format", "json", "--critical",
                       "--project", "launch")
    only = json.loads(out)["tasks"]
    assert 0 < len(only) < total
    assert all(t["critical"] and t["project"] == "launch" for t in only)


def test_schedule_csv_and_yaml_input() -> None:
    code, out, _ = run("schedule", str(GEMINI_PATH), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 10
    assert rows[0]["critical"] in ("true", "false")


def test_schedule_a_program_on_the_instance(tmp_path: Path) -> None:
    address = f"sqlite:///{tmp_path / 'i.db'}"
    run("import", "--instance", address, str(APOLLO_PATH))
    from_instance = run("schedule", "apollo", "--instance", address, "--format", "json")[1]
    from_file = run("schedule", str(APOLLO_PATH), "--format", "json")[1]
    assert from_instance == from_file
    code, _, err = run("schedule", "nope", "--instance", address)
    assert code == 3 and "no program 'nope'" in err


def test_pert_is_reproducible_for_a_seed() -> None:
    args = ("schedule", str(APOLLO_PATH), "--pert", "--samples", "300", "--format", "json")
    first = json.loads(run(*args, "--seed", "7")[1])["pert"]
    again = json.loads(run(*args, "--seed", "7")[1])["pert"]
    assert first == again
    assert first["p50"] <= first["p80"] <= first["p95"]
    assert first["distribution"] == "PERT-Beta" and first["samples"] == 300


def test_schedule_refuses_an_invalid_file(tmp_path: Path) -> None:
    bad = tmp_path / "cycle.seed.json"
    bad.write_bytes((ROOT / "tests" / "cases" / "invalid" / "cycle" /
                     "input.seed.json").read_bytes())
    code, _, err = run("schedule", str(bad))
    assert code == 1
    assert "dependency cycle: lm:1.2 -> lm:1.1 -> lm:1.2" in err


def test_older_databases_are_migrated_forward(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    number, name, sql = migrations()[0]
    conn.executescript(sql)
    conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                 " applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)")
    conn.execute("INSERT INTO schema_version (version, name) VALUES (?, ?)", (number, name))
    conn.commit()
    conn.close()
    instance = SqliteInstance(str(path))
    assert instance.schema_version() == migrations()[-1][0] > number
    instance.import_document(APOLLO)
    assert stored(instance) == expected(APOLLO)


def test_format_choices_match_the_renderers() -> None:
    from plansync.commands.schedule import FORMATS
    from plansync.render.schedule import RENDERERS

    assert set(FORMATS) == set(RENDERERS)


def test_an_unschedulable_plan_is_a_clear_error(tmp_path: Path) -> None:
    late = tmp_path / "late.seed.json"
    late.write_text(json.dumps({"version": 1, "program": {"code": "x", "name": "X", "projects": [
        {"code": "a", "name": "A", "start": "9999-12-30",
         "tasks": [{"wbs": "1", "name": "Too late", "duration": 30}]}]}}))
    code, _, err = run("schedule", str(late))
    assert code == 3
    assert "cannot schedule this plan: the schedule runs past the year 9999" in err


def test_conventions_option_overrides_the_plan(tmp_path: Path) -> None:
    # 1 (3d) SS -2 -> 2: a lead puts 2 before the project start only under msproject.
    doc = {"version": 1, "program": {"code": "p", "name": "P", "projects": [{
        "code": "lm", "name": "LM", "start": "2026-01-05",
        "tasks": [{"wbs": "1", "name": "a", "duration": 3},
                  {"wbs": "2", "name": "b", "duration": 2}],
        "dependencies": [{"from": "1", "to": "2", "type": "SS", "lag": -2}]}]}}
    path = tmp_path / "p.seed.json"
    path.write_bytes(canonical_bytes(doc))

    def start_of_2(*args: str) -> tuple[str, str]:
        code, out, err = run("schedule", str(path), "--format", "json", *args)
        assert code == 0, err
        data = json.loads(out)
        return data["conventions"], data["tasks"][1]["early_start"]

    assert start_of_2() == ("plansync", "2026-01-05")
    assert start_of_2("--conventions", "msproject") == ("msproject", "2026-01-01")
    doc["program"]["scheduling"] = {"conventions": "msproject"}  # type: ignore[index]
    path.write_bytes(canonical_bytes(doc))
    assert start_of_2() == ("msproject", "2026-01-01")
    assert start_of_2("--conventions", "plansync") == ("plansync", "2026-01-05")
    code, out, _ = run("schedule", str(path))
    assert "(msproject conventions)" in out
    code, _, err = run("schedule", str(path), "--conventions", "primavera")
    assert code == 2 and "primavera" in err
    # an instance stores the schedule of the plan's own conventions, and keeps the setting
    instance = SqliteInstance(str(tmp_path / "i.db"))
    instance.import_document(doc)
    assert stored(instance) == expected(doc)
    assert canonical_bytes(instance.export_program("p")) == canonical_bytes(doc)
    assert stored(instance)["lm:2"][0] == "2026-01-01"
