"""`plansync check` (one process for a commit's checks) and a start-up that loads only the
command that runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from plansync.cli import COMMANDS, cli

ROOT = Path(__file__).resolve().parents[1]
APOLLO = ROOT / "examples" / "plans" / "apollo.seed.json"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_check_passes_good_files_and_reports_each_problem_once(tmp_path: Path) -> None:
    code, out, _ = run("check", str(ROOT / "examples"))
    assert code == 0 and "file(s) valid, canonical and round-trip safe" in out
    bad = tmp_path / "bad.seed.json"
    bad.write_text('{"version": 1, "program": {"code": "x"}}')
    messy = tmp_path / "messy.seed.json"
    messy.write_text(json.dumps(json.loads(APOLLO.read_text())))
    before = messy.read_bytes()
    code, out, err = run("check", str(bad), str(messy))
    assert code == 1
    assert out.count("'name' is a required property") == 1
    assert f"would reformat {messy}" in out
    assert messy.read_bytes() == before
    code, out, _ = run("check", "--fix", str(messy))
    assert code == 1 and f"reformatted {messy}" in out
    assert messy.read_bytes() == APOLLO.read_bytes()
    assert run("check", str(messy))[0] == 0


def test_the_help_lists_every_command_without_importing_them() -> None:
    script = ("import sys\nfrom plansync.cli import main\n"
              "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
              "print(sorted(m for m in sys.modules if m.startswith('plansync.commands.')))")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    assert proc.stdout.strip().splitlines()[-1] == "[]"
    for name in COMMANDS:
        assert f"  {name} " in proc.stdout


def test_each_listed_summary_is_the_start_of_its_commands_help() -> None:
    for name, (_, summary) in COMMANDS.items():
        command = cli.commands[name]
        first = " ".join((command.help or "").split())
        assert first.startswith(summary) or first.startswith(summary.rstrip(".")), \
            (name, summary, first[:80])
