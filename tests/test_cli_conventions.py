"""The conventions every command keeps (docs/cli.md): exit codes, errors on stderr (a JSON
object with --format json), `--` before paths, --color/--no-color and NO_COLOR, limits from
the environment, I/O errors as exit 3. Real files, real repositories, the real CLI."""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import pygit2
import pytest
from click.testing import CliRunner

from plansync.cli import cli
from tests.gitrepos import commit_all

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT / "examples" / "plans"
APOLLO = PLANS / "apollo.seed.json"
GEMINI = PLANS / "gemini.seed.yaml"
BAD = '{"version": 1, "program": {"code": "Bad"}}'


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner(env=env).invoke(cli, list(args))
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A Git repository with the example plans, as the current directory."""
    monkeypatch.chdir(tmp_path)
    for name in ("PLANSYNC_INSTANCE", "NO_COLOR", "PLANSYNC_MAX_FILE_SIZE",
                 "PLANSYNC_MAX_DEPTH"):
        monkeypatch.delenv(name, raising=False)
    pygit2.init_repository(str(tmp_path))
    shutil.copy(APOLLO, tmp_path / "apollo.seed.json")
    shutil.copy(GEMINI, tmp_path / "gemini.seed.yaml")
    yield tmp_path


# --- item 16: limits from the environment, plansync.yaml


@pytest.mark.parametrize("value", ["64M", "64MiB", "64mb", "1G", "65536", "512k", "1.5M"])
def test_documented_size_syntax_is_accepted_from_the_environment(work: Path,
                                                                 value: str) -> None:
    code, out, _ = run("validate", ".", env={"PLANSYNC_MAX_FILE_SIZE": value})
    assert (code, out.strip()) == (0, "2 file(s) valid")


def test_the_environment_bound_applies(work: Path) -> None:
    code, out, _ = run("validate", ".", env={"PLANSYNC_MAX_FILE_SIZE": "4k"})
    assert code == 1 and "over the limit of 4,096" in out
    code, out, _ = run("validate", ".", env={"PLANSYNC_MAX_DEPTH": "3"})
    assert code == 1 and "nesting deeper than 3 levels" in out


@pytest.mark.parametrize(("name", "value"), [
    ("PLANSYNC_MAX_FILE_SIZE", "lots"), ("PLANSYNC_MAX_FILE_SIZE", "-5"),
    ("PLANSYNC_MAX_FILE_SIZE", "0"), ("PLANSYNC_MAX_FILE_SIZE", "infk"),
    ("PLANSYNC_MAX_DEPTH", "deep"), ("PLANSYNC_MAX_DEPTH", "0"),
    ("PLANSYNC_MAX_DEPTH", "32.5")])
def test_a_bad_environment_value_is_a_usage_error_naming_the_variable(
        work: Path, name: str, value: str) -> None:
    for command in (["validate", "."], ["fmt", "--check", "."], ["schedule", "apollo.seed.json"],
                    ["convert", "gemini.seed.yaml", "-o", "-", "--to", "json"],
                    ["import", "--instance", "memory:", "."], ["roundtrip", "."],
                    ["sync", "--dry-run"], ["pull"]):
        code, _, err = run(*command, env={name: value})
        assert code == 2, (command, err)
        assert name in err and repr(value) in err
    code, _, err = run("validate", "--format", "json", ".", env={name: value})
    error = json.loads(err)["error"]
    assert error["exit_code"] == 2 and name in error["message"]


def test_a_bad_environment_value_does_not_break_help_or_other_commands(work: Path) -> None:
    env = {"PLANSYNC_MAX_FILE_SIZE": "lots", "PLANSYNC_MAX_DEPTH": "deep"}
    proc = subprocess.run([sys.executable, "-m", "plansync", "--help"], capture_output=True,
                          text=True, check=False, env={**os.environ, **env})
    assert proc.returncode == 0 and "Traceback" not in proc.stderr
    assert run("programs", "--instance", "memory:", env=env)[0] == 0
    assert run("validate", "--max-file-size", "1M", "--max-depth", "40", ".", env=env)[0] == 0


def test_the_library_reads_the_environment_the_same_way(monkeypatch: pytest.MonkeyPatch) -> None:
    from plansync.errors import UsageError
    from plansync.seed.load import Limits

    monkeypatch.setenv("PLANSYNC_MAX_FILE_SIZE", "64M")
    monkeypatch.setenv("PLANSYNC_MAX_DEPTH", "40")
    assert Limits.from_env() == Limits(64 * 1024 * 1024, 40)
    monkeypatch.setenv("PLANSYNC_MAX_DEPTH", "x")
    with pytest.raises(UsageError, match="PLANSYNC_MAX_DEPTH"):
        Limits.from_env()


@pytest.mark.parametrize(("content", "says"), [
    (b"instance: [sqlite:///x.db\n", "plansync.yaml:2:1: not valid YAML"),
    (b"instance: sqlite:///caf\xe9.db\n", "plansync.yaml: not UTF-8 text (byte 0xe9"),
    (b"instance: a\ninstance: b\n", "plansync.yaml:2:1: not valid YAML: found duplicate key"),
    (b"instance: !!python/object:os.system x\n", "not valid YAML: could not determine"),
    (b"instance: 3\n", "instance must be an address string"),
])
def test_a_malformed_plansync_yaml_is_a_usage_error_with_its_path(
        work: Path, content: bytes, says: str) -> None:
    (work / "plansync.yaml").write_bytes(content)
    for command in (["programs"], ["sync", "--dry-run"], ["export", "apollo"]):
        code, _, err = run(*command)
        assert code == 2, err
        assert says in err and str(work / "plansync.yaml") in err


# --- item 17: what cannot be written exits 3, with the path and the reason


def test_output_that_cannot_be_written_exits_3(work: Path) -> None:
    (work / "out").mkdir()
    assert run("import", "--instance", "sqlite:///i.db", "apollo.seed.json")[0] == 0
    for command in (["export", "apollo", "--instance", "sqlite:///i.db"],
                    ["convert", "gemini.seed.yaml", "--to", "json"]):
        for target, reason in (("/nonexistent/x.seed.json", "No such file or directory"),
                               ("out", "Is a directory"), ("out/", "Is a directory"),
                               ("apollo.seed.json/x.seed.json", "Not a directory")):
            code, _, err = run(*command, "-o", target)
            assert code == 3, (command, target, err)
            assert f"cannot write {target}: {reason}" in err
    assert sorted(p.name for p in (work / "out").iterdir()) == []


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """`folder` refuses new files for the block: chmod, or for root (who may write anywhere)
    the immutable attribute; skips the test where neither is possible."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(folder)], capture_output=True,
                                        check=False).returncode != 0:
        pytest.skip("cannot make a folder read-only for root here")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(folder)], check=True)


