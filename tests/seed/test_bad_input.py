"""The bad-input corpus: tests/cases/invalid/<case>/ holds one input file and expected.json.

For each case, `plansync validate --format json` must report the expected problem first
(line, column, pointer, code, and a message containing the expected text), exit 1, and
`plansync fmt` must leave the file byte-identical.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from plansync.cli import cli

CASES = Path(__file__).resolve().parents[1] / "cases" / "invalid"


def _cases() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if p.is_dir())


def _input(case: Path) -> Path:
    return next(p for p in case.iterdir() if ".seed." in p.name)


@pytest.mark.parametrize("case", _cases(), ids=lambda p: p.name)
def test_validate_reports_the_located_problem(case: Path, tmp_path: Path) -> None:
    expected = json.loads((case / "expected.json").read_text())
    source = tmp_path / _input(case).name
    shutil.copy(_input(case), source)
    args = expected.get("args", [])

    result = CliRunner().invoke(cli, ["validate", "--format", "json", *args, str(source)])

    assert result.exit_code == 1, result.output
    first = json.loads(result.stdout)[0]
    assert (first["line"], first["column"], first["pointer"], first["code"]) == (
        expected["line"], expected["column"], expected["pointer"], expected["code"])
    assert expected["message"] in first["message"]
    assert first["file"] == str(source)
    assert first["hint"], "every problem says what would fix it"


@pytest.mark.parametrize("case", _cases(), ids=lambda p: p.name)
def test_fmt_leaves_an_invalid_file_untouched(case: Path, tmp_path: Path) -> None:
    expected = json.loads((case / "expected.json").read_text())
    source = tmp_path / _input(case).name
    shutil.copy(_input(case), source)
    before = source.read_bytes()

    result = CliRunner().invoke(cli, ["fmt", *expected.get("args", []), str(source)])

    assert result.exit_code == 1
    assert source.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [source.name], "no temp files left"
