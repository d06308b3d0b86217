"""plansync diff over files and Git revisions, and as git's own diff driver."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pygit2
import pytest
from click.testing import CliRunner

from plansync.cli import cli
from plansync.seed.canonical import canonical_bytes
from tests.gitrepos import commit_all

ROOT = Path(__file__).resolve().parents[1]
APOLLO = ROOT / "examples" / "plans" / "apollo.seed.json"
ENV = {**os.environ, "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.com",
       "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_PAGER": "cat",
       "PAGER": "cat"}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def edited(name: str = "Go-to-market, revised", duration_bump: int = 0) -> bytes:
    doc = json.loads(APOLLO.read_text())
    doc["program"]["projects"][0]["tasks"][0]["name"] = name
    if duration_bump:
        task = next(t for t in doc["program"]["projects"][0]["tasks"]
                    if isinstance(t.get("duration"), int) and t["duration"] > 0
                    and t.get("status") != "done" and "actual_start" not in t)
        task["duration"] += duration_bump
    return canonical_bytes(doc)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    work = tmp_path / "plans"
    pygit2.init_repository(str(work))
    shutil.copy(APOLLO, work / "apollo.seed.json")
    commit_all(work, "first")
    monkeypatch.chdir(work)
    yield work


def test_diff_of_a_file_with_itself_is_empty_and_exits_0() -> None:
    assert run("diff", str(APOLLO), str(APOLLO)) == (0, "", "")


def test_diff_two_files_json(tmp_path: Path) -> None:
    new = tmp_path / "new.seed.json"
    new.write_bytes(edited())
    code, out, _ = run("diff", str(APOLLO), str(new), "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["changes"] == [{"op": "change", "kind": "task", "program": "apollo",
                                "project": "launch", "key": "1", "field": "name",
                                "old": "Go-to-market", "new": "Go-to-market, revised"}]
    assert "apollo" in data["schedule"]


def test_diff_revisions_and_working_tree(repo: Path) -> None:
    assert run("diff")[0] == 0  # clean working tree
    (repo / "apollo.seed.json").write_bytes(edited(duration_bump=3))
    code, out, _ = run("diff", "--no-color")
    assert code == 1
    assert "Go-to-market, revised" in out
    first = commit_all(repo, "second")
    assert run("diff")[0] == 0
    code, out, _ = run("diff", first[:10] + "~1", first[:10], "--format", "markdown")
    assert code == 1
    assert out.startswith("<!-- plansync-diff:1 -->") and "| ✏️ changed | task |" in out
    code, out, _ = run("diff", "HEAD~1", "--", "elsewhere")
    assert (code, out) == (0, "")


def test_unknown_revision_is_an_error(repo: Path) -> None:
    code, _, err = run("diff", "no-such-branch")
    assert code == 3
    assert "unknown revision 'no-such-branch'" in err


@pytest.mark.skipif(shutil.which("git") is None, reason="needs the git command")
def test_git_setup_makes_plain_git_diff_semantic(repo: Path) -> None:
    assert run("git", "setup")[0] == 0
    assert run("git", "setup")[1].startswith(f"{repo / '.gitattributes'}: already set up")
    attributes = (repo / ".gitattributes").read_text().splitlines()
    assert attributes.count("*.seed.json diff=plansync") == 1
    config = pygit2.Repository(str(repo)).config
    assert config["diff.plansync.command"].endswith("-m plansync diff --git-external")

    (repo / "apollo.seed.json").write_bytes(edited())
    shown = subprocess.run(["git", "diff"], cwd=repo, env=ENV, capture_output=True, text=True,
                           check=False)
    assert shown.returncode == 0, shown.stderr
    assert "plansync diff a/apollo.seed.json b/apollo.seed.json" in shown.stdout
    assert "Go-to-market, revised" in shown.stdout
    assert '"name":' not in shown.stdout  # not a line diff of the JSON

    commit_all(repo, "second")
    log = subprocess.run(["git", "log", "-p", "--ext-diff", "-1"], cwd=repo, env=ENV,
                         capture_output=True, text=True, check=False)
    assert "Go-to-market, revised" in log.stdout
    for alias in (["plog", "-1"], ["pshow"]):  # the aliases git setup adds
        shown = subprocess.run(["git", *alias], cwd=repo, env=ENV, capture_output=True,
                               text=True, check=False)
        assert shown.returncode == 0, shown.stderr
        assert "plansync diff a/apollo.seed.json" in shown.stdout
        assert "Go-to-market, revised" in shown.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="needs the git command")
def test_an_invalid_side_shows_its_problems_then_the_line_diff(repo: Path) -> None:
    assert run("git", "setup")[0] == 0
    broken = edited().replace(b'"code": "apollo"', b'"code": "Apollo!"', 1)
    (repo / "apollo.seed.json").write_bytes(broken)
    shown = subprocess.run(["git", "diff"], cwd=repo, env=ENV, capture_output=True, text=True,
                           check=False)
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    assert "plansync diff a/apollo.seed.json b/apollo.seed.json" in out
    assert "b/apollo.seed.json:" in out and "error:" in out  # the problem, located
    assert out.index("error:") < out.index("--- a/apollo.seed.json")
    assert "+++ b/apollo.seed.json" in out
    assert '-    "code": "apollo",' in out and '+    "code": "Apollo!",' in out
    assert "Go-to-market, revised" in out  # the other edit, as a line


def test_git_setup_keeps_an_alias_that_does_something_else(repo: Path) -> None:
    pygit2.Repository(str(repo)).config["alias.plog"] = "log --oneline"
    code, out, _ = run("git", "setup")
    assert code == 0 and "alias.plog kept as log --oneline" in out
    config = pygit2.Repository(str(repo)).config
    assert config["alias.plog"] == "log --oneline"
    assert config["alias.pshow"] == "show --ext-diff"


def test_git_setup_global_writes_the_users_config(repo: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    code, out, _ = run("git", "setup", "--global")
    assert code == 0, out
    config = pygit2.Config(str(home / ".gitconfig"))
    assert config["diff.plansync.command"].endswith("-m plansync diff --git-external")
    attributes = Path(config["core.attributesFile"])
    assert attributes == home / ".config" / "git" / "attributes"
    assert "*.seed.yml diff=plansync" in attributes.read_text().splitlines()
    assert not (repo / ".gitattributes").exists()
    assert run("git", "setup", "--global")[1].startswith(f"{attributes}: already set up")
