"""fmt of a big JSON file can check it in a child process while it makes the canonical bytes
(plansync.seed.fmt.ALONGSIDE_BYTES, when a core is free): the outcome is what the one-process
way gives, and an invalid file is still reported and left untouched."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from plansync.seed import fmt
from plansync.seed.canonical import canonical_bytes
from plansync.seed.validate import validate_file

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def plan() -> dict[str, Any]:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from generate import generate_program
    finally:
        sys.path.pop(0)
    doc: dict[str, Any] = generate_program(3500, seed=5)
    return doc


def _both(path: Path, monkeypatch: pytest.MonkeyPatch) -> fmt.FormatResult:
    """format_file's outcome, asserted equal to the one-process outcome."""
    assert path.stat().st_size >= fmt.ALONGSIDE_BYTES
    alongside = fmt.format_file(path, overlap=True)
    assert fmt.format_file(path, overlap=False) == alongside
    with monkeypatch.context() as m:
        m.setattr(fmt, "ALONGSIDE_BYTES", 1 << 62)
        assert fmt.format_file(path, overlap=True) == alongside
    assert fmt.format_file(path) == alongside  # whichever way the machine's load decides
    assert fmt.formatted(validate_file(path)) == alongside
    return alongside


def test_a_big_canonical_file_is_left_as_it_is(tmp_path: Path, plan: dict[str, Any],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.seed.json"
    path.write_bytes(canonical_bytes(plan))

    result = _both(path, monkeypatch)

    assert not result.problems and not result.changed


def test_a_big_file_out_of_form_is_rewritten(tmp_path: Path, plan: dict[str, Any],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.seed.json"
    path.write_text(json.dumps(plan, indent=4))

    result = _both(path, monkeypatch)
    assert result.changed and result.after == canonical_bytes(plan)

    fmt.format_file(path, write=True, overlap=True)
    assert path.read_bytes() == canonical_bytes(plan)


@pytest.mark.parametrize("bend", ["cycle", "duplicate-key", "schema", "orjson-refuses"])
def test_a_big_invalid_file_is_reported_and_untouched(tmp_path: Path, plan: dict[str, Any],
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      bend: str) -> None:
    project = plan["program"]["projects"][0]
    first, last = project["tasks"][-1]["wbs"], project["tasks"][-2]["wbs"]
    text = json.dumps(plan, indent=4)
    if bend == "cycle":
        text = json.dumps({**plan, "program": {**plan["program"], "projects": [
            {**project, "dependencies": [*project.get("dependencies", []),
                                         {"from": first, "to": last},
                                         {"from": last, "to": first}]},
            *plan["program"]["projects"][1:]]}}, indent=4)
    elif bend == "duplicate-key":
        text = text[:-1] + ', "version": 1}'
    elif bend == "schema":
        text = text[:-1] + ', "extra": 1}'
    else:  # beyond 64 bits: orjson cannot read it, the strict parser locates it
        text = text[:-1] + ', "extra": 123456789012345678901234567890}'
    path = tmp_path / "big.seed.json"
    path.write_text(text)

    result = _both(path, monkeypatch)
    assert result.problems and result.problems == validate_file(path).problems
    assert not result.changed

    fmt.format_file(path, write=True, overlap=True)
    assert path.read_text() == text
