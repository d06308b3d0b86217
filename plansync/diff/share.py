"""Two versions of a big plan without holding both: the old side is summarised where it lives
(a second process), and rebuilt beside the new one from the new side's own objects.

Most tasks and dependencies of two versions are equal. `summarise(old)` gives the old
document without its projects' task and dependency lists (`skeleton`) and, per project and
list, each entity's key with a digest of its JSON (in document order). `wanted(summary, new)`
names the old entities whose digest the new side does not have at the same key; `pick(old,
keys)` gives just those; `rebuild(summary, new, picked)` is the old document again, made of
the picked entities and, for the rest, the new side's equal objects. Diffing that against
`new` gives exactly diff_documents(old, new) (equal entities are equal, whoever holds them),
with one document's memory instead of two. Pure functions over plain data.
"""

from __future__ import annotations

import hashlib
from array import array
from dataclasses import dataclass
from typing import Any

import orjson

Entity = dict[str, Any]
Key = Any  # a task's wbs, a dependency's (from, to)
_LISTS = ("tasks", "dependencies")


def _key(name: str, entity: Entity) -> Key:
    return entity["wbs"] if name == "tasks" else (entity["from"], entity["to"])


def digest(entity: Entity) -> int:
    """64 bits of BLAKE2 over the entity's JSON as written (key order included): equal
    digests mean equal entities (a false match is a 2**-64 chance per pair of entities);
    different ones are compared for real. 0: an entity orjson cannot write, never equal."""
    try:
        data = orjson.dumps(entity)
    except TypeError:  # a number orjson cannot write: never equal, never wrong
        return 0
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


Digests = dict[str, dict[str, tuple[list[Key], "array[int]"]]]


@dataclass(frozen=True)
class Summary:
    """The old document without its projects' task and dependency lists, and per project
    code and list name: the keys in document order and their digests (an array: cheap to
    send to another process)."""

    skeleton: dict[str, Any]
    digests: Digests


def summarise(doc: dict[str, Any]) -> Summary:
    """`doc` (a valid v1 document) as a Summary."""
    program = dict(doc["program"])
    projects = []
    digests: Digests = {}
    for project in program.get("projects", []):
        light = {k: v for k, v in project.items() if k not in _LISTS}
        digests[project["code"]] = {
            name: ([_key(name, e) for e in project[name]],
                   array("Q", [digest(e) for e in project[name]]))
            for name in _LISTS if name in project}
        projects.append(light)
    if "projects" in program:
        program["projects"] = projects
    return Summary({**doc, "program": program}, digests)


def _index(new: dict[str, Any]) -> dict[str, dict[str, dict[Key, Entity]]]:
    return {p["code"]: {name: {_key(name, e): e for e in p[name]} for name in _LISTS
                        if name in p} for p in new["program"].get("projects", [])}


def digests_of(new: dict[str, Any]) -> dict[str, dict[str, dict[Key, int]]]:
    """The new side's digests by project, list and key (computed while the old side's
    summary is being made elsewhere)."""
    return {p["code"]: {name: {_key(name, e): digest(e) for e in p[name]} for name in _LISTS
                        if name in p} for p in new["program"].get("projects", [])}


def wanted(summary: Summary, new: dict[str, Any],
           new_digests: dict[str, dict[str, dict[Key, int]]] | None = None
           ) -> list[tuple[str, str, Key]]:
    """(project, list, key) of every old entity that the new side has not equal."""
    theirs = digests_of(new) if new_digests is None else new_digests
    out = []
    for code, lists in summary.digests.items():
        for name, (keys, values) in lists.items():
            there = theirs.get(code, {}).get(name, {})
            for key, value in zip(keys, values, strict=True):
                if not value or there.get(key) != value:
                    out.append((code, name, key))
    return out


def pick(doc: dict[str, Any], keys: list[tuple[str, str, Key]]) -> dict[tuple[str, str, Key],
                                                                       Entity]:
    """The old side's entities named by `keys`."""
    asked: dict[str, dict[str, set[Key]]] = {}
    for code, name, key in keys:
        asked.setdefault(code, {}).setdefault(name, set()).add(key)
    out: dict[tuple[str, str, Key], Entity] = {}
    for project in doc["program"].get("projects", []):
        for name, wanted_keys in asked.get(project["code"], {}).items():
            for e in project.get(name, []):
                key = _key(name, e)
                if key in wanted_keys:
                    out[(project["code"], name, key)] = e
    return out


def rebuild(summary: Summary, new: dict[str, Any],
            picked: dict[tuple[str, str, Key], Entity]) -> dict[str, Any]:
    """The old document: its skeleton, and each task and dependency either picked or, when
    equal, the new side's own object."""
    index = _index(new)
    program = dict(summary.skeleton["program"])
    projects = []
    for light in program.get("projects", []):
        code = light["code"]
        project = dict(light)
        for name, (keys, _values) in summary.digests.get(code, {}).items():
            there = index.get(code, {}).get(name, {})
            project[name] = [picked.get((code, name, key)) or there[key] for key in keys]
        projects.append(project)
    if "projects" in program:
        program["projects"] = projects
    return {**summary.skeleton, "program": program}
