"""import, export, programs and roundtrip as a user runs them, in a real Git repository."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pygit2
import pytest
from click.testing import CliRunner

from plansync.cli import cli
from tests.gitrepos import repo_with_examples

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT / "examples" / "plans"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh Git repository holding the example plans, as the current directory."""
    work = repo_with_examples(tmp_path / "plans-repo")
    (work / "sub").mkdir()
    monkeypatch.chdir(work / "sub")
    monkeypatch.delenv("PLANSYNC_INSTANCE", raising=False)
    yield work


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_default_instance_lives_at_the_repository_root_and_is_ignored(repo: Path) -> None:
    code, out, _ = run("import", str(repo / "apollo.seed.json"))
    assert code == 0, out
    assert out.startswith("apollo: created, server_version 1")
    assert (repo / ".plansync" / "instance.db").is_file()
    git = pygit2.Repository(str(repo))
    assert git.path_is_ignored(".plansync/instance.db")
    assert not (repo / "sub" / ".plansync").exists()

    code, out, _ = run("import", str(repo / "apollo.seed.json"))
    assert out.startswith("apollo: unchanged, server_version 1")

    code, out, _ = run("export", "apollo")
    assert code == 0
    assert out.encode() == (repo / "apollo.seed.json").read_bytes()


def test_instance_option_env_and_config_in_that_order(repo: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / "plansync.yaml").write_text("instance: sqlite:///state/team.db\n")
    assert run("import", str(repo / "gemini.seed.yaml"))[0] == 0
    assert (repo / "state" / "team.db").is_file()  # relative to the repository root

    monkeypatch.setenv("PLANSYNC_INSTANCE", f"sqlite:///{repo / 'env.db'}")
    assert run("import", str(repo / "apollo.seed.json"))[0] == 0
    code, out, _ = run("programs", "--format", "json")
    assert [p["code"] for p in json.loads(out)] == ["apollo"]

    code, out, _ = run("programs", "--instance", f"sqlite:///{repo / 'state' / 'team.db'}")
    assert out.splitlines()[1].startswith("gemini")
    assert run("programs", "--instance", "memory:")[1].strip() == "no programs"


def test_invalid_file_imports_nothing(repo: Path) -> None:
    bad = repo / "bad.seed.json"
    bad.write_text('{"version": 1, "program": {"code": "x"}}')
    code, out, err = run("import", str(repo / "apollo.seed.json"), str(bad))
    assert code == 1
    assert "'name' is a required property" in out
    assert "nothing was imported" in err
    assert not (repo / ".plansync" / "instance.db").exists()


def test_import_report_json_and_dry_run(repo: Path) -> None:
    assert run("import", str(repo / "gemini.seed.yaml"))[0] == 0
    code, out, _ = run("import", "--dry-run", "--format", "json",
                       str(repo / "apollo.seed.json"))
    [report] = json.loads(out)
    assert report["status"] == "created" and report["dry_run"] is True
    assert report["counts"]["tasks"]["created"] == 78
    assert "maya.okafor@example.com" in report["pending_memberships"]
    assert [p["code"] for p in json.loads(run("programs", "--format", "json")[1])] == \
        ["gemini"]


def test_export_unknown_program_exits_3(repo: Path) -> None:
    code, _, err = run("export", "nope", "--instance", "memory:")
    assert code == 3
    assert "no program 'nope'" in err


def test_export_project_to_yaml_file_and_reimport(repo: Path) -> None:
    run("import", str(repo / "apollo.seed.json"))
    target = repo / "mobile.seed.yaml"
    assert run("export", "apollo", "--project", "mobile", "-o", str(target))[0] == 0
    assert run("validate", str(target))[0] == 0
    code, out, _ = run("import", str(target))
    assert out.startswith("apollo-mobile: created")
    code, out, _ = run("programs", "--format", "json")
    assert {p["code"]: p["server_version"] for p in json.loads(out)} == {
        "apollo": 1, "apollo-mobile": 1}


def test_roundtrip_passes_canonical_files_and_shows_a_diff_otherwise(repo: Path) -> None:
    assert run("roundtrip", str(repo))[0] == 0
    messy = repo / "messy.seed.json"
    messy.write_text(json.dumps(json.loads((repo / "apollo.seed.json").read_text())))
    code, out, err = run("roundtrip", str(messy))
    assert code == 1
    assert out.startswith(f"--- {messy} (file)\n+++ {messy} (after import -> export)\n")
    assert "1 of 1 file(s) changed" in err


def test_commands_outside_a_repository_use_the_current_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PLANSYNC_INSTANCE", raising=False)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert run("import", str(PLANS / "gemini.seed.yaml"))[0] == 0
    assert (tmp_path / ".plansync" / "instance.db").is_file()
    assert ".gitignore" in os.listdir(tmp_path / ".plansync")
