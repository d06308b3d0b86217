"""Semantic three-way merge of seed documents, by natural keys and fields (docs/merge.md).

`merge_documents(base, mine, theirs)` diffs each side against the base
(plansync.diff.diff_documents) and merges the two change lists entity by entity: identical
changes are taken once, changes to different entities or different fields of one entity
both apply, and a side's renumbering carries the other side's edits along (task edits,
links, risks and baselines follow the tasks they name). What cannot be merged is a Conflict;
a merged document that breaks a rule of the format is one too. `conflict_text` writes the
merge with conflict markers around the conflicting values only. Pure functions, no I/O.
"""

from __future__ import annotations

from typing import Any

from plansync.diff import Change, diff_normalised
from plansync.memory import no_gc_pauses
from plansync.merge.combine import Run
from plansync.merge.decide import Identity
from plansync.merge.order import canonical_order
from plansync.merge.result import Conflict, Merge
from plansync.merge.sides import Side
from plansync.merge.text import marked
from plansync.seed.canonical import canonical_text, normalise
from plansync.seed.events import final_state

__all__ = ["Conflict", "Merge", "conflict_text", "merge_documents", "resolutions"]

_KIND_ORDER = {kind: i for i, kind in enumerate(
    ("program", "calendar", "resource", "member", "project", "sprint", "task", "dependency",
     "baseline", "risk"))}


class _Context:
    """The three documents normalised once, and each side read from its diff."""

    def __init__(self, base: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any],
                 diffs: tuple[list[Change], list[Change]] | None = None) -> None:
        self.base = normalise(final_state(base), sort=False)
        sides = (normalise(final_state(mine), sort=False),
                 normalise(final_state(theirs), sort=False))
        self.diffs = diffs or (diff_normalised(self.base, sides[0]),
                               diff_normalised(self.base, sides[1]))
        self.sides = (Side("mine", sides[0]["program"], self.diffs[0]),
                      Side("theirs", sides[1]["program"], self.diffs[1]))

    def run(self, prefer: int | None = None,
            forced: frozenset[Identity] = frozenset()) -> Run:
        return Run(self.base["program"], self.sides, prefer, forced)


def merge_documents(base: dict[str, Any], mine: dict[str, Any],
                    theirs: dict[str, Any]) -> Merge:
    """Merge `mine` and `theirs`, two versions of `base` (valid seed documents, v1 or v2):
    Merge.merged is the merged v1 document as canonical data, or None when there are
    conflicts (Merge.conflicts, in a fixed order)."""
    from plansync.merge.rules import rule_conflicts

    with no_gc_pauses():
        context = _Context(base, mine, theirs)
        run = context.run()
        conflicts = run.conflicts
        merged = None
        if not conflicts:
            merged = canonical_order(run.doc)
            conflicts = rule_conflicts(run, merged)
        return Merge(None if conflicts else merged, sorted(conflicts, key=_conflict_order),
                     *context.diffs)


def _conflict_order(c: Conflict) -> tuple[Any, ...]:
    return (c.project or "", _KIND_ORDER.get(c.kind, 99), c.key, c.field or "", c.reason)


def resolutions(base: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any],
                merge: Merge) -> tuple[dict[str, Any], dict[str, Any]]:
    """The merge with every conflict resolved for mine, and with every one resolved for
    theirs (canonical data; both the merged document when there is no conflict)."""
    from plansync.merge.rules import identity_of

    if merge.merged is not None:
        return merge.merged, merge.merged
    with no_gc_pauses():
        context = _Context(base, mine, theirs, (merge.mine, merge.theirs))
        first = context.run(prefer=0)
        if not first.conflicts:  # conflicts with the rules only: take those entities whole
            forced = frozenset(identity_of(first, c) for c in merge.conflicts)
            first = context.run(prefer=0, forced=forced)
        else:
            forced = frozenset()
        second = context.run(prefer=1, forced=forced)
        return canonical_order(first.doc), canonical_order(second.doc)


def conflict_text(base: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any],
                  merge: Merge) -> str:
    """The canonical JSON text of the merge, with the conflicting values (only) between
    `<<<<<<< mine`, `=======` and `>>>>>>> theirs` lines: what mine has above, what theirs
    has below. Without conflicts, the canonical text of the merged document."""
    if merge.merged is not None:
        return canonical_text(merge.merged)
    ours, others = resolutions(base, mine, theirs, merge)
    return marked(canonical_text(ours), canonical_text(others))
