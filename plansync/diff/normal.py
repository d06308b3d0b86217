"""Normalising two versions of a plan for the diff without normalising what they share.

`normalise_pair(old, new)` gives both documents as `normalise(doc, sort=False)` would, except
that inside the projects present on both sides an entity exactly equal (as written) to the
entity with its key on the other side is not normalised: the very same object is put on both
sides. Equal entities never make a change, and most entities of two versions of a big plan are
equal. Pure functions.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import Any

from plansync.seed.canonical import normalise, normalise_entity
from plansync.seed.model import PROJECT, Kind

Entity = dict[str, Any]


def normalise_pair(old: dict[str, Any], new: dict[str, Any]) -> tuple[dict[str, Any],
                                                                       dict[str, Any]]:
    """Both documents as `normalise(doc, sort=False)` would give them, except that inside the
    projects present on both sides an entity exactly equal (as written) to the entity with
    its key on the other side is shared as it is, not normalised: equal entities never make a
    change, and most entities of two versions of a big plan are equal. Shared entities are
    never changed (their value lists are already in order, so diff_normalised leaves them)."""
    a, b = old["program"], new["program"]
    if old.get("events") or new.get("events") or not (isinstance(a, dict)
                                                      and isinstance(b, dict)):
        return normalise(old, sort=False), normalise(new, sort=False)
    pa = normalise({**old, "program": {k: v for k, v in a.items() if k != "projects"}},
                   sort=False)
    pb = normalise({**new, "program": {k: v for k, v in b.items() if k != "projects"}},
                   sort=False)
    old_projects = {p["code"]: p for p in a.get("projects", [])}
    new_projects = {p["code"]: p for p in b.get("projects", [])}
    out_a: list[Entity] = []
    out_b: list[Entity] = []
    for code, project in old_projects.items():
        other = new_projects.get(code)
        if other is None:
            out_a.append(normalise_entity(project, PROJECT))
        else:
            left, right = _project_pair(project, other)
            out_a.append(left)
            out_b.append(right)
    out_b += [normalise_entity(p, PROJECT) for c, p in new_projects.items()
              if c not in old_projects]
    if out_a or "projects" in a:
        pa["program"]["projects"] = out_a
    if out_b or "projects" in b:
        pb["program"]["projects"] = out_b
    return pa, pb


_PAIR_KEYS: dict[str, Callable[[Entity], Any]] = {
    "members": itemgetter("email"), "sprints": itemgetter("code"), "tasks": itemgetter("wbs"),
    "dependencies": itemgetter("from", "to"), "baselines": itemgetter("name"),
    "risks": itemgetter("code"),
}


def _project_pair(old: Entity, new: Entity) -> tuple[Entity, Entity]:
    """One project on both sides, normalised lazily (see _normalise_pair)."""
    lists = PROJECT.lists
    a = normalise_entity({k: v for k, v in old.items() if k not in lists}, PROJECT)
    b = normalise_entity({k: v for k, v in new.items() if k not in lists}, PROJECT)
    for name, (_sort_key, child) in lists.items():
        if name not in old and name not in new:
            continue
        assert child is not None
        key = _PAIR_KEYS[name]
        olds, news = old.get(name, []), new.get(name, [])
        by_key = dict(zip(map(key, news), news, strict=True))
        shared: set[int] = set()
        left: list[Entity] = []
        value_lists = tuple(child.lists)
        for e in olds:
            twin = by_key.get(key(e))
            if twin is not None and (twin is e or twin == e) and (
                    not value_lists or (len(value_lists) == 1 and value_lists[0] not in e)
                    or _in_order(e, child)):
                shared.add(id(twin))
                left.append(twin)  # the very same object on both sides
            else:
                left.append(normalise_entity(e, child))
        right = [e if id(e) in shared else normalise_entity(e, child) for e in news]
        if left:
            a[name] = left
        if right:
            b[name] = right
    return a, b


def _in_order(entity: Entity, model: Kind) -> bool:
    """Whether diff_normalised's _tidy would leave an entity as it is (its value lists are
    sorted, and hold no entities). Equal entities shared as written may hold defaults or 3.0:
    both sides hold the very same object, so they compare equal all the same."""
    for name, (sort_key, child) in model.lists.items():
        value = entity.get(name)
        if value is not None and (child is not None or type(value) is not list
                                  or value != sorted(value, key=sort_key)):
            return False
    return True
