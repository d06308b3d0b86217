"""The plain Git hook checks what the commit records (the index), not the working copy:
real `git commit` runs in temporary repositories with the installed hook."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pygit2
import pytest
from click.testing import CliRunner

from plansync.cli import cli
from plansync.seed.canonical import canonical_bytes

ROOT = Path(__file__).resolve().parents[1]
APOLLO = ROOT / "examples" / "plans" / "apollo.seed.json"
GEMINI = ROOT / "examples" / "plans" / "gemini.seed.yaml"
BAD = '{"version": 1, "program": {"code": "Bad"}}'
ENV = {**os.environ, "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.com",
       "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.com"}
ENV.pop("NO_COLOR", None)

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git to run hooks")


def git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo, env=ENV, capture_output=True, text=True,
                          check=False)


def shown(result: subprocess.CompletedProcess[str]) -> str:
    """What the user sees (git sends a hook's stdout to stderr)."""
    return result.stdout + result.stderr


def messy() -> str:
    return json.dumps(json.loads(APOLLO.read_text()))


def committed(repo: Path, path: str) -> bytes | None:
    shown = subprocess.run(["git", "show", f"HEAD:{path}"], cwd=repo, capture_output=True,
                           check=False)
    return shown.stdout if shown.returncode == 0 else None


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with the hook installed and apollo committed."""
    work = tmp_path / "plans"
    pygit2.init_repository(str(work))
    assert CliRunner().invoke(cli, ["hooks", "install", "--repo", str(work)]).exit_code == 0
    shutil.copy(APOLLO, work / "apollo.seed.json")
    git(work, "add", "apollo.seed.json")
    first = git(work, "commit", "-m", "first")
    assert first.returncode == 0, first.stdout + first.stderr
    return work


def test_a_staged_invalid_file_is_refused_though_the_working_copy_is_valid(repo: Path) -> None:
    plan = repo / "apollo.seed.json"
    plan.write_text(BAD)
    git(repo, "add", "apollo.seed.json")
    shutil.copy(APOLLO, plan)  # the working copy is fine again, but not staged
    result = git(repo, "commit", "-m", "staged bad")
    assert result.returncode == 1
    out = result.stdout + result.stderr
    assert "apollo.seed.json:1:" in out and '"Bad" is not a valid code' in out
    assert "fix the problems above" in out
    assert committed(repo, "apollo.seed.json") == APOLLO.read_bytes()


def test_a_staged_valid_file_commits_though_the_working_copy_is_invalid(repo: Path) -> None:
    shutil.copy(GEMINI, repo / "gemini.seed.yaml")
    git(repo, "add", "gemini.seed.yaml")
    (repo / "gemini.seed.yaml").write_text("program: [broken\n")  # not staged
    result = git(repo, "commit", "-m", "gemini")
    assert result.returncode == 0, result.stdout + result.stderr
    assert committed(repo, "gemini.seed.yaml") == GEMINI.read_bytes()
    assert (repo / "gemini.seed.yaml").read_text() == "program: [broken\n"  # untouched


def test_fmt_never_overwrites_unstaged_work(repo: Path) -> None:
    plan = repo / "apollo.seed.json"
    plan.write_text(messy())
    git(repo, "add", "apollo.seed.json")
    unstaged = messy().replace("Go-to-market", "Go-to-market, my unstaged edit")
    plan.write_text(unstaged)
    result = git(repo, "commit", "-m", "messy staged, more edits unstaged")
    assert result.returncode == 1
    assert plan.read_text() == unstaged  # the unstaged edit is still there
    assert "not reformatted apollo.seed.json" in shown(result)
    assert committed(repo, "apollo.seed.json") == APOLLO.read_bytes()


def test_fmt_rewrites_the_working_copy_when_it_is_what_is_staged(repo: Path) -> None:
    plan = repo / "apollo.seed.json"
    doc = json.loads(APOLLO.read_text())
    doc["program"]["name"] = "Apollo, renamed"
    plan.write_text(json.dumps(doc))
    git(repo, "add", "apollo.seed.json")
    result = git(repo, "commit", "-m", "messy")
    assert result.returncode == 1
    assert "reformatted apollo.seed.json" in shown(result)
    assert plan.read_bytes() == canonical_bytes(doc)
    git(repo, "add", "apollo.seed.json")
    again = git(repo, "commit", "-m", "canonical now")
    assert again.returncode == 0, again.stdout + again.stderr


def test_commit_all_and_commit_paths_check_what_git_records(repo: Path) -> None:
    """`git commit -a` and `git commit PATH` use a temporary index (GIT_INDEX_FILE)."""
    plan = repo / "apollo.seed.json"
    plan.write_text(BAD)  # modified, not staged: -a stages it for this commit
    result = git(repo, "commit", "-a", "-m", "all")
    assert result.returncode == 1 and '"Bad" is not a valid code' in shown(result)
    result = git(repo, "commit", "-m", "path", "--", "apollo.seed.json")
    assert result.returncode == 1 and '"Bad" is not a valid code' in shown(result)
    assert committed(repo, "apollo.seed.json") == APOLLO.read_bytes()
    shutil.copy(APOLLO, plan)
    shutil.copy(GEMINI, repo / "gemini.seed.yaml")
    git(repo, "add", "gemini.seed.yaml")
    assert git(repo, "commit", "-a", "-m", "fine").returncode == 0


def test_file_names_with_dashes_spaces_and_quotes(repo: Path) -> None:
    folder = repo / "my plans"
    folder.mkdir()
    names = ["-apollo.seed.json", "it's \"quoted\".seed.json", "--help.seed.json"]
    for name in names:
        shutil.copy(APOLLO, folder / name)
    git(repo, "add", ".")
    result = git(repo, "commit", "-m", "odd names")
    assert result.returncode == 0, result.stdout + result.stderr
    (folder / "-apollo.seed.json").write_text(BAD)
    git(repo, "add", ".")
    result = git(repo, "commit", "-m", "odd and bad")
    assert result.returncode == 1
    assert "my plans/-apollo.seed.json:1:" in shown(result)


def _venv_with_a_space(where: Path) -> Path:
    """A real virtual environment in a folder whose name has a space, seeing this test run's
    packages (plansync included) through a .pth file; its python."""
    env_dir = where / "tools with space" / "venv"
    venv.create(env_dir, with_pip=False, symlinks=True)
    python = env_dir / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; "
                              "print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    ours = sysconfig.get_paths()["purelib"]
    Path(purelib, "plansync-test.pth").write_text(f"import site; site.addsitedir({ours!r})\n")
    return python


def test_the_hook_runs_plansync_from_a_path_with_a_space(tmp_path: Path) -> None:
    python = _venv_with_a_space(tmp_path)
    work = tmp_path / "plans"
    pygit2.init_repository(str(work))
    installed = subprocess.run([str(python), "-m", "plansync", "hooks", "install", "--repo",
                                str(work)], capture_output=True, text=True, check=False)
    assert installed.returncode == 0, installed.stderr
    hook = (work / ".git" / "hooks" / "pre-commit").read_text()
    assert f"PYTHON='{python}'" in hook
    (work / "bad.seed.json").write_text(BAD)
    git(work, "add", ".")
    result = git(work, "commit", "-m", "bad")
    assert result.returncode == 1, result.stdout + result.stderr
    assert '"Bad" is not a valid code' in shown(result)
    shutil.copy(APOLLO, work / "bad.seed.json")
    git(work, "add", ".")
    result = git(work, "commit", "-m", "good")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_uninstalled_template_runs_the_plansync_on_path(tmp_path: Path) -> None:
    work = tmp_path / "plans"
    pygit2.init_repository(str(work))
    hook = work / ".git" / "hooks" / "pre-commit"
    hook.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "hooks" / "pre-commit", hook)
    hook.chmod(0o755)
    (work / "bad.seed.json").write_text(BAD)
    git(work, "add", ".")
    path = os.pathsep.join([str(Path(sys.executable).parent), ENV.get("PATH", "")])
    if shutil.which("plansync", path=path) is None:
        pytest.skip("no plansync console script next to this Python")
    result = subprocess.run(["git", "commit", "-m", "bad"], cwd=work, capture_output=True,
                            text=True, check=False, env={**ENV, "PATH": path})
    assert result.returncode == 1 and '"Bad" is not a valid code' in shown(result)


def test_staged_commands_directly(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    plan = repo / "apollo.seed.json"
    plan.write_text(messy())
    git(repo, "add", "apollo.seed.json")
    shutil.copy(APOLLO, plan)
    runner = CliRunner()
    assert runner.invoke(cli, ["fmt", "--check", "apollo.seed.json"]).exit_code == 0
    check = runner.invoke(cli, ["fmt", "--check", "--staged", "apollo.seed.json"])
    assert check.exit_code == 1 and "would reformat apollo.seed.json" in check.stdout
    everything = runner.invoke(cli, ["validate", "--staged"])
    assert everything.exit_code == 0 and "1 file(s) valid" in everything.stdout
    trip = runner.invoke(cli, ["roundtrip", "--staged", "apollo.seed.json"])
    assert trip.exit_code == 1 and "apollo.seed.json (file)" in trip.stdout
    missing = runner.invoke(cli, ["validate", "--staged", "nothing.seed.json"])
    assert missing.exit_code == 2 and "is not staged" in missing.stderr
    no_path = runner.invoke(cli, ["validate"])
    assert no_path.exit_code == 2 and "no PATH given" in no_path.stderr


def test_pre_commit_framework_hooks_take_names_starting_with_a_dash(tmp_path: Path) -> None:
    """.pre-commit-hooks.yaml passes `--` before the file names (args: [--])."""
    work = tmp_path / "plans"
    pygit2.init_repository(str(work))
    shutil.copy(APOLLO, work / "-apollo.seed.json")
    git(work, "add", ".")
    env = {**ENV, "PRE_COMMIT_HOME": str(Path.home() / ".cache" / "plansync-pre-commit")}
    result = subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT),
                             "--all-files"], cwd=work, env=env, capture_output=True, text=True,
                            check=False, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    # plansync-check, plansync-validate, plansync-fmt, plansync-roundtrip
    assert result.stdout.count("Passed") == 4
