"""Control characters and terminal escapes from file content never reach a terminal raw.

A plan whose names, emails, keys and file name carry ESC sequences, CR, BEL, a C1 CSI and a
bidi override goes through every command that prints text; the output shows each of them
escaped (`\\x1b[31m`) and holds no raw control character but newline and tab."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pygit2
import pytest
from click.testing import CliRunner

from plansync.cli import cli
from plansync.render.safe import escape, escape_text
from plansync.seed.canonical import canonical_bytes
from tests.gitrepos import commit_all

MINIMAL = Path(__file__).resolve().parents[1] / "docs" / "examples" / "minimal.seed.json"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
RED = "\x1b[31mRED\x1b[0m"
EVIL_FILE = "evil\x1b[33m\r.seed.json"


def hostile() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(MINIMAL.read_text())
    program = doc["program"]
    program["name"] = f"Apollo {RED}"
    tasks = program["projects"][0]["tasks"]
    tasks[0]["name"] = "Design\rOVERWRITTEN\x07"
    tasks[4]["name"] = "Proto\x9b2Jtype\u202eepyt"
    program["members"].append({"email": "eve\x1b]0;pwned\x07@example.com", "role": "viewer"})
    return doc


def assert_safe(*outputs: str) -> None:
    for output in outputs:
        found = RAW.search(output)
        assert found is None, f"raw {found.group()!r} in {output!r}"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--traceback", *args])
    assert_safe(result.stdout, result.stderr)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def plans(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A Git repository holding the hostile plan under a hostile file name."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PLANSYNC_INSTANCE", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    pygit2.init_repository(str(tmp_path))
    (tmp_path / EVIL_FILE).write_bytes(canonical_bytes(hostile()))
    yield tmp_path


def test_the_helper_escapes_controls_and_keeps_the_rest() -> None:
    assert escape("a\x1b[31mb\r\n\t\x07\x7f\x9b\u202e é ✓") == \
        "a\\x1b[31mb\\r\\n\\t\\x07\\x7f\\x9b\\u202e é ✓"
    assert escape_text("line\x1b one\n\tline two\r\n") == "line\\x1b one\n\tline two\\r\n"
    assert escape(escape("\x1b")) == "\\x1b"  # escaping twice changes nothing more


def test_validate_text_and_github_escape_names_keys_and_messages(plans: Path) -> None:
    doc = hostile()
    task = doc["program"]["projects"][0]["tasks"][0]
    task[f"note{RED}"] = "unknown key"
    task["duration"] = f"three{RED}"
    (plans / EVIL_FILE).write_text(json.dumps(doc))
    for fmt in ("text", "github"):
        code, out, _ = run("validate", "--format", fmt, str(plans))
        assert code == 1
        assert "\\x1b[31m" in out and "evil\\x1b[33m\\r.seed.json" in out
    code, out, _ = run("validate", "--format", "json", str(plans))
    assert json.loads(out)[0]["file"].endswith(EVIL_FILE)  # JSON carries the exact value


def test_import_report_programs_schedule_and_roundtrip_escape(plans: Path) -> None:
    db = f"sqlite:///{plans / 'x.db'}"
    code, out, _ = run("import", "--instance", db, EVIL_FILE)
    assert code == 0 and "eve\\x1b]0;pwned\\x07@example.com" in out  # a pending member
    code, out, _ = run("import", "--instance", db, "--create-users", EVIL_FILE)
    assert code == 0 and "eve\\x1b]0;pwned\\x07@example.com" in out  # created account
    code, out, _ = run("programs", "--instance", db)
    assert code == 0 and "Apollo \\x1b[31mRED\\x1b[0m" in out
    for fmt in ("table", "csv"):
        code, out, _ = run("schedule", EVIL_FILE, "--format", fmt)
        assert code == 0 and "Design\\rOVERWRITTEN\\x07" in out and "\\x9b2J" in out
    code, out, _ = run("schedule", "--format", "json", EVIL_FILE)
    assert "Design\rOVERWRITTEN\x07" in json.loads(out)["tasks"][0]["name"]

    messy = plans / "messy.seed.json"
    messy.write_text(json.dumps(hostile(), ensure_ascii=False))  # raw C1 and bidi in it
    code, out, err = run("roundtrip", str(messy))
    assert code == 1 and "\\u202e" in out
    code, out, err = run("fmt", "--diff", str(messy))
    assert code == 1 and "\\u202e" in out and "\\x9b" in out


def test_diff_text_markdown_and_git_driver_escape(plans: Path) -> None:
    new = hostile()
    new["program"]["projects"][0]["tasks"][1]["name"] = f"Requirements {RED}"
    new["program"]["projects"][0]["tasks"].pop(4)  # the task named with \x9b and \u202e
    new["program"]["projects"][0]["dependencies"] = []
    new["program"]["projects"][0]["risks"][0]["tasks"] = []
    new["program"]["projects"][0]["baselines"] = []
    (plans / "new.seed.json").write_bytes(canonical_bytes(new))
    for fmt in ("text", "markdown"):
        code, out, _ = run("diff", "--format", fmt, EVIL_FILE, "new.seed.json")
        assert code == 1 and "\\u001b[31m" in out.replace("\\\\", "\\") and "\\x9b" in out
    coloured = CliRunner().invoke(cli, ["diff", "--color", EVIL_FILE, "new.seed.json"]).stdout
    assert "\x1b[" in coloured  # our own colours, and nothing raw from the files
    assert_safe(click.unstyle(coloured))

    commit_all(plans, "hostile")
    (plans / EVIL_FILE).write_bytes(canonical_bytes(new))
    code, out, _ = run("diff")
    assert code == 1 and "diff evil\\x1b[33m\\r.seed.json\n" in out  # a header per file
    assert "Requirements \\u001b[31mRED\\u001b[0m" in out  # values are JSON literals
    old = plans / "old.seed.json"
    old.write_bytes(canonical_bytes(hostile()))
    code, out, _ = run("diff", "--git-external", EVIL_FILE, str(old), "0" * 40, "100644",
                       EVIL_FILE, "0" * 40, "100644")
    assert code == 0 and out.startswith("plansync diff a/evil\\x1b[33m\\r.seed.json")


def test_sync_and_pull_lines_escape_file_names(plans: Path) -> None:
    commit_all(plans, "hostile")
    code, out, _ = run("sync")
    assert code == 0 and "apollo (evil\\x1b[33m\\r.seed.json): created" in out
    doc = hostile()
    doc["program"]["description"] = "changed on the instance"
    (plans.parent / "other.seed.json").write_bytes(canonical_bytes(doc))
    assert run("import", str(plans.parent / "other.seed.json"))[0] == 0
    code, out, _ = run("pull", "--force")
    assert code == 0 and "apollo: wrote evil\\x1b[33m\\r.seed.json" in out


def test_errors_escape_what_they_quote(plans: Path) -> None:
    code, _, err = run("validate", f"missing{RED}.seed.json")
    assert code == 2 and "missing\\x1b[31mRED" in err
    code, _, err = run("diff", EVIL_FILE, f"gone{RED}.seed.json")
    assert code == 2 and "gone\\x1b[31mRED" in err
