"""The three-way decision for one entity, and the record of what could not be decided."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from plansync.merge.result import Conflict, shown
from plansync.merge.sides import Entity, Side

Identity = tuple[Any, ...]  # ("task", project, token), ("risk", project, code), ("program",)...
Triple = tuple[Any, Any, Any]  # (base, mine, theirs)
T = TypeVar("T")
# Fields that hold sets: each side's additions and removals apply, element by element.
SETS = {"task": frozenset({"assignees"}), "calendar": frozenset({"workdays", "holidays"})}


class Decider:
    """Decides entity by entity. Without `prefer` every disagreement is recorded as a
    Conflict (and the base's version is used to carry on); with prefer=0 (mine) or 1 (theirs) the
    preferred side wins every disagreement, and an entity whose identity is in `forced` is
    taken from the preferred side whole: the two resolutions conflict_text compares."""

    def __init__(self, sides: tuple[Side, Side], prefer: int | None,
                 forced: frozenset[Identity]) -> None:
        self.sides = sides
        self.prefer = prefer
        self.forced = forced
        self.conflicts: list[Conflict] = []

    @property
    def pick(self) -> int:
        """The side a resolution takes where the sides disagree (mine when not resolving)."""
        return 0 if self.prefer is None else self.prefer

    def settle(self, base: T, versions: tuple[T, T]) -> T:
        """What to carry on with where the sides disagree: the preferred side's version
        when resolving, else the base's (so that what follows a conflict is the same
        whichever side is mine)."""
        return base if self.prefer is None else versions[self.prefer]

    def name(self, index: int) -> str:
        return self.sides[index].name

    def is_forced(self, ident: Identity) -> bool:
        return self.prefer is not None and ident in self.forced

    def record(self, kind: str, project: str | None, key: str, field: str | None,
               values: Triple, reason: str) -> None:
        self.conflicts.append(Conflict(kind, project, key, field, *values, reason))

    def three_way(self, kind: str, project: str | None, key: str, ident: Identity,
                  base: Entity | None, versions: tuple[Entity | None, Entity | None],
                  raw: Callable[[], Triple] | None = None) -> Entity | None:
        """The merged entity (None: absent). Each side's version is the whole entity as that
        side has it (None: removed or never added); fields merge one by one. `raw` gives the
        three entities as each side writes them, for the conflict record."""
        if self.is_forced(ident):
            return versions[self.pick]
        mine, theirs = versions
        if mine == theirs or theirs == base:
            return mine
        if mine == base:
            return theirs
        raws = raw() if raw is not None else (base, mine, theirs)
        if base is None or mine is None or theirs is None:
            self.record(kind, project, key, None, raws, self._whole(kind, key, base, versions))
            return self.settle(base, versions)
        out: Entity = {}
        sets = SETS.get(kind, frozenset())
        for name in sorted(base.keys() | mine.keys() | theirs.keys()):
            b, m, t = base.get(name), mine.get(name), theirs.get(name)
            if m == t or t == b:
                value = m
            elif m == b:
                value = t
            elif name in sets:
                value = merged_set(b, m, t)
            else:
                values = (raws[0].get(name) if raws[0] else None,
                          raws[1].get(name) if raws[1] else None,
                          raws[2].get(name) if raws[2] else None)
                self.record(kind, project, key, name, values,
                            f"{self.name(0)} sets {name} of {kind} {key} to "
                            f"{shown(values[1])}, {self.name(1)} to {shown(values[2])}")
                value = self.settle(b, (m, t))
            if value is not None:
                out[name] = value
        return out

    def _whole(self, kind: str, key: str, base: Entity | None,
               versions: tuple[Entity | None, Entity | None]) -> str:
        if base is None:
            return (f"{self.name(0)} and {self.name(1)} both add {kind} {key}, with different "
                    "content")
        gone = 0 if versions[0] is None else 1
        return (f"{self.name(gone)} removes {kind} {key} and {self.name(1 - gone)} changes "
                "it")


def merged_set(base: list[Any] | None, mine: list[Any] | None,
               theirs: list[Any] | None) -> list[Any] | None:
    """A set field merged: what both kept, and what either added (None when empty)."""
    b, m, t = set(base or ()), set(mine or ()), set(theirs or ())
    out = sorted((b & m & t) | (m - b) | (t - b))
    return out or None
