"""What the docs claim in prose, checked against behaviour: the calendar a project without
one is scheduled on, re-importing the same content (memberships included), and which Git
commands show the semantic diff."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pygit2
import pytest
from click.testing import CliRunner

from plansync.cli import cli
from plansync.schedule.cpm import schedule
from plansync.seed.canonical import canonical_bytes
from tests.gitrepos import commit_all

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "docs" / "examples" / "minimal.seed.json"
APOLLO = ROOT / "examples" / "plans" / "apollo.seed.json"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def plan(calendars: list[dict[str, Any]], project_calendar: str | None = None,
         resource_calendar: str | None = None) -> dict[str, Any]:
    project: dict[str, Any] = {"code": "p", "name": "P", "start": "2026-01-02",  # a Friday
                               "tasks": [{"wbs": "1", "name": "Work", "duration": 2,
                                          "assignees": ["r"]}]}
    if project_calendar:
        project["calendar"] = project_calendar
    resource: dict[str, Any] = {"code": "r", "name": "R", "type": "person"}
    if resource_calendar:
        resource["calendar"] = resource_calendar
    return {"version": 1, "program": {"code": "c", "name": "C", "calendars": calendars,
                                      "resources": [resource], "projects": [project]}}


SEVEN = {"code": "a-every-day", "workdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}
WEEK = {"code": "b-week"}


def finish(doc: dict[str, Any]) -> str:
    return schedule(doc).tasks[0].early_finish


def test_a_project_without_a_calendar_uses_the_programs_first_calendar_by_code() -> None:
    """docs/seed-format.md (Project, calendar) and docs/scheduling.md (Time)."""
    assert finish(plan([])) == "2026-01-05"  # no calendar at all: Mon-Fri, Fri + Mon
    assert finish(plan([WEEK, SEVEN])) == "2026-01-03"  # a-every-day comes first: Fri + Sat
    assert finish(plan([WEEK, SEVEN], project_calendar="b-week")) == "2026-01-05"


def test_a_resource_calendar_does_not_move_dates_yet() -> None:
    """docs/seed-format.md (Calendar, Resource): kept, not used by the scheduler."""
    assert finish(plan([WEEK, SEVEN], "b-week", resource_calendar="a-every-day")) == \
        finish(plan([WEEK, SEVEN], "b-week"))


def test_importing_the_same_content_again_changes_nothing_memberships_included(
        tmp_path: Path) -> None:
    """docs/instance.md, step 5."""
    db = f"sqlite:///{tmp_path / 'i.db'}"
    path = str(MINIMAL)

    def imported(*extra: str) -> tuple[str, int]:
        code, out, _ = run("import", "--instance", db, "--format", "json", path, *extra)
        assert code == 0
        report = json.loads(out)[0]
        return report["status"], report["server_version"]

    assert imported() == ("created", 1)  # ana@example.com has no account: pending
    assert imported() == ("unchanged", 1)
    # The account is created and the membership linked to it: bookkeeping, not content.
    assert imported("--create-users") == ("unchanged", 1)
    assert imported("--create-users") == ("unchanged", 1)
    assert imported() == ("unchanged", 1)
    code, out, _ = run("export", "apollo", "--instance", db)
    assert out.encode() == MINIMAL.read_bytes()


@pytest.mark.skipif(shutil.which("git") is None, reason="needs the git command")
def test_git_log_needs_ext_diff_for_the_semantic_diff(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/cli.md (plansync git), docs/diff.md (In Git), README."""
    work = tmp_path / "plans"
    pygit2.init_repository(str(work))
    shutil.copy(APOLLO, work / "apollo.seed.json")
    monkeypatch.chdir(work)
    assert run("git", "setup")[0] == 0
    commit_all(work, "first")
    doc = json.loads(APOLLO.read_text())
    doc["program"]["name"] = "Apollo, renamed"
    (work / "apollo.seed.json").write_bytes(canonical_bytes(doc))
    commit_all(work, "second")
    env = {**os.environ, "GIT_PAGER": "cat", "PAGER": "cat"}

    def git(*args: str) -> str:
        proc = subprocess.run(["git", *args], cwd=work, env=env, capture_output=True,
                              text=True, check=True)
        return proc.stdout

    semantic = "~ program apollo name:"
    assert semantic in git("diff", "HEAD~1")
    assert semantic not in git("log", "-p", "-1")
    assert '-    "name": "Apollo",' in git("log", "-p", "-1")  # the line diff
    assert semantic in git("log", "-p", "--ext-diff", "-1")
    assert semantic not in git("show", "HEAD")
    assert semantic in git("show", "--ext-diff", "HEAD")
