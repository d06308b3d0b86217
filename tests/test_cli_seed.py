"""validate, fmt and convert as a user runs them: real files, the real CLI."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from plansync.cli import cli
from plansync.seed.canonical import canonical_bytes

MINIMAL = Path(__file__).resolve().parents[1] / "docs" / "examples" / "minimal.seed.json"

YAML_PLAN = """\
# Gemini: the capsule plan (this comment must survive fmt)
version: 1
program:
  name: Gemini
  code: gemini
  projects:
    - start: 2026-03-02
      code: capsule
      name: Capsule
      status: active
      tasks:
        - wbs: '2'
          name: Test   # testing comes last
          duration: 4.0
        - wbs: '1'
          name: Design
          duration: 3
          status: todo
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_validate_a_folder_reports_every_bad_file_and_exits_1(tmp_path: Path) -> None:
    good = tmp_path / "plans" / "good.seed.json"
    good.parent.mkdir()
    good.write_bytes(MINIMAL.read_bytes())
    bad = tmp_path / "plans" / "nested" / "bad.seed.json"
    bad.parent.mkdir()
    doc = json.loads(MINIMAL.read_text())
    doc["program"]["projects"][0]["tasks"][0]["wbs"] = "0"
    bad.write_text(json.dumps(doc))
    (tmp_path / "plans" / "notes.json").write_text("{not a seed file")

    code, out, _ = run("validate", str(tmp_path / "plans"))

    assert code == 1
    assert f"{bad}:1:" in out and "error:" in out and "(at /program/projects/0/tasks/0/wbs)" in out
    assert str(good) not in out
    assert "in 1 of 2 file(s)" in out


def test_validate_valid_file_exits_0_and_github_format(tmp_path: Path) -> None:
    code, out, _ = run("validate", str(MINIMAL))
    assert (code, out.strip()) == (0, "1 file(s) valid")
    bad = tmp_path / "x.seed.json"
    bad.write_text('{"version": 1}')
    code, out, _ = run("validate", "--format", "github", str(bad))
    assert code == 1
    assert out.startswith(f"::error file={bad},line=1,col=1::'program' is a required property")


def test_missing_path_is_a_usage_error() -> None:
    code, _, err = run("validate", "/nonexistent/plan.seed.json")
    assert code == 2
    assert "no such file or directory" in err


def test_fmt_rewrites_to_canonical_bytes_and_keeps_permissions(tmp_path: Path) -> None:
    doc = json.loads(MINIMAL.read_text())
    path = tmp_path / "p.seed.json"
    path.write_text(json.dumps(doc))  # one line, unsorted lists are fine too
    os.chmod(path, 0o640)

    code, out, _ = run("fmt", "--check", str(path))
    assert (code, out.strip()) == (1, f"would reformat {path}")
    assert path.read_text() == json.dumps(doc)

    code, out, _ = run("fmt", str(path))
    assert (code, out.strip()) == (0, f"reformatted {path}")
    assert path.read_bytes() == MINIMAL.read_bytes() == canonical_bytes(doc)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert run("fmt", "--check", str(path))[0] == 0


def test_fmt_diff_shows_the_change_without_writing(tmp_path: Path) -> None:
    path = tmp_path / "p.seed.json"
    path.write_text(MINIMAL.read_text().replace('"version": 1', '"version": 1.0'))
    code, out, _ = run("fmt", "--diff", str(path))
    assert code == 1
    assert '-  "version": 1.0\n+  "version": 1\n' in out
    assert '"version": 1.0' in path.read_text()


def test_fmt_yaml_orders_drops_defaults_and_keeps_comments(tmp_path: Path) -> None:
    path = tmp_path / "gemini.seed.yaml"
    path.write_text(YAML_PLAN)
    assert run("fmt", str(path))[0] == 0
    text = path.read_text()
    assert text.startswith("# Gemini: the capsule plan (this comment must survive fmt)\n")
    assert "# testing comes last" in text
    assert "status:" not in text and "4.0" not in text
    assert text.index("wbs: '1'") < text.index("wbs: '2'")
    assert text.index("code: gemini") < text.index("name: Gemini")
    assert run("fmt", "--check", str(path))[0] == 0


def test_convert_yaml_to_json_is_canonical_and_back(tmp_path: Path) -> None:
    source = tmp_path / "gemini.seed.yaml"
    source.write_text(YAML_PLAN)
    target = tmp_path / "gemini.seed.json"
    assert run("convert", str(source), "-o", str(target))[0] == 0
    doc = json.loads(target.read_text())
    assert target.read_bytes() == canonical_bytes(doc)
    assert doc["program"]["projects"][0]["start"] == "2026-03-02"

    again = tmp_path / "again.seed.yaml"
    assert run("convert", str(target), "-o", str(again))[0] == 0
    back = tmp_path / "back.seed.json"
    assert run("convert", str(again), "-o", str(back))[0] == 0
    assert back.read_bytes() == target.read_bytes()


def test_convert_refuses_an_invalid_source_and_writes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "bad.seed.yaml"
    source.write_text(YAML_PLAN.replace("wbs: '2'", "wbs: 2.10"))
    target = tmp_path / "out.seed.json"
    code, _, err = run("convert", str(source), "-o", str(target))
    assert code == 1
    assert "2.10 is a number here" in err
    assert not target.exists()


def test_every_command_has_help() -> None:
    for name in cli.commands:
        code, out, _ = run(name, "--help")
        assert code == 0 and "Usage: " in out, name


def test_console_script_exit_codes(tmp_path: Path) -> None:
    bad = tmp_path / "bad.seed.json"
    bad.write_text("{")
    proc = subprocess.run([sys.executable, "-m", "plansync", "validate", str(bad)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 1
    assert "the file ends before the document is complete" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr
    usage = subprocess.run([sys.executable, "-m", "plansync", "validate", "--bogus"],
                           capture_output=True, text=True, check=False)
    assert usage.returncode == 2
