"""plansync sync and pull against the embedded instance, in real Git repositories."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pygit2
import pytest
from click.testing import CliRunner

from plansync.cli import cli
from plansync.instance.sqlite import SqliteInstance
from plansync.seed.canonical import canonical_bytes
from tests.gitrepos import commit_all, repo_with_examples

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT / "examples" / "plans"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    work = repo_with_examples(tmp_path / "plans", "plans")
    commit_all(work, "plans")
    monkeypatch.chdir(work)
    monkeypatch.delenv("PLANSYNC_INSTANCE", raising=False)
    yield work


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def state(repo: Path) -> dict[str, object]:
    git = pygit2.Repository(str(repo))
    commit = git.references["refs/plansync/default"].peel()
    data: dict[str, object] = json.loads(git[commit.tree["state.json"].id].data)
    return data


def instance(repo: Path) -> SqliteInstance:
    return SqliteInstance(str(repo / ".plansync" / "instance.db"))


def rename_first_task(path: Path, name: str) -> None:
    doc = json.loads(path.read_text())
    doc["program"]["projects"][0]["tasks"][0]["name"] = name
    path.write_bytes(canonical_bytes(doc))


def test_first_sync_then_noop_then_edit(repo: Path) -> None:
    code, out, _ = run("sync")
    assert code == 0, out
    assert "apollo (plans/apollo.seed.json): created, server_version 1" in out
    assert "gemini (plans/gemini.seed.yaml): created, server_version 1" in out
    recorded = state(repo)
    assert recorded["commit"] == str(pygit2.Repository(str(repo)).head.target)
    assert recorded["programs"]["apollo"]["server_version"] == 1  # type: ignore[index]

    code, out, _ = run("sync")
    assert code == 0
    assert "apollo (plans/apollo.seed.json): unchanged" in out

    rename_first_task(repo / "plans" / "apollo.seed.json", "Go-to-market, revised")
    code, out, _ = run("sync")
    assert code == 0
    assert "apollo (plans/apollo.seed.json): updated, server_version 2: task ~1" in out
    assert "gemini (plans/gemini.seed.yaml): unchanged" in out
    exported = canonical_bytes(instance(repo).export_program("apollo"))
    assert exported == (repo / "plans" / "apollo.seed.json").read_bytes()


def test_dry_run_writes_nothing(repo: Path) -> None:
    code, out, _ = run("sync", "--dry-run")
    assert code == 0
    assert "apollo (plans/apollo.seed.json): would create" in out
    assert instance(repo).programs() == []
    assert "refs/plansync/default" not in pygit2.Repository(str(repo)).references


def test_invalid_file_stops_the_sync_before_anything_is_imported(repo: Path) -> None:
    (repo / "plans" / "broken.seed.json").write_text('{"version": 1, "program": {}}')
    code, _, err = run("sync")
    assert code == 1
    assert "nothing was synced" in err
    assert instance(repo).programs() == []


def test_drift_is_refused_then_forced(repo: Path) -> None:
    run("sync")
    other = repo.parent / "elsewhere.seed.json"
    rename_first_task_copy = json.loads((repo / "plans" / "apollo.seed.json").read_text())
    rename_first_task_copy["program"]["name"] = "Apollo (edited on the instance)"
    other.write_bytes(canonical_bytes(rename_first_task_copy))
    assert run("import", str(other))[0] == 0  # someone changes the instance directly
    rename_first_task(repo / "plans" / "apollo.seed.json", "Changed in the repo")

    code, out, err = run("sync")
    assert code == 1
    assert "REFUSED: changed on the instance since the last sync" in out
    assert "Apollo (edited on the instance)" in out  # the semantic diff instance -> file
    assert "--force" in err and "plansync pull" in err
    assert instance(repo).export_program("apollo")["program"]["name"] == \
        "Apollo (edited on the instance)"

    code, out, _ = run("sync", "--force")
    assert code == 0
    assert "overwritten (forced), server_version 3" in out
    assert canonical_bytes(instance(repo).export_program("apollo")) == \
        (repo / "plans" / "apollo.seed.json").read_bytes()
    assert run("sync")[0] == 0


def test_pull_commit_takes_the_instance_version(repo: Path) -> None:
    run("sync")
    edited = json.loads((repo / "plans" / "apollo.seed.json").read_text())
    edited["program"]["name"] = "Apollo (edited on the instance)"
    other = repo.parent / "elsewhere.seed.json"
    other.write_bytes(canonical_bytes(edited))
    run("import", str(other))

    code, out, _ = run("pull", "--commit")
    assert code == 0, out
    assert "apollo: wrote plans/apollo.seed.json (program change 1)" in out
    assert (repo / "plans" / "apollo.seed.json").read_bytes() == canonical_bytes(edited)
    git = pygit2.Repository(str(repo))
    head = git[git.head.target]
    assert head.message.startswith("plansync pull")
    assert "apollo: wrote plans/apollo.seed.json" in head.message
    assert not git.status()  # committed, nothing left over
    code, out, _ = run("sync")
    assert code == 0 and "apollo (plans/apollo.seed.json): unchanged" in out


def test_pull_keeps_yaml_comments(repo: Path) -> None:
    run("sync")
    yaml_path = repo / "plans" / "gemini.seed.yaml"
    before = yaml_path.read_text()
    doc = instance(repo).export_program("gemini")
    doc["program"]["name"] = "Gemini, renamed on the instance"
    other = repo.parent / "gemini-edit.seed.json"
    other.write_bytes(canonical_bytes(doc))
    run("import", str(other))

    assert run("pull", "gemini")[0] == 0
    after = yaml_path.read_text()
    assert "name: Gemini, renamed on the instance" in after
    comments = [line.strip() for line in before.splitlines() if line.strip().startswith("#")]
    assert comments and all(c in after for c in comments)
    assert run("sync")[1].count("unchanged") == 2


def test_pull_never_overwrites_uncommitted_edits(repo: Path) -> None:
    run("sync")
    path = repo / "plans" / "apollo.seed.json"
    rename_first_task(path, "my unsaved work")
    edited = path.read_bytes()
    code, _, err = run("pull", "apollo")
    assert code == 3
    assert "has uncommitted edits" in err
    assert path.read_bytes() == edited
    assert run("pull", "apollo", "--force")[0] == 0
    assert path.read_bytes() == (PLANS / "apollo.seed.json").read_bytes()


def test_a_failed_import_does_not_turn_the_others_into_drift(repo: Path) -> None:
    db = instance(repo)
    db.conn.execute("CREATE TRIGGER no_gemini BEFORE INSERT ON programs WHEN NEW.code = "
                    "'gemini' BEGIN SELECT RAISE(ABORT, 'gemini refused'); END")
    db.close()
    code, _, err = run("sync")
    assert code == 3 and "gemini refused" in err
    assert [p.code for p in instance(repo).programs()] == ["apollo"]
    assert state(repo)["programs"] == {"apollo": {  # what did get imported is recorded
        "path": "plans/apollo.seed.json", "server_version": 1,
        "sha256": state(repo)["programs"]["apollo"]["sha256"]}}  # type: ignore[index]

    db = instance(repo)
    db.conn.execute("DROP TRIGGER no_gemini")
    db.close()
    code, out, _ = run("sync")
    assert code == 0, out
    assert "apollo (plans/apollo.seed.json): unchanged" in out
    assert "gemini (plans/gemini.seed.yaml): created" in out
