"""Natural keys and defaults of the seed format: the one place the entity shapes are named.

`SPEC` describes every object kind: which of its keys hold entity lists (and how each list is
ordered), which hold nested objects, which hold numbers, and which values are defaults (left
out of canonical output). Canonical JSON, canonical YAML and the diff all read it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_INDEX = {d: i for i, d in enumerate(WEEKDAYS)}


@lru_cache(maxsize=1 << 17)
def wbs_key(wbs: str) -> tuple[int, ...]:
    """Compare wbs paths as integer tuples: 1.2 < 1.10 < 2. (Cached: a plan names the same
    paths in its tasks, dependencies, baselines and risks; the cache is bounded.)"""
    return tuple(map(int, wbs.split(".")))


def split_ref(ref: str) -> tuple[str, str]:
    """("project code" or "", wbs) of a dependency endpoint."""
    project, _, wbs = ref.rpartition(":")
    return project, wbs


@lru_cache(maxsize=1 << 17)
def ref_key(ref: str) -> tuple[str, tuple[int, ...]]:
    project, _, wbs = ref.rpartition(":")
    return project, wbs_key(wbs)


def dependency_key(dep: dict[str, Any]) -> tuple[Any, ...]:
    return ref_key(dep["from"]), ref_key(dep["to"]), dep.get("type", "FS")


def weekday_key(day: str) -> int:
    return _WEEKDAY_INDEX.get(day, len(WEEKDAYS))


def _by(name: str) -> Callable[[dict[str, Any]], Any]:
    return lambda item: item[name]


def _by_wbs(item: dict[str, Any]) -> tuple[int, ...]:
    return wbs_key(item["wbs"])


def _identity(item: Any) -> Any:
    return item


@dataclass(frozen=True)
class Kind:
    """One object kind of the format."""

    name: str
    lists: dict[str, tuple[Callable[[Any], Any], Kind | None]] = field(default_factory=dict)
    objects: dict[str, Kind] = field(default_factory=dict)
    numbers: frozenset[str] = frozenset()
    defaults: dict[str, Any] = field(default_factory=dict)
    ordered_lists: frozenset[str] = frozenset()  # lists whose order is data (kept as written)
    keep_empty: bool = False  # free-form payloads keep "" and [] (they may mean something)
    free: frozenset[str] = frozenset()  # keys whose value is free JSON (numbers normalised)

    # The keys whose values normalising looks into (every other key of a valid document
    # holds a string or a boolean, kept as it is); set from the fields above.
    special: frozenset[str] = field(init=False, default=frozenset())

    def __post_init__(self) -> None:
        object.__setattr__(self, "special", self.numbers | frozenset(self.lists)
                           | frozenset(self.objects) | self.free)


ESTIMATE = Kind("estimate", numbers=frozenset({"optimistic", "likely", "pessimistic"}))
CONSTRAINT = Kind("constraint")
TASK = Kind(
    "task",
    lists={"assignees": (_identity, None)},
    objects={"estimate": ESTIMATE, "constraint": CONSTRAINT},
    numbers=frozenset({"duration", "percent_complete"}),
    defaults={"status": "todo", "milestone": False, "percent_complete": 0, "manual": False,
              "elapsed": False},
)
DEPENDENCY = Kind("dependency", numbers=frozenset({"lag"}), defaults={"lag": 0, "type": "FS"})
SPRINT = Kind("sprint")
MEMBER = Kind("member")
BASELINE_TASK = Kind("baseline_task", numbers=frozenset({"duration"}))
BASELINE = Kind("baseline", lists={"tasks": (_by_wbs, BASELINE_TASK)})
RISK = Kind("risk", lists={"tasks": (wbs_key, None)},
            numbers=frozenset({"probability", "impact"}))
PROJECT = Kind(
    "project",
    lists={
        "members": (_by("email"), MEMBER),
        "sprints": (_by("code"), SPRINT),
        "tasks": (_by_wbs, TASK),
        "dependencies": (dependency_key, DEPENDENCY),
        "baselines": (_by("name"), BASELINE),
        "risks": (_by("code"), RISK),
    },
    defaults={"status": "active"},
)
CALENDAR = Kind("calendar", lists={"workdays": (weekday_key, None), "holidays": (_identity, None)})
RESOURCE = Kind("resource", numbers=frozenset({"capacity"}))
SCHEDULING = Kind("scheduling")  # {"conventions": ...}: kept as written
PROGRAM = Kind(
    "program",
    objects={"scheduling": SCHEDULING},
    free=frozenset({"origin"}),
    lists={
        "calendars": (_by("code"), CALENDAR),
        "resources": (_by("code"), RESOURCE),
        "members": (_by("email"), MEMBER),
        "projects": (_by("code"), PROJECT),
    },
)
# Event payloads are free JSON: numbers inside are normalised, nothing is dropped.
EVENT = Kind("event", keep_empty=True, free=frozenset({"value"}))
DOCUMENT = Kind(
    "document",
    lists={"events": (_identity, EVENT)},
    objects={"program": PROGRAM},
    numbers=frozenset({"version"}),
    ordered_lists=frozenset({"events"}),  # a timeline: its order is data
)
