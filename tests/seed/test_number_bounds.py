"""Every number a seed file holds is bounded to what every later stage handles.

Whatever validates must import into SQLite (64-bit INTEGER), export byte-identically, and
schedule (or fail with the scheduler's documented "cannot schedule" error, exit 3); whatever
does not validate gets a located problem. See docs/seed-format.md, "Bounds".
"""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from plansync.cli import cli
from plansync.instance.sqlite import SqliteInstance
from plansync.schedule.cpm import CycleError, schedule
from plansync.seed.canonical import canonical_bytes
from plansync.seed.validate import validate_bytes
from tests.strategies import documents

DAYS = 100_000
BASE: dict[str, Any] = {
    "version": 1,
    "program": {
        "code": "apollo", "name": "Apollo",
        "resources": [{"code": "crew", "name": "Crew", "type": "generic", "capacity": 2}],
        "projects": [{
            "code": "lm", "name": "Lander", "start": "2026-01-05",
            "tasks": [
                {"wbs": "1", "name": "Build"},
                {"wbs": "1.1", "name": "Design", "duration": 3, "percent_complete": 50},
                {"wbs": "1.2", "name": "Make",
                 "estimate": {"optimistic": 1, "likely": 2, "pessimistic": 4}},
            ],
            "dependencies": [{"from": "1.1", "to": "1.2", "lag": 1}],
            "baselines": [{"name": "b", "taken": "2026-01-01T00:00:00Z", "tasks": [
                {"wbs": "1.1", "start": "2026-01-05", "finish": "2026-01-07", "duration": 3}]}],
            "risks": [{"code": "r", "title": "Late", "probability": 0.5, "impact": 3,
                       "status": "open"}],
        }],
    },
}
# (path to the number, lowest allowed, highest allowed)
FIELDS: list[tuple[tuple[Any, ...], float, float]] = [
    (("program", "projects", 0, "tasks", 1, "duration"), 0, DAYS),
    (("program", "projects", 0, "tasks", 1, "percent_complete"), 0, 100),
    (("program", "projects", 0, "tasks", 2, "estimate", "pessimistic"), 2, DAYS),
    (("program", "projects", 0, "dependencies", 0, "lag"), -DAYS, DAYS),
    (("program", "projects", 0, "baselines", 0, "tasks", 0, "duration"), 0, DAYS),
    (("program", "projects", 0, "risks", 0, "probability"), 0, 1),
    (("program", "projects", 0, "risks", 0, "impact"), 1, 5),
    (("program", "resources", 0, "capacity"), 5e-324, DAYS),
]


def _with(doc: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    node: Any = doc
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return doc


def _pointer(path: tuple[Any, ...]) -> str:
    return "".join(f"/{p}" for p in path)


def survives(doc: dict[str, Any], data: bytes, name: str = "p.seed.json") -> None:
    """`data` validates, imports, exports as the same canonical bytes and schedules (or the
    scheduler's documented ValueError), and the CLI's roundtrip agrees."""
    result = validate_bytes(name, data)
    assert result.ok and result.seed is not None, result.problems
    canonical = canonical_bytes(result.seed.doc)
    instance = SqliteInstance(":memory:")
    instance.import_document(result.seed.doc)
    assert canonical_bytes(instance.export_program(doc["program"]["code"])) == canonical
    try:
        schedule(result.seed.doc)
    except CycleError:
        raise
    except ValueError as exc:  # the CLI's "cannot schedule this plan", exit 3
        assert "the year" in str(exc)


@pytest.mark.parametrize(("path", "low", "high"), FIELDS, ids=lambda v: str(v))
def test_each_bounded_number_is_accepted_up_to_its_bound(path: tuple[Any, ...], low: float,
                                                         high: float) -> None:
    for value in (low, high):
        doc = _with(BASE, path, value)
        survives(doc, canonical_bytes(doc))


@pytest.mark.parametrize(("path", "low", "high"), FIELDS, ids=lambda v: str(v))
def test_each_bounded_number_is_refused_past_its_bound_with_its_location(
        path: tuple[Any, ...], low: float, high: float, tmp_path: Path) -> None:
    for value in (high + 1, high * 10 + 0.5, -DAYS - 1 if low < 0 else -1e-300,
                  2**63, -(2**63) - 1, 10**30, 1e300):
        if low == 5e-324 and value == -1e-300:
            value = 0  # capacity: more than 0
        source = tmp_path / "p.seed.json"
        source.write_bytes(canonical_bytes(_with(BASE, path, value)))

        result = CliRunner().invoke(cli, ["validate", "--format", "json", str(source)])

        assert result.exit_code == 1, (value, result.output)
        first = json.loads(result.stdout)[0]
        assert first["pointer"] == _pointer(path), (value, first)
        assert first["line"] > 0 and first["column"] > 0 and first["hint"]


def test_schedule_of_a_plan_past_the_year_9999_is_a_clean_error(tmp_path: Path) -> None:
    doc = _with(BASE, ("program", "projects", 0, "start"), "9990-01-04")
    doc = _with(doc, ("program", "projects", 0, "tasks", 1, "duration"), DAYS)
    source = tmp_path / "late.seed.json"
    source.write_bytes(canonical_bytes(doc))

    scheduled = CliRunner().invoke(cli, ["schedule", str(source)])
    imported = CliRunner().invoke(cli, ["import", "--instance", "memory:", str(source)])
    roundtrip = CliRunner().invoke(cli, ["roundtrip", str(source)])

    assert scheduled.exit_code == 3 and "past the year 9999" in scheduled.stderr
    assert imported.exit_code == 0 and roundtrip.exit_code == 0, roundtrip.output


EXTREMES = st.one_of(
    st.integers(-(2**64), 2**64),
    st.integers(-DAYS - 2, DAYS + 2),
    st.floats(allow_nan=False, allow_infinity=False),
    st.floats(-DAYS - 2, DAYS + 2),
    st.sampled_from([0, -0.0, 5e-324, 1e-300, 0.1, 99999.99999999999, DAYS, -DAYS, 2**53 + 1,
                     2**63 - 1, 2**63, -(2**63), 9.223372036854776e18, 1e16, 1.5e-5]),
)


def _number_paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _number_paths(v, (*path, k))]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in _number_paths(v, (*path, i))]
    if isinstance(node, (int, float)) and not isinstance(node, bool) and path != ("version",):
        return [path]
    return []


@given(documents(max_projects=2), st.randoms(use_true_random=False),
       st.lists(EXTREMES, min_size=1, max_size=4), st.sampled_from(["json", "yaml"]))
def test_any_number_either_survives_every_stage_or_is_refused_with_a_location(
        doc: dict[str, Any], rng: random.Random, values: list[Any], kind: str) -> None:
    paths = _number_paths(doc)
    for value in values:
        if paths:
            doc = _with(doc, rng.choice(paths), value)
    if kind == "json":
        data = json.dumps(doc).encode()
    else:
        from plansync.seed import yamlio

        data = yamlio.dump_plain(doc).encode()
    result = validate_bytes(f"p.seed.{kind}", data)
    if result.problems:
        for problem in result.problems:
            assert problem.code != "internal-error", problem
            assert problem.line > 0 and problem.pointer and problem.hint, problem
        return
    survives(doc, data, f"p.seed.{kind}")