def test_no_permission_exits_3(work: Path) -> None:
    locked = work / "locked"
    locked.mkdir()
    messy = locked / "messy.seed.json"
    messy.write_text(json.dumps(json.loads(APOLLO.read_text())))
    before = messy.read_bytes()
    with read_only(locked):
        for command in (["convert", "gemini.seed.yaml", "-o", str(locked / "x.seed.json")],
                        ["fmt", str(messy)]):
            code, _, err = run(*command)
            assert code == 3, (command, err)
            assert "cannot write " in err and ("Permission denied" in err
                                                or "Operation not permitted" in err)
    assert messy.read_bytes() == before


def test_fmt_writes_files_with_the_longest_names(work: Path) -> None:
    name = "p" * (255 - len(".seed.json")) + ".seed.json"
    (work / name).write_text(json.dumps(json.loads(APOLLO.read_text())))
    code, out, err = run("fmt", name)
    assert code == 0 and f"reformatted {name}" in out, err
    assert (work / name).read_bytes() == APOLLO.read_bytes()


def test_hooks_install_and_git_setup_report_io_errors_as_exit_3(work: Path) -> None:
    hooks = work / ".git" / "hooks"
    hooks.mkdir(exist_ok=True)
    (hooks / "pre-commit").mkdir()
    code, _, err = run("hooks", "install")
    assert code == 3 and "is a folder, not a hook" in err
    (work / ".gitattributes").mkdir()
    code, _, err = run("git", "setup")
    assert code == 3 and ".gitattributes" in err


def test_git_setup_keeps_bytes_it_cannot_decode(work: Path) -> None:
    (work / ".gitattributes").write_bytes(b"caf\xe9.txt text\n")
    assert run("git", "setup")[0] == 0
    assert (work / ".gitattributes").read_bytes().startswith(b"caf\xe9.txt text\n*.seed.json")


