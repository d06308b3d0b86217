"""The compiled validator (jsonschema-rs) must give jsonschema's verdict on every document."""

from __future__ import annotations

import copy
import random
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from plansync.seed import schema
from tests.strategies import documents

ODD_VALUES = [None, True, -1, 0.5, 101, "", "x", "apollo\n", "2026-02-30", "2026-1-5",
              "2026-03-02T10:00:00", "2026-03-02T10:00:00Z", "a@b", "ada@example.com",
              "1.0", "1.10", "lm:1.2", "Apollo", [], {}, {"extra": 1}, ["mon", "mon"]]


def _paths(node: Any, path: list[Any]) -> list[list[Any]]:
    out = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            out.extend(_paths(value, [*path, key]))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out.extend(_paths(value, [*path, index]))
    return out


def _mutated(doc: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    path = rng.choice(_paths(doc, [])[1:])
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    if isinstance(parent, dict) and rng.random() < 0.2:
        parent["unexpected"] = 1
    else:
        parent[path[-1]] = copy.deepcopy(rng.choice(ODD_VALUES))
    return doc


@given(documents(max_projects=2), st.randoms(use_true_random=False))
def test_fast_and_reference_validators_agree(doc: dict[str, Any], rng: random.Random) -> None:
    for candidate in (doc, _mutated(doc, rng), _mutated(_mutated(doc, rng), rng)):
        reference = not any(True for _ in schema._reference_validator().iter_errors(candidate))
        assert schema._fast_validator().is_valid(candidate) == reference
        assert schema.is_valid(candidate) == reference
