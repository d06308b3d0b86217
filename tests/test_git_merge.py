"""`git merge` of seed files through the merge driver `plansync git setup` installs, in real
repositories (the git command, the real plansync CLI as the driver)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pygit2
import pytest
from click.testing import CliRunner

from plansync.cli import cli
from plansync.seed.canonical import canonical_bytes
from tests.test_diff_properties import _renumbered

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git command")

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "docs" / "examples" / "minimal.seed.json"
ENV = {**os.environ, "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.com",
       "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_PAGER": "cat",
       "PAGER": "cat", "GIT_CONFIG_NOSYSTEM": "1"}
Doc = dict[str, Any]


def git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo, env=ENV, capture_output=True, text=True,
                          check=False, timeout=120)


def base() -> Doc:
    doc: Doc = json.loads(MINIMAL.read_text())
    return doc


def tasks(doc: Doc) -> dict[str, Any]:
    return {t["wbs"]: t for t in doc["program"]["projects"][0]["tasks"]}


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A repository on `main` with plan.seed.json (the minimal example) and the drivers set
    up by `plansync git setup`, all committed."""
    work = tmp_path / "plans"
    work.mkdir()
    assert git(work, "init", "-q", "-b", "main").returncode == 0
    (work / "plan.seed.json").write_bytes(canonical_bytes(base()))
    monkeypatch.chdir(work)
    result = CliRunner().invoke(cli, ["git", "setup"])
    assert result.exit_code == 0, result.output
    git(work, "add", "-A")
    assert git(work, "commit", "-q", "-m", "plan").returncode == 0
    yield work


def branches(repo: Path, name: str, ours: Callable[[Doc], None],
             theirs: Callable[[Doc], None]) -> subprocess.CompletedProcess[str]:
    """Commit `theirs` edit on branch `other`, `ours` on main, then merge other into main."""
    plan = repo / name
    start = json.loads(plan.read_text()) if name.endswith(".json") else None
    for branch, edit in (("other", theirs), ("main", ours)):
        if branch == "other":
            assert git(repo, "checkout", "-q", "-b", "other").returncode == 0
        else:
            assert git(repo, "checkout", "-q", "main").returncode == 0
        if start is not None:
            doc = json.loads(json.dumps(start))
            edit(doc)
            plan.write_bytes(canonical_bytes(doc))
        else:
            edit({"path": plan})
        assert git(repo, "commit", "-q", "-am", f"edit on {branch}").returncode == 0
    return git(repo, "merge", "--no-edit", "other")


def test_setup_installs_the_merge_driver_once(repo: Path) -> None:
    attributes = (repo / ".gitattributes").read_text().splitlines()
    for pattern in ("*.seed.json", "*.seed.yaml", "*.seed.yml"):
        assert attributes.count(f"{pattern} merge=plansync") == 1
        assert attributes.count(f"{pattern} diff=plansync") == 1
    config = pygit2.Repository(str(repo)).config
    assert config["merge.plansync.driver"].endswith(
        "-m plansync git merge-file %O %A %B %P")
    assert config["merge.plansync.name"]
    before = (repo / ".gitattributes").read_bytes()
    result = CliRunner().invoke(cli, ["git", "setup"])
    assert result.output.startswith(f"{repo / '.gitattributes'}: already set up")
    assert (repo / ".gitattributes").read_bytes() == before
    check = git(repo, "check-attr", "merge", "--", "x.seed.yaml")
    assert check.stdout.strip() == "x.seed.yaml: merge: plansync"


def test_setup_global_sets_the_merge_driver_for_the_user(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, ["git", "setup", "--global"]).exit_code == 0
    config = pygit2.Config(str(home / ".gitconfig"))
    assert "merge-file %O %A %B %P" in config["merge.plansync.driver"]
    attributes = (home / ".config" / "git" / "attributes").read_text().splitlines()
    assert "*.seed.yml merge=plansync" in attributes


