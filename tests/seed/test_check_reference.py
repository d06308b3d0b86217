"""The semantic checker reports exactly what it reported before it was made faster (issue 17):
the same problems, in the same order, with the same messages, on valid plans and on plans
bent every way the rules look at (links forward, backward, to summaries and across projects,
repeated wbs and project codes, odd wbs strings, any value anywhere)."""

from __future__ import annotations

import copy
import json
import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from plansync.seed.check import semantic_problems
from plansync.seed.load import Seed
from tests.seed import check_reference
from tests.seed.test_layers import JSON_VALUES, _mutate
from tests.strategies import documents

ODD_WBS = ["", "x", "1", "1.1", "01", "1.a", "1..2", "2.1", " 1", "1.1.1", "9"]


def _tasks(doc: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return [(p, t) for p in doc["program"]["projects"] for t in p["tasks"]]


def _bend(doc: dict[str, Any], rng: random.Random, steps: int) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    projects = doc["program"]["projects"]
    for _ in range(steps):
        tasks = _tasks(doc)
        what = rng.random()
        if what < 0.6 and tasks:  # a link between any two tasks, in any spelling
            (a_project, a), (b_project, b) = rng.choice(tasks), rng.choice(tasks)
            start = a["wbs"] if a_project is b_project or rng.random() < 0.1 \
                else f"{a_project['code']}:{a['wbs']}"
            b_project.setdefault("dependencies", []).append({"from": start, "to": b["wbs"]})
        elif what < 0.7 and tasks:  # a repeated link, possibly from another project
            project = rng.choice(projects)
            if project.get("dependencies"):
                dep = dict(rng.choice(project["dependencies"]))
                rng.choice(projects).setdefault("dependencies", []).append(dep)
        elif what < 0.85 and tasks:
            rng.choice(tasks)[1]["wbs"] = rng.choice(ODD_WBS)
        elif what < 0.9:
            rng.choice(projects)["code"] = rng.choice(projects)["code"]
        elif tasks:  # a task moved to another place in its list
            project = rng.choice(projects)
            if project["tasks"]:
                project["tasks"].insert(rng.randrange(len(project["tasks"])),
                                        project["tasks"].pop())
    return doc


def _same(doc: Any) -> None:
    seed = Seed("p.seed.json", "json", json.dumps(doc, indent=1), doc)
    assert semantic_problems(seed) == check_reference.semantic_problems(seed)
    assert semantic_problems(seed, 3) == check_reference.semantic_problems(seed, 3)


@settings(max_examples=300)
@given(documents(max_projects=3), st.randoms(use_true_random=False), st.integers(0, 6))
def test_bent_plans_get_the_reference_problems(doc: dict[str, Any], rng: random.Random,
                                                steps: int) -> None:
    _same(doc)
    _same(_bend(doc, rng, steps))


@given(documents(max_projects=2), st.randoms(use_true_random=False),
       st.lists(JSON_VALUES, min_size=1, max_size=4))
def test_mutated_plans_get_the_reference_problems(doc: dict[str, Any], rng: random.Random,
                                                   values: list[Any]) -> None:
    _same(_mutate(_bend(doc, rng, 3), rng, values))


def test_a_backward_link_and_a_summary_link_are_still_cycles() -> None:
    doc = {"program": {"code": "p", "projects": [{"code": "a", "tasks": [
        {"wbs": "1"}, {"wbs": "1.1"}, {"wbs": "1.2"}, {"wbs": "2"}],
        "dependencies": [{"from": "1.1", "to": "2"}, {"from": "2", "to": "1.2"},
                         {"from": "1.2", "to": "1.1"}]}]}}
    problems = semantic_problems(Seed("p.seed.json", "json", json.dumps(doc), doc))
    assert [(p.code, p.message) for p in problems] == [
        ("cycle", "dependency cycle: a:2 -> a:1.2 -> a:1.1 -> a:2")]
    doc["program"]["projects"][0]["dependencies"] = [{"from": "1", "to": "1.2"}]
    problems = semantic_problems(Seed("p.seed.json", "json", json.dumps(doc), doc))
    assert [p.code for p in problems] == ["cycle"]
    assert problems == check_reference.semantic_problems(
        Seed("p.seed.json", "json", json.dumps(doc), doc))


def test_a_project_code_twice_without_links_can_still_close_a_cycle() -> None:
    # one project's summary 1 is the other's leaf 1: the merged graph loops through 1.1
    doc = {"program": {"code": "p", "projects": [
        {"code": "z", "tasks": [{"wbs": "1"}, {"wbs": "1.1"}]},
        {"code": "z", "tasks": [{"wbs": "1"}]}]}}
    seed = Seed("p.seed.json", "json", json.dumps(doc), doc)
    problems = semantic_problems(seed)
    assert "cycle" in [p.code for p in problems]
    assert problems == check_reference.semantic_problems(seed)