def test_pull_into_a_missing_or_outside_folder(work: Path) -> None:
    assert run("import", "apollo.seed.json")[0] == 0
    os.unlink(work / "apollo.seed.json")
    code, _, err = run("pull", "apollo", "--dir", "missing")
    assert code == 3 and "cannot write" in err and "No such file or directory" in err
    code, _, err = run("pull", "apollo", "--dir", str(work.parent))
    assert code == 2 and "outside the repository" in err


@pytest.mark.parametrize(("args", "says"), [
    (["--to", "yaml", "-o", "x.seed.json"], "--to yaml contradicts the output name"),
    (["--to", "json", "-o", "x.seed.yaml"], "--to json contradicts the output name"),
    (["--to", "yaml", "-o", "x.json"], "--to yaml contradicts the output name"),
    (["-o", "x.txt"], "cannot tell the output kind of x.txt"),
    (["-o", "-"], "cannot tell the output kind of -"),
])
def test_convert_refuses_a_kind_that_contradicts_the_name(work: Path, args: list[str],
                                                          says: str) -> None:
    code, _, err = run("convert", "gemini.seed.yaml", *args)
    assert code == 2 and says in err
    assert not (work / "x.seed.json").exists() and not (work / "x.seed.yaml").exists()
    assert run("convert", "gemini.seed.yaml", "--to", "json", "-o", "x.data")[0] == 0


def test_export_refuses_a_format_that_contradicts_the_name(work: Path) -> None:
    assert run("import", "--instance", "sqlite:///i.db", "apollo.seed.json")[0] == 0
    code, _, err = run("export", "apollo", "--instance", "sqlite:///i.db", "--format", "yaml",
                       "-o", "x.seed.json")
    assert code == 2 and "--format yaml contradicts the output name x.seed.json" in err
    assert not (work / "x.seed.json").exists()
    assert run("export", "apollo", "--instance", "sqlite:///i.db", "-o", "x.seed.yml")[0] == 0
    assert (work / "x.seed.yml").read_text().startswith("program:")


# --- item 20: diff and schedule errors


def test_diff_of_a_missing_file_is_a_usage_error(work: Path) -> None:
    for args in (["apollo.seed.json", "missing.seed.json"],
                 ["missing.seed.json", "apollo.seed.json"],
                 ["apollo.seed.json", "nowhere/x.yaml"]):
        code, out, err = run("diff", *args)
        assert (code, out) == (2, "") and "no such file: " in err
    code, out, err = run("diff", "apollo.seed.json")
    assert (code, out) == (2, "") and "diff compares two files" in err
    code, out, err = run("diff", "apollo.seed.json", ".")
    assert (code, out) == (2, "") and "is a folder" in err


def test_diff_of_an_invalid_file_reports_problems_on_stderr_and_exits_2(work: Path) -> None:
    (work / "bad.seed.json").write_text(BAD)
    code, out, err = run("diff", "apollo.seed.json", "bad.seed.json")
    assert (code, out) == (2, "")
    assert "bad.seed.json:1:" in err and '"Bad" is not a valid code (at /program/code)' in err
    code, out, err = run("diff", "--format", "json", "apollo.seed.json", "bad.seed.json")
    assert (code, out) == (2, "")
    error = json.loads(err)["error"]
    assert error["kind"] == "invalid" and error["exit_code"] == 2
    assert {p["pointer"] for p in error["problems"]} == {"/program", "/program/code"}


def test_diff_in_git_of_an_invalid_revision_blob_exits_2(work: Path) -> None:
    commit_all(work, "plans")
    (work / "apollo.seed.json").write_text(BAD)
    code, out, err = run("diff")
    assert (code, out) == (2, "") and '"Bad" is not a valid code' in err
    assert "apollo.seed.json:1:" in err  # the working tree's file, located


def test_schedule_of_a_missing_file_is_a_usage_error(work: Path) -> None:
    for source in ("missing.seed.json", "plans/missing", "Not A Code", "missing.json"):
        code, _, err = run("schedule", source, "--instance", "memory:")
        assert code == 2 and f"no such file: {source}" in err
    code, _, err = run("schedule", "nope", "--instance", "memory:")
    assert code == 3 and "no program 'nope'" in err  # a program code: the instance is asked


# --- errors on stderr as JSON with --format json