def test_two_branches_adding_different_tasks_merge_cleanly(repo: Path) -> None:
    def ours(doc: Doc) -> None:
        doc["program"]["projects"][0]["tasks"].append({"wbs": "3", "name": "Launch",
                                                       "duration": 1})

    def theirs(doc: Doc) -> None:
        doc["program"]["projects"][0]["tasks"].append({"wbs": "1.3", "name": "Review",
                                                       "duration": 2})

    result = branches(repo, "plan.seed.json", ours, theirs)
    assert result.returncode == 0, result.stdout + result.stderr
    want = base()
    ours(want)
    theirs(want)
    assert (repo / "plan.seed.json").read_bytes() == canonical_bytes(want)
    assert git(repo, "status", "--porcelain").stdout == ""


def test_different_fields_of_one_task_merge(repo: Path) -> None:
    def ours(doc: Doc) -> None:
        tasks(doc)["2.1"]["name"] = "Prototype (welded)"

    def theirs(doc: Doc) -> None:
        tasks(doc)["2.1"]["duration"] = 12

    result = branches(repo, "plan.seed.json", ours, theirs)
    assert result.returncode == 0, result.stdout + result.stderr
    merged = tasks(json.loads((repo / "plan.seed.json").read_text()))["2.1"]
    assert (merged["name"], merged["duration"]) == ("Prototype (welded)", 12)


def test_a_renumbering_and_an_edit_merge(repo: Path) -> None:
    def ours(doc: Doc) -> None:
        doc.update(_renumbered(doc, 0))

    def theirs(doc: Doc) -> None:
        tasks(doc)["2.1"]["notes"] = "rig booked"
        doc["program"]["projects"][0]["dependencies"].append({"from": "1.1", "to": "2.2"})

    result = branches(repo, "plan.seed.json", ours, theirs)
    assert result.returncode == 0, result.stdout + result.stderr
    want = base()
    theirs(want)
    assert (repo / "plan.seed.json").read_bytes() == canonical_bytes(_renumbered(want, 0))
    merged = json.loads((repo / "plan.seed.json").read_text())
    assert tasks(merged)["3.1"]["notes"] == "rig booked"
    assert {"from": "2.1", "to": "3.2"} in merged["program"]["projects"][0]["dependencies"]


def test_the_same_field_changed_differently_is_a_conflict_marked_around_it(repo: Path) -> None:
    def ours(doc: Doc) -> None:
        tasks(doc)["2.1"]["duration"] = 11
        tasks(doc)["1.2"]["notes"] = "ours, merges"

    def theirs(doc: Doc) -> None:
        tasks(doc)["2.1"]["duration"] = 9
        doc["program"]["name"] = "Apollo (theirs, merges)"

    result = branches(repo, "plan.seed.json", ours, theirs)
    assert result.returncode != 0
    assert "CONFLICT" in result.stdout
    assert "mine sets duration of task 2.1 to 11, theirs to 9" in result.stderr
    text = (repo / "plan.seed.json").read_text()
    assert text.count("<<<<<<< mine\n") == 1
    assert '<<<<<<< mine\n            "duration": 11,\n=======\n' \
        '            "duration": 9,\n>>>>>>> theirs\n' in text
    assert '"name": "Apollo (theirs, merges)"' in text and '"notes": "ours, merges"' in text
    assert git(repo, "status", "--porcelain").stdout.startswith("UU plan.seed.json")


