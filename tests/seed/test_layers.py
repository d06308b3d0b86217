"""validate reports every layer's problems at once: a schema error does not hide the semantic
problems of the parts that are well-formed, and the semantic checker never crashes on a
document the schema refuses."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from plansync.cli import cli
from plansync.seed.check import semantic_problems
from plansync.seed.load import Seed
from plansync.seed.validate import validate_bytes
from tests.seed.test_schema_fast_path import ODD_VALUES, _paths
from tests.strategies import documents

PLAN = """\
{
  "version": 1,
  "program": {
    "code": "apollo",
    "name": "Apollo",
    "projects": [
      {
        "code": "lm",
        "name": "Lander",
        "start": "2026-01-05",
        "tasks": [
          {"wbs": "1", "name": "Build", "duration": "three"},
          {"wbs": "2", "name": "Test", "sprint": "nope"}
        ]
      },
      {
        "code": "csm",
        "name": "Command module",
        "start": "2026-01-05",
        "tasks": [
          {"wbs": "1", "name": "Design"},
          {"wbs": "1", "name": "Again"}
        ],
        "dependencies": [
          {"from": "1", "to": "lm:9"}
        ]
      }
    ]
  }
}
"""


def test_a_schema_error_and_semantic_problems_elsewhere_are_all_reported(
        tmp_path: Path) -> None:
    source = tmp_path / "plan.seed.json"
    source.write_text(PLAN)

    result = CliRunner().invoke(cli, ["validate", "--format", "json", str(source)])

    assert result.exit_code == 1
    found = [(p["line"], p["pointer"], p["code"]) for p in json.loads(result.stdout)]
    assert found[0] == (12, "/program/projects/0/tasks/0/duration", "schema")  # schema first
    assert (13, "/program/projects/0/tasks/1/sprint", "unresolved") in found
    assert (22, "/program/projects/1/tasks/1/wbs", "duplicate") in found
    assert (25, "/program/projects/1/dependencies/0/to", "unresolved") in found
    assert len(found) == 4


def test_the_same_for_yaml(tmp_path: Path) -> None:
    source = tmp_path / "plan.seed.yaml"
    source.write_text("version: 1\nprogram:\n  code: apollo\n  name: Apollo\n  projects:\n"
                      "    - code: lm\n      name: 7\n      start: 2026-01-05\n      tasks:\n"
                      "        - {wbs: '1', name: A}\n        - {wbs: '1', name: B}\n")

    result = CliRunner().invoke(cli, ["validate", "--format", "json", str(source)])

    found = [(p["line"], p["pointer"], p["code"]) for p in json.loads(result.stdout)]
    assert found == [(7, "/program/projects/0/name", "schema"),
                     (11, "/program/projects/0/tasks/1/wbs", "duplicate")]


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(-3, 3) | st.text(max_size=4)
    | st.sampled_from(ODD_VALUES) | st.sampled_from(["1", "1.1", "2", "lm:1", "apollo"]),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.sampled_from(["code", "wbs", "name", "tasks", "from", "to",
                                       "estimate", "start", "finish", "x"]),
                      children, max_size=3),
    max_leaves=6)


def _mutate(doc: Any, rng: random.Random, values: list[Any]) -> Any:
    doc = copy.deepcopy(doc)
    for value in values:
        paths = _paths(doc, [])
        path = rng.choice(paths)
        if not path:
            return value if rng.random() < 0.1 else doc
        parent = doc
        for part in path[:-1]:
            parent = parent[part]
        if isinstance(parent, list) and rng.random() < 0.2:
            del parent[path[-1]]
        else:
            parent[path[-1]] = value
    return doc


@given(documents(max_projects=2), st.randoms(use_true_random=False),
       st.lists(JSON_VALUES, min_size=1, max_size=4))
def test_the_semantic_checker_never_crashes_on_a_mutated_document(
        doc: dict[str, Any], rng: random.Random, values: list[Any]) -> None:
    mutated = _mutate(doc, rng, values)
    text = json.dumps(mutated)

    for problem in semantic_problems(Seed("p.seed.json", "json", text, mutated)):
        assert problem.message and problem.hint
    result = validate_bytes("p.seed.json", text.encode())
    assert all(p.code != "internal-error" for p in result.problems), result.problems
