"""The schema is the format's contract: it is valid, it accepts the documented example, and it
refuses the mistakes people make. Python's jsonschema (the reference) and jsonschema-rs (the
fast path) must agree on every case."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
import pytest

from plansync.seed.load import load_seed

ROOT = Path(__file__).parents[2]
SCHEMA_PATH = ROOT / "schema" / "seed.schema.json"
EXAMPLE_PATH = ROOT / "docs" / "examples" / "minimal.seed.json"
DOC_PATH = ROOT / "docs" / "seed-format.md"

SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
REFERENCE = jsonschema.Draft202012Validator(
    SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
FAST = jsonschema_rs.validator_for(SCHEMA, validate_formats=True)


def example() -> dict[str, Any]:
    return json.loads(EXAMPLE_PATH.read_text(encoding="utf-8"))


def is_valid(doc: Any) -> bool:
    reference, fast = REFERENCE.is_valid(doc), FAST.is_valid(doc)
    assert reference == fast, "jsonschema and jsonschema-rs disagree"
    return reference


def doc_block(language: str) -> str:
    blocks = re.findall(rf"^```{language}\n(.*?)^```$", DOC_PATH.read_text(encoding="utf-8"),
                        flags=re.S | re.M)
    assert len(blocks) == 1
    return blocks[0]


def test_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_every_object_refuses_unknown_keys() -> None:
    def objects(node: Any) -> list[dict[str, Any]]:
        found = []
        if isinstance(node, dict):
            if node.get("type") == "object":
                found.append(node)
            for value in node.values():
                found += objects(value)
        elif isinstance(node, list):
            for value in node:
                found += objects(value)
        return found

    assert all(obj.get("additionalProperties") is False for obj in objects(SCHEMA))


def test_every_definition_is_described() -> None:
    assert all(definition.get("description") for definition in SCHEMA["$defs"].values())


def test_minimal_example_is_valid() -> None:
    assert list(REFERENCE.iter_errors(example())) == []
    assert is_valid(example())


def test_minimal_example_is_canonical_bytes() -> None:
    data = EXAMPLE_PATH.read_bytes()
    canonical = json.dumps(example(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    assert data == canonical.encode("utf-8")


def test_doc_shows_the_example_file_byte_for_byte() -> None:
    assert doc_block("json") == EXAMPLE_PATH.read_text(encoding="utf-8")


def test_doc_yaml_example_loads_to_a_valid_document(tmp_path: Path) -> None:
    path = tmp_path / "tooling.seed.yaml"
    path.write_text(doc_block("yaml"), encoding="utf-8")
    doc = load_seed(path).doc
    assert is_valid(doc)
    assert doc["program"]["calendars"][0]["code"] == "no"  # YAML 1.2: not false
    assert doc["program"]["projects"][0]["start"] == "2026-04-27"
    assert [t["wbs"] for t in doc["program"]["projects"][0]["tasks"]] == ["1", "1.1", "1.10"]


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    *parents, last = path.split("/")

    def mutate(doc: dict[str, Any]) -> None:
        node: Any = doc
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return mutate


PROJECT = "program/projects/0"
INVALID = {
    "unknown key in program": _set("program/owner", "ana@example.com"),
    "unknown key in task": _set(f"{PROJECT}/tasks/1/early_start", "2026-03-02"),
    "unknown key at the top": _set("server_version", 7),
    "wbs with a zero part": _set(f"{PROJECT}/tasks/1/wbs", "1.0"),
    "wbs with a leading zero": _set(f"{PROJECT}/tasks/1/wbs", "01.1"),
    "numeric wbs": _set(f"{PROJECT}/tasks/1/wbs", 1.1),
    "uppercase code": _set("program/code", "Apollo"),
    "code with a trailing newline": _set("program/code", "apollo\n"),
    "date without zero padding": _set(f"{PROJECT}/start", "2026-1-5"),
    "date without dashes": _set(f"{PROJECT}/start", "20260105"),
    "impossible date": _set(f"{PROJECT}/start", "2026-02-30"),
    "datetime without Z": _set(f"{PROJECT}/baselines/0/taken", "2026-02-27T16:00:00"),
    "datetime with an offset": _set(f"{PROJECT}/baselines/0/taken",
                                    "2026-02-27T16:00:00+01:00"),
    "probability above 1": _set(f"{PROJECT}/risks/0/probability", 1.5),
    "impact 6": _set(f"{PROJECT}/risks/0/impact", 6),
    "empty task name": _set(f"{PROJECT}/tasks/1/name", ""),
    "negative duration": _set(f"{PROJECT}/tasks/1/duration", -1),
    "unknown dependency type": _set(f"{PROJECT}/dependencies/0/type", "XX"),
    "cross-project ref with a bad code": _set(f"{PROJECT}/dependencies/0/from", "Ground:1"),
    "zero capacity": _set("program/resources/1/capacity", 0),
    "email without a domain dot": _set("program/members/0/email", "ana@example"),
    "version 3": _set("version", 3),
    "events in a version 1 document": _set("events", []),
}


@pytest.mark.parametrize("mutate", INVALID.values(), ids=INVALID.keys())
def test_schema_refuses(mutate: Callable[[dict[str, Any]], None]) -> None:
    doc = copy.deepcopy(example())
    mutate(doc)
    assert not is_valid(doc)


def event(**fields: Any) -> dict[str, Any]:
    return {"at": "2026-03-03T09:30:00Z", "actor": "ana@example.com", **fields}


VALID_EVENTS = [
    event(type="task_created", project="lander", value={"wbs": "2.3", "name": "Rollout"}),
    event(type="task_updated", project="lander", wbs="2.1", field="duration", value=12),
    event(type="task_updated", project="lander", wbs="2.1", field="notes", value=None),
    event(type="task_deleted", project="lander", wbs="2.2"),
    event(type="status_changed", project="lander", wbs="1.2", to="blocked"),
    event(type="status_changed", project="lander", wbs="1.2", **{"from": "todo"}, to="done"),
    event(type="dependency_added", project="lander", value={"from": "1.1", "to": "2.1"}),
    event(type="dependency_removed", project="lander", **{"from": "1.1"}, to="1.2"),
    event(type="member_added", value={"email": "bo@example.com", "role": "viewer"}),
    event(type="member_removed", project="lander", value="bo@example.com"),
]
INVALID_EVENTS = {
    "unknown type": event(type="task_renamed", project="lander", wbs="1"),
    "local time": {**VALID_EVENTS[3], "at": "2026-03-03T09:30:00"},
    "unknown key": {**VALID_EVENTS[3], "payload": {}},
    "key not carried by the type": {**VALID_EVENTS[3], "value": 1},
    "missing wbs": event(type="task_updated", project="lander", field="duration", value=1),
    "field that is a key": event(type="task_updated", project="lander", wbs="1", field="wbs",
                                 value="3"),
    "created task with an unknown key": event(type="task_created", project="lander",
                                              value={"wbs": "3", "name": "X", "float": 2}),
    "unknown status": event(type="status_changed", project="lander", wbs="1", to="finished"),
    "bad dependency endpoint": event(type="dependency_removed", project="lander",
                                     **{"from": "1.0"}, to="2"),
}


def test_version_2_accepts_each_event_type() -> None:
    doc = {**example(), "version": 2, "events": VALID_EVENTS}
    assert list(REFERENCE.iter_errors(doc)) == []
    assert is_valid(doc)


@pytest.mark.parametrize("bad", INVALID_EVENTS.values(), ids=INVALID_EVENTS.keys())
def test_version_2_refuses_event(bad: dict[str, Any]) -> None:
    assert not is_valid({**example(), "version": 2, "events": [bad]})