def test_a_yaml_plan_keeps_its_comments(repo: Path) -> None:
    """Ours and theirs edit two neighbouring lines (a line merge would conflict) of a
    hand-written YAML plan: the merge takes both, and every comment stays."""
    yaml = ROOT / "examples" / "plans" / "gemini.seed.yaml"
    shutil.copy(yaml, repo / "gemini.seed.yaml")
    git(repo, "add", "gemini.seed.yaml")
    git(repo, "commit", "-q", "-m", "yaml")
    comments = [line.strip() for line in yaml.read_text().splitlines() if "#" in line]
    assert len(comments) > 5

    def edit(old: str, new: str) -> Callable[[Doc], None]:
        def change(state: Doc) -> None:
            path = state["path"]
            text = path.read_text()
            assert text.count(old) == 1
            path.write_text(text.replace(old, new))
        return change

    assert "impact: 3\n          owner: ines.costa@example.com\n" in yaml.read_text()
    result = branches(repo, "gemini.seed.yaml", edit("impact: 3\n", "impact: 4\n"),
                      edit("owner: ines.costa@example.com\n          probability",
                           "owner: ana@example.com\n          probability"))
    assert result.returncode == 0, result.stdout + result.stderr
    merged = (repo / "gemini.seed.yaml").read_text()
    assert "impact: 4\n          owner: ana@example.com\n" in merged
    for line in comments:
        assert line in merged
    assert "'1.1'" in merged  # still YAML, wbs still quoted


def test_an_invalid_side_falls_back_to_marked_lines(repo: Path) -> None:
    def ours(doc: Doc) -> None:
        tasks(doc)["2.1"]["duration"] = 11

    def theirs(doc: Doc) -> None:
        doc["program"]["projects"][0]["dependencies"].append({"from": "2.2", "to": "1.1"})

    result = branches(repo, "plan.seed.json", ours, theirs)  # theirs has a cycle
    assert result.returncode != 0
    assert "theirs is not a valid plan" in result.stderr
    text = (repo / "plan.seed.json").read_text()
    assert "<<<<<<< mine\n" in text and ">>>>>>> theirs\n" in text
    assert "Traceback" not in result.stderr


# --- the driver's decisions, file by file (plansync.merge.files)


def test_a_file_added_on_both_branches_has_no_base_to_merge_from() -> None:
    from plansync.merge.files import merge_files

    ours = canonical_bytes(base())
    other = base()
    tasks(other)["2.1"]["duration"] = 3
    result = merge_files("plan.seed.json", b"", ours, canonical_bytes(other))
    assert not result.clean
    assert result.notes[0].startswith("base is not a valid plan")
    assert result.data.count(b"<<<<<<< mine\n") == 1


def test_one_sided_changes_are_taken_as_they_are() -> None:
    from plansync.merge.files import merge_files

    old, new = canonical_bytes(base()), b"anything, even not a plan"
    assert merge_files("p.seed.json", old, old, new).data == new
    assert merge_files("p.seed.json", old, new, old).data == new
    assert merge_files("p.seed.json", old, new, new).clean


def test_a_version_2_side_is_not_merged_semantically() -> None:
    from plansync.merge.files import merge_files

    old = base()
    ours = base()
    tasks(ours)["2.1"]["name"] = "Proto"
    theirs = {"version": 2, "program": base()["program"], "events": [
        {"at": "2026-03-03T09:00:00Z", "actor": "ana@example.com", "type": "task_updated",
         "project": "lander", "wbs": "2.1", "field": "duration", "value": 11}]}
    result = merge_files("p.seed.json", canonical_bytes(old), canonical_bytes(ours),
                         canonical_bytes(theirs))
    assert not result.clean
    assert any("version 2" in note for note in result.notes)


def test_a_yaml_conflict_is_marked_in_yaml_with_the_comments() -> None:
    from plansync.merge.files import merge_files

    text = (ROOT / "examples" / "plans" / "gemini.seed.yaml").read_bytes()
    ours = text.replace(b"impact: 3", b"impact: 4")
    theirs = text.replace(b"impact: 3", b"impact: 5").replace(b"probability: 0.2",
                                                              b"probability: 0.4")
    result = merge_files("gemini.seed.yaml", text, ours, theirs)
    assert not result.clean
    assert [c.field for c in result.conflicts] == ["impact"]
    merged = result.data.decode()
    assert "<<<<<<< mine\n          impact: 4\n=======\n          impact: 5\n>>>>>>> theirs\n" \
        in merged
    assert "probability: 0.4" in merged and "# Good Friday" in merged
