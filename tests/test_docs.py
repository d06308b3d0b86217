"""The docs are part of the product: every command is documented, and the examples run."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from plansync.cli import cli

ROOT = Path(__file__).resolve().parents[1]
CLI_DOC = ROOT / "docs" / "cli.md"


def test_every_command_is_documented() -> None:
    text = CLI_DOC.read_text()
    for name in cli.commands:
        assert f"## plansync {name}" in text, f"docs/cli.md lacks a section for {name}"


def _examples() -> list[tuple[str, int, str]]:
    """(command, expected exit code, expected output) of each `$ plansync` console example."""
    found = []
    for block in re.findall(r"```console\n(.*?)```", CLI_DOC.read_text(), re.S):
        lines = block.splitlines()
        command = lines[0].removeprefix("$ ")
        expected_code = 0
        if "# exit " in command:
            command, code = command.split("# exit ")
            expected_code = int(code)
        found.append((command.strip(), expected_code, "\n".join(lines[1:])))
    return found


@pytest.mark.parametrize(("command", "code", "output"), _examples(), ids=lambda v: str(v)[:40])
def test_cli_doc_examples_run(command: str, code: int, output: str) -> None:
    args = shlex.split(command)
    assert args[0] == "plansync"
    proc = subprocess.run([sys.executable, "-m", "plansync", *args[1:]], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == code, proc.stdout + proc.stderr
    if output:
        assert proc.stdout.strip() == output.strip()
