"""Two versions of a big plan without holding both: the old side is summarised where it lives
(a second process), and rebuilt beside the new one from the new side's own objects.

Most tasks and dependencies of two versions are equal. `summarise(old)` gives the old
document without its projects' task and dependency lists (`skeleton`) and, per project and
list, a digest of each entity's JSON, in document order. `wanted(summary, digests_of(new))`
names (by project, list and position) the old entities whose digest the new side does not
have in that list (an entity's key is part of its JSON); `pick(old, wanted)` gives just
those; `rebuild(summary, new, picked, digests_of(new))` is the old document again, made of
the picked entities and, for the rest, the new side's equal objects. Diffing that against
`new` gives exactly diff_documents(old, new) (equal entities are equal, whoever holds them),
with one document's memory instead of two. Digests are arrays of 64-bit numbers: what goes
from one process to the other is a few bytes per entity. Pure functions over plain data.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from typing import Any

import orjson

Entity = dict[str, Any]
_LISTS = ("tasks", "dependencies")


def digest(entity: Entity) -> int:
    """64 bits of the entity's JSON as written (key order included), by Python's keyed hash
    of bytes (SipHash; the same key in this process and in a child forked from it, which is
    where digests are compared): equal digests mean equal entities (a false match is a
    2**-64 chance per pair of entities); different ones are compared for real. 0: an entity
    orjson cannot write, never equal."""
    try:
        return hash(orjson.dumps(entity))
    except TypeError:  # a number orjson cannot write: never equal, never wrong
        return 0


Digests = dict[str, dict[str, "array[int]"]]  # project code -> list name -> digests in order
Position = tuple[str, str, int]  # project code, list name, index in that list


@dataclass(frozen=True)
class Summary:
    """The old document without its projects' task and dependency lists, and per project
    code and list name the digests of that list's entities, in document order."""

    skeleton: dict[str, Any]
    digests: Digests


def _lists(project: dict[str, Any]) -> dict[str, array[int]]:
    return {name: array("q", map(digest, project[name])) for name in _LISTS if name in project}


def summarise(doc: dict[str, Any]) -> Summary:
    """`doc` (a valid v1 document) as a Summary."""
    program = dict(doc["program"])
    projects = []
    digests: Digests = {}
    for project in program.get("projects", []):
        projects.append({k: v for k, v in project.items() if k not in _LISTS})
        digests[project["code"]] = _lists(project)
    if "projects" in program:
        program["projects"] = projects
    return Summary({**doc, "program": program}, digests)


def digests_of(new: dict[str, Any]) -> Digests:
    """The new side's digests (computed while the old side's summary is being made
    elsewhere)."""
    return {p["code"]: _lists(p) for p in new["program"].get("projects", [])}


def wanted(summary: Summary, theirs: Digests) -> list[Position]:
    """Where the old side has an entity that the new side has not, equal, in that list."""
    out = []
    for code, lists in summary.digests.items():
        for name, values in lists.items():
            there = set(theirs.get(code, {}).get(name, ()))
            out += [(code, name, i) for i, value in enumerate(values)
                    if not value or value not in there]
    return out


def pick(doc: dict[str, Any], positions: list[Position]) -> dict[Position, Entity]:
    """The old side's entities at `positions`."""
    projects = {p["code"]: p for p in doc["program"].get("projects", [])}
    return {(code, name, i): projects[code][name][i] for code, name, i in positions}


def rebuild(summary: Summary, new: dict[str, Any], picked: dict[Position, Entity],
            theirs: Digests) -> dict[str, Any]:
    """The old document: its skeleton, and each task and dependency either picked or, when
    equal, the new side's own object (found by digest: `theirs` is digests_of(new))."""
    index = {p["code"]: p for p in new["program"].get("projects", [])}
    program = dict(summary.skeleton["program"])
    projects = []
    for light in program.get("projects", []):
        code = light["code"]
        project = dict(light)
        ours = theirs.get(code, {})
        for name, values in summary.digests.get(code, {}).items():
            there = dict(zip(ours[name], index[code][name], strict=True)) if name in ours \
                else {}
            project[name] = [picked[(code, name, i)] if (code, name, i) in picked
                             else there[value] for i, value in enumerate(values)]
        projects.append(project)
    if "projects" in program:
        program["projects"] = projects
    return {**summary.skeleton, "program": program}
