"""What a three-way merge returns: the merged document or the conflicts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from plansync.diff import Change


@dataclass(frozen=True)
class Conflict:
    """Something the two sides changed incompatibly.

    kind: the entity kind as in diff.KINDS. project: its project's code (None for program-level
    entities; a project's own code for a project). key: the natural key as Change.key spells it,
    in base terms when the entity existed in the base (else as the merge would number it).
    field: the field in conflict ("wbs" for a task moved to two places); None when the whole
    entity conflicts (removed on one side and changed on the other, added on both sides with
    different content, two entities on one key, or a merged entity that breaks a rule of the
    format). base/mine/theirs: the field's values, or the whole entities (None where absent),
    each as that side writes it. reason: one readable sentence.
    """

    kind: str
    project: str | None
    key: str
    field: str | None
    base: Any
    mine: Any
    theirs: Any
    reason: str


@dataclass(frozen=True)
class Merge:
    """merged: the merged v1 document as canonical data, None when there are conflicts.
    mine/theirs: diff_documents(base, mine) and diff_documents(base, theirs)."""

    merged: dict[str, Any] | None
    conflicts: list[Conflict]
    mine: list[Change]
    theirs: list[Change]


def shown(value: Any, limit: int = 40) -> str:
    """A value for a reason sentence: compact JSON, cut short."""
    if value is None:
        return "nothing"
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text if len(text) <= limit else text[:limit - 3] + "..."
