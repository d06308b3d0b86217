"""The docs are part of the product: every command is documented, every command the docs,
the README and the example plans show exists and runs as shown.

- every ```console block in docs/*.md and README.md: `$ [VAR=value ...] plansync ...`
  lines, an optional `# exit N`, and the output expected (stdout, then stderr);
- the README's shell blocks: each `plansync` step of a `&&` chain, in order;
- the example plans' comments: each line `#   plansync ...`;
- every `plansync WORD` written in backticks anywhere (docs, README, examples, hooks, the
  package's own help texts) names a real command.

Examples run in a sandbox: a fresh Git repository holding copies of docs/, examples/ and
tests/cases/, so what they write (an instance, refs/plansync/...) never touches the checkout.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pygit2
import pytest

from plansync.cli import cli
from tests.gitrepos import commit_all

ROOT = Path(__file__).resolve().parents[1]
CLI_DOC = ROOT / "docs" / "cli.md"
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md")) + [README]
EXAMPLE_FILES = sorted(p for p in (ROOT / "examples").rglob("*") if p.is_file())
EXIT = re.compile(r"\s+#\s*exit\s+(\d+)\s*$")


def test_every_command_is_documented() -> None:
    text = CLI_DOC.read_text()
    for name in cli.commands:
        assert f"## plansync {name}" in text, f"docs/cli.md lacks a section for {name}"


@pytest.fixture
def sandbox(tmp_path: Path) -> Path:
    work = tmp_path / "repo"
    pygit2.init_repository(str(work))
    for folder in ("docs", "examples", "tests/cases"):
        shutil.copytree(ROOT / folder, work / folder)
    commit_all(work, "a clone of plansync's docs and examples")  # as in a real clone
    return work


def _env(assignments: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PLANSYNC_INSTANCE", "PLANSYNC_MAX_FILE_SIZE", "PLANSYNC_MAX_DEPTH")}
    env.update(assignments or {})
    return env


def plansync(args: list[str], cwd: Path,
             env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "plansync", *args], cwd=cwd, env=_env(env),
                          capture_output=True, text=True, check=False, timeout=300)


# --- console blocks


def _console_examples() -> list[tuple[str, str, int, str]]:
    """(where, command line, expected exit code, expected output) of each `$` line."""
    found = []
    for doc in DOCS:
        text = doc.read_text()
        for match in re.finditer(r"```console\n(.*?)```", text, re.S):
            line_no = text.count("\n", 0, match.start()) + 2
            command: str | None = None
            output: list[str] = []
            for offset, line in enumerate(match.group(1).splitlines()):
                if line.startswith("$ "):
                    if command is not None:
                        found.append(_example(doc, line_no, command, output))
                    command, output, line_no = line[2:], [], line_no + offset
                else:
                    output.append(line)
            assert command is not None, f"{doc.name}:{line_no}: a console block without $"
            found.append(_example(doc, line_no, command, output))
    return found


def _example(doc: Path, line: int, command: str, output: list[str]
             ) -> tuple[str, str, int, str]:
    code = 0
    exit_note = EXIT.search(command)
    if exit_note:
        command, code = command[:exit_note.start()], int(exit_note.group(1))
    return f"{doc.name}:{line}", command.strip(), code, "\n".join(output)


def _split_env(words: list[str]) -> tuple[dict[str, str], list[str]]:
    env = {}
    while words and re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", words[0]):
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    return env, words


def test_there_are_console_examples_beyond_cli_md() -> None:
    places = {where.split(":")[0] for where, *_ in _console_examples()}
    assert "cli.md" in places and len(places) > 1, places


@pytest.mark.parametrize(("where", "command", "code", "output"), _console_examples(),
                         ids=lambda v: str(v)[:50])
def test_console_examples_run(sandbox: Path, where: str, command: str, code: int,
                              output: str) -> None:
    env, args = _split_env(shlex.split(command))
    assert args[0] == "plansync", f"{where}: console examples run plansync"
    proc = plansync(args[1:], sandbox, env)
    assert proc.returncode == code, f"{where}: {proc.stdout}{proc.stderr}"
    if output:
        assert (proc.stdout + proc.stderr).strip() == output.strip(), where


# --- the README's shell blocks


def _readme_steps() -> list[list[list[str]]]:
    """Per ```sh block of the README, its plansync steps (each an argument list)."""
    blocks = []
    for block in re.findall(r"```sh\n(.*?)```", README.read_text(), re.S):
        steps = []
        for part in " ".join(block.split("\\\n")).replace("\n", " && ").split("&&"):
            words = shlex.split(part)
            if words and Path(words[0]).name == "plansync":
                steps.append(words[1:])
        if steps:
            blocks.append(steps)
    return blocks


def test_the_readme_commands_run(sandbox: Path) -> None:
    blocks = _readme_steps()
    assert blocks, "the README shows plansync commands"
    for steps in blocks:
        for args in steps:
            proc = plansync(args, sandbox)
            assert proc.returncode == 0, f"plansync {shlex.join(args)}: {proc.stderr}"
    # "Run it again and sync reports `unchanged`: nothing is imported twice."
    again = plansync(["sync", "examples/plans"], sandbox)
    assert again.returncode == 0
    lines = [line for line in again.stdout.strip().splitlines()
             if not line.startswith(" ")]  # one line per program; details are indented
    assert lines and all(": unchanged" in line for line in lines), again.stdout


# --- the example plans' comments


def _comment_commands() -> list[tuple[str, str]]:
    found = []
    for path in EXAMPLE_FILES:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            match = re.match(r"\s*#\s+\$?\s*(plansync\s.+?)\s*$", line)
            if match:
                found.append((f"{path.relative_to(ROOT)}:{number}", match.group(1)))
    return found


def test_the_example_plans_show_a_command() -> None:
    assert _comment_commands()


@pytest.mark.parametrize(("where", "command"), _comment_commands(), ids=lambda v: str(v)[:50])
def test_commands_in_example_comments_run(sandbox: Path, where: str, command: str) -> None:
    proc = plansync(shlex.split(command)[1:], sandbox)
    assert proc.returncode == 0, f"{where}: {command}: {proc.stdout}{proc.stderr}"


# --- every command named anywhere exists


def _mention_sources() -> list[Path]:
    sources = [*DOCS, *EXAMPLE_FILES, ROOT / "hooks" / "pre-commit",
               ROOT / ".pre-commit-hooks.yaml"]
    return sources + sorted((ROOT / "plansync").rglob("*.py"))


def test_every_command_named_exists() -> None:
    groups = {name: cmd for name, cmd in cli.commands.items() if hasattr(cmd, "commands")}
    for source in _mention_sources():
        text = source.read_text()
        for match in re.finditer(r"`(?:\S*/)?plansync ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?",
                                 text):
            name, sub = match.group(1), match.group(2)
            where = f"{source.relative_to(ROOT)}:{text.count(chr(10), 0, match.start()) + 1}"
            assert name in cli.commands, f"{where}: there is no command `plansync {name}`"
            if name in groups and sub:
                assert sub in groups[name].commands, f"{where}: no `plansync {name} {sub}`"