def test_errors_with_format_json_are_one_json_object_on_stderr(work: Path) -> None:
    cases = [(["validate", "--format", "json", "missing.seed.json"], 2, "usage"),
             (["validate", "--format=json", "--bogus", "."], 2, "usage"),
             (["programs", "--format", "json", "--instance", "nope:"], 2, "usage"),
             (["export", "nope", "--format", "json", "--instance", "memory:"], 3, "instance"),
             (["export", "apollo", "--format", "json", "-o", "/nonexistent/x.json"], 3, "file"),
             (["schedule", "missing.seed.json", "--format", "json"], 2, "usage"),
             (["sync", "--format", "json", "--instance", "nope:"], 2, "usage")]
    for args, code, kind in cases:
        got, out, err = run(*args)
        assert (got, out) == (code, ""), (args, err)
        error = json.loads(err)["error"]
        assert (error["exit_code"], error["kind"]) == (code, kind), args
        assert error["message"]
    code, _, err = run("validate", "--bogus", ".")  # without --format json: text
    assert code == 2 and "No such option" in err and "--bogus" in err


# --- `--` before paths


def test_every_command_that_takes_paths_accepts_double_dash(work: Path) -> None:
    os.rename(work / "apollo.seed.json", work / "-apollo.seed.json")
    os.rename(work / "gemini.seed.yaml", work / "-gemini.seed.yaml")
    (work / "-plans").mkdir()
    shutil.copy(work / "-apollo.seed.json", work / "-plans" / "-a.seed.json")
    dash = "-apollo.seed.json"
    assert run("validate", "--", dash, "-plans")[:2] == (0, "2 file(s) valid\n")
    assert run("fmt", "--check", "--", dash, "-gemini.seed.yaml")[0] == 0
    assert run("roundtrip", "--", dash)[0] == 0
    assert run("import", "--instance", "memory:", "--", dash)[0] == 0
    assert run("schedule", "--", dash)[0] == 0
    assert run("convert", "-o", "-x.seed.yaml", "--", dash)[0] == 0
    assert (work / "-x.seed.yaml").is_file()
    synced = run("sync", "--dry-run", "--allow-dirty", "--instance", "memory:", "--", "-plans")
    assert synced[0] == 1 and "would create" in synced[1]  # 1: changes pending
    commit_all(work, "plans")
    assert run("validate", "--staged", "--", dash)[0] == 0
    assert run("diff", "--", dash) == (0, "", "")
    assert run("diff", f"./{dash}", "./-plans/-a.seed.json")[0] == 0


# --- item 22: colour


COLOURED = ["validate", "check", "fmt", "roundtrip", "import", "schedule", "diff", "sync", "watch"]


def test_every_command_that_colours_has_color_and_no_color() -> None:
    for name, command in cli.commands.items():
        opts = {o for p in command.params for o in [*p.opts, *p.secondary_opts]}  # type: ignore[attr-defined]
        assert ("--color" in opts) == (name in COLOURED), name
        assert ("--no-color" in opts) == (name in COLOURED), name


def _on_a_terminal(args: list[str], cwd: Path, **env: str) -> bytes:
    """Run plansync with stdout and stderr on a pseudo-terminal; what it printed."""
    leader, follower = pty.openpty()
    full = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    full.update(env)
    proc = subprocess.Popen([sys.executable, "-m", "plansync", *args], cwd=cwd, env=full,
                            stdout=follower, stderr=follower, stdin=subprocess.DEVNULL)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks)


def test_colour_only_on_a_terminal_and_never_with_no_color(work: Path) -> None:
    (work / "new.seed.json").write_text(
        APOLLO.read_text().replace('"Go-to-market"', '"Go-to-market, revised"'))
    (work / "bad.seed.json").write_text(BAD)
    diff = ["diff", "apollo.seed.json", "new.seed.json"]
    validate = ["validate", "bad.seed.json"]
    schedule = ["schedule", "apollo.seed.json"]  # status lines on stderr, dim
    for args in (diff, validate, schedule):
        assert b"\x1b[" in _on_a_terminal(args, work), args
        assert b"\x1b[" in _on_a_terminal(args, work, NO_COLOR=""), args  # empty: ignored
        assert b"\x1b[" not in _on_a_terminal(args, work, NO_COLOR="1"), args
        assert b"\x1b[" not in _on_a_terminal([*args, "--no-color"], work), args
    assert b"\x1b[" in _on_a_terminal([*diff, "--color"], work, NO_COLOR="1")
    # Not a terminal: no colour unless asked for.
    assert "\x1b[" not in run(*diff)[1] and "\x1b[" not in run(*validate)[1]
    assert "\x1b[" in run(*diff, "--color")[1] and "\x1b[" in run(*validate, "--color")[1]
    assert click.unstyle(run(*diff, "--color")[1]) == run(*diff)[1]
