"""validate_file can check a big JSON file in two processes at once (a forked child: strict
parse and schema; this process: orjson parse and the semantic rules). Whatever the file, the
result is the one-process result: the same problems in the same order, the same document."""

from __future__ import annotations

import json
import random
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plansync.seed import validate
from plansync.seed.load import Limits
from plansync.seed.validate import FileResult, validate_file
from tests.seed.test_check_reference import _bend
from tests.seed.test_layers import JSON_VALUES, _mutate
from tests.seed.test_parse_equivalence import same
from tests.seed.test_schema_contract import INVALID_EVENTS, VALID_EVENTS
from tests.strategies import documents

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "cases" / "invalid"
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _both(path: Path, limits: Limits | None = None) -> FileResult:
    """validate_file's result with every JSON file overlapped, asserted equal to the
    one-process result."""
    alone = validate_file(path, limits, overlap=False)
    saved = validate.OVERLAP_BYTES
    validate.OVERLAP_BYTES = 0
    try:
        both = validate_file(path, limits, overlap=True)
    finally:
        validate.OVERLAP_BYTES = saved
    assert both.problems == alone.problems
    assert (both.seed is None) == (alone.seed is None)
    if both.seed is not None and alone.seed is not None:
        assert same(both.seed.doc, alone.seed.doc) and both.seed.text == alone.seed.text
    return both


def _limits(args: list[str]) -> Limits:
    options = dict(zip(args[::2], args[1::2], strict=True))
    return Limits(max_bytes=int(options.get("--max-file-size", Limits().max_bytes)),
                  max_depth=int(options.get("--max-depth", Limits().max_depth)))


@pytest.mark.parametrize("case", sorted(p for p in CASES.iterdir()
                                        if (p / "input.seed.json").exists()),
                         ids=lambda p: p.name)
def test_the_bad_input_corpus(case: Path) -> None:
    expected = json.loads((case / "expected.json").read_text())
    result = _both(case / "input.seed.json", _limits(expected.get("args", [])))
    assert result.problems[0].code == expected["code"]


@PROPERTY
@given(documents(max_projects=3), st.randoms(use_true_random=False),
       st.lists(JSON_VALUES, max_size=3), st.integers(0, 4))
def test_bent_and_mutated_plans(tmp_path: Path, doc: dict[str, Any], rng: random.Random,
                                values: list[Any], steps: int) -> None:
    bent = _bend(doc, rng, steps)
    path = tmp_path / "plan.seed.json"
    for candidate in (doc, bent, _mutate(bent, rng, values) if values else bent):
        path.write_text(json.dumps(candidate, indent=rng.choice([None, 1, 2])))
        _both(path)


@pytest.mark.parametrize("events", [VALID_EVENTS, [*VALID_EVENTS, *INVALID_EVENTS.values()]])
def test_a_timeline(tmp_path: Path, events: list[dict[str, Any]]) -> None:
    doc = json.loads((ROOT / "docs" / "examples" / "minimal.seed.json").read_text())
    path = tmp_path / "plan.seed.json"
    path.write_text(json.dumps({**doc, "version": 2, "events": events}))
    _both(path)


@pytest.mark.parametrize("text", [
    '{"version": 1, "version": 1}', '{"a": 1e999}', '[' * 40 + ']' * 40, '{"a": "\\ud800"}',
    '{"a": 18446744073709551616}', '{"a": NaN}', '{"a": 1,}', '', '\ufeff{}', '"x"', '7'])
def test_what_the_strict_parser_refuses(tmp_path: Path, text: str) -> None:
    path = tmp_path / "plan.seed.json"
    path.write_text(text)
    assert _both(path).problems


def test_a_big_file_with_problems_of_both_kinds(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from generate import generate_program
    finally:
        sys.path.pop(0)
    doc = generate_program(4000, seed=9)
    project = doc["program"]["projects"][0]
    project["tasks"][3]["sprint"] = "nope"  # a semantic problem
    project["tasks"][5]["status"] = "sideways"  # a schema problem
    path = tmp_path / "big.seed.json"
    path.write_text(json.dumps(doc, indent=2))
    assert path.stat().st_size >= validate.OVERLAP_BYTES

    result = validate_file(path, overlap=True)

    assert result.problems == validate_file(path, overlap=False).problems
    assert result.problems == validate_file(path).problems  # whichever way the load decides
    assert [p.code for p in result.problems] == ["schema", "unresolved"]


def test_no_fork_from_a_threaded_process() -> None:
    # a check alongside from a threaded process (the server, watch) runs no child: the
    # callers then check here, the one-process way
    import os

    found, outcome = validate._alongside(os.getpid, lambda: 1)
    assert found is not None and found != os.getpid()  # checked by a child
    assert outcome == (True, 1)
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        assert validate._alongside(os.getpid, lambda: 1) == (None, (True, 1))
    finally:
        stop.set()
        worker.join()


def test_from_a_threaded_process_the_work_runs_once() -> None:
    # no child to check alongside: the check first, then the work, once
    calls: list[int] = []
    data = (ROOT / "examples" / "plans" / "apollo.seed.json").read_bytes()
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        problems, value = validate.validated_alongside(
            "apollo.seed.json", data, None, lambda: calls.append(1) or len(calls))
    finally:
        stop.set()
        worker.join()
    assert problems == [] and value == 1 and calls == [1]
