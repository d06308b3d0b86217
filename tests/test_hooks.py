"""The hooks, run by the real tools: `git commit` with the plain hook, and the pre-commit
framework with this repository's .pre-commit-hooks.yaml (`pre-commit try-repo`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pygit2
import pytest
from click.testing import CliRunner

from plansync.cli import cli

ROOT = Path(__file__).resolve().parents[1]
APOLLO = ROOT / "examples" / "plans" / "apollo.seed.json"
ENV = {**os.environ, "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.com",
       "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.com"}


def git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo, env=ENV, capture_output=True, text=True,
                          check=False)


def new_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "plans"
    pygit2.init_repository(str(repo))
    return repo


def messy(path: Path) -> None:
    path.write_text(json.dumps(json.loads(APOLLO.read_text())))


def test_hooks_install_refuses_a_different_hook_unless_forced(tmp_path: Path) -> None:
    repo = new_repo(tmp_path)
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text("#!/bin/sh\necho mine\n")
    runner = CliRunner()
    result = runner.invoke(cli, ["hooks", "install", "--repo", str(repo)])
    assert result.exit_code == 3
    assert "exists and is a different hook" in result.stderr
    assert hook.read_text() == "#!/bin/sh\necho mine\n"
    assert runner.invoke(cli, ["hooks", "install", "--repo", str(repo), "--force"]).exit_code == 0
    assert "plansync pre-commit hook" in hook.read_text()
    assert os.access(hook, os.X_OK)
    again = runner.invoke(cli, ["hooks", "install", "--repo", str(repo)])
    assert again.exit_code == 0 and "already installed" in again.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="needs the git command to run hooks")
def test_plain_git_hook_on_real_commits(tmp_path: Path) -> None:
    repo = new_repo(tmp_path)
    assert CliRunner().invoke(cli, ["hooks", "install", "--repo", str(repo)]).exit_code == 0

    shutil.copy(APOLLO, repo / "apollo.seed.json")
    git(repo, "add", "apollo.seed.json")
    good = git(repo, "commit", "-m", "good plan")
    assert good.returncode == 0, good.stderr

    messy(repo / "apollo.seed.json")
    git(repo, "add", "apollo.seed.json")
    fixed = git(repo, "commit", "-m", "messy plan")
    assert fixed.returncode == 1
    assert "reformatted" in fixed.stderr
    assert (repo / "apollo.seed.json").read_bytes() == APOLLO.read_bytes()

    (repo / "bad.seed.json").write_text('{"version": 1, "program": {"code": "Bad"}}')
    git(repo, "add", "bad.seed.json")
    bad = git(repo, "commit", "-m", "bad plan")
    assert bad.returncode == 1
    assert 'bad.seed.json:1:' in bad.stderr and '"Bad" is not a valid code' in bad.stderr
    assert "fix the problems above" in bad.stderr


@pytest.mark.skipif(shutil.which("git") is None, reason="needs the git command")
def test_pre_commit_framework_runs_our_hooks(tmp_path: Path) -> None:
    repo = new_repo(tmp_path)
    shutil.copy(APOLLO, repo / "good.seed.json")
    messy(repo / "messy.seed.json")
    (repo / "bad.seed.json").write_text('{"version": 1, "program": {"code": "Bad"}}')
    git(repo, "add", ".")
    env = {**ENV, "PRE_COMMIT_HOME": str(Path.home() / ".cache" / "plansync-pre-commit")}

    def try_repo(hook: str, *files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook,
                               "--files", *files], cwd=repo, env=env, capture_output=True,
                              text=True, check=False, timeout=900)

    good = try_repo("plansync-validate", "good.seed.json")
    assert good.returncode == 0, good.stdout + good.stderr
    assert try_repo("plansync-roundtrip", "good.seed.json").returncode == 0

    fmt = try_repo("plansync-fmt", "messy.seed.json")
    assert fmt.returncode == 1
    assert "files were modified by this hook" in fmt.stdout
    assert (repo / "messy.seed.json").read_bytes() == APOLLO.read_bytes()
    assert try_repo("plansync-fmt", "messy.seed.json").returncode == 0

    bad = try_repo("plansync-validate", "bad.seed.json")
    assert bad.returncode == 1
    assert 'bad.seed.json:1:' in bad.stdout and '"Bad" is not a valid code' in bad.stdout
