"""The merge of three versions of one seed file, as Git's merge driver needs it: bytes in,
bytes out (JSON: canonical bytes; YAML: ours' text, comments kept), and whether it merged.

Pure: the caller reads and writes the files (plansync.commands.git).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from plansync.merge import conflict_text, merge_documents, resolutions
from plansync.merge.result import Conflict
from plansync.merge.text import marked
from plansync.seed.canonical import canonical_bytes
from plansync.seed.load import Limits, Seed
from plansync.seed.validate import validate_bytes


@dataclass(frozen=True)
class FileMerge:
    """data: what to write over ours. clean: merged without conflict. notes: what went
    wrong, one sentence each (for the user). conflicts: the semantic conflicts, if any."""

    data: bytes
    clean: bool
    notes: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)


def merge_files(path: str, base: bytes, ours: bytes, theirs: bytes,
                limits: Limits | None = None) -> FileMerge:
    """Merge `theirs` into `ours`, two versions of `base`, all three the content of the seed
    file `path` (its name says JSON or YAML).

    When a version is not a valid plan (or a side is a version 2 timeline, which a merge
    would turn into its final state), nothing is merged semantically: the result is ours
    and theirs with conflict markers around the lines where they differ, not clean.
    """
    if ours == theirs or base == theirs:
        return FileMerge(ours, True)
    if base == ours:
        return FileMerge(theirs, True)
    seeds: list[Seed] = []
    notes: list[str] = []
    for label, data in (("base", base), ("ours", ours), ("theirs", theirs)):
        result = validate_bytes(f"{label}:{path}", data, limits)
        if result.seed is None or result.problems:
            first = result.problems[0] if result.problems else None
            notes.append(f"{label} is not a valid plan"
                         + (f" ({_where(first.line, first.column)}{first.message})"
                            if first is not None else ""))
        else:
            seeds.append(result.seed)
    if not notes and any(s.doc.get("version") == 2 for s in seeds[1:]):
        notes.append("a version 2 timeline is not merged semantically (the merge would drop "
                     "its events)")
    if notes:
        return FileMerge(_raw_conflict(ours, theirs), False,
                         [*notes, "marked the lines where ours and theirs differ instead"])
    docs = [s.doc for s in seeds]
    merge = merge_documents(docs[0], docs[1], docs[2])
    yaml = seeds[1].kind == "yaml"
    if merge.merged is not None:
        data = _yaml(seeds[1], merge.merged) if yaml else canonical_bytes(merge.merged)
        return FileMerge(data, True)
    if yaml:
        mine, others = resolutions(docs[0], docs[1], docs[2], merge)
        text = marked(_yaml(seeds[1], mine).decode("utf-8"),
                      _yaml(seeds[1], others).decode("utf-8"))
    else:
        text = conflict_text(docs[0], docs[1], docs[2], merge)
    return FileMerge(text.encode("utf-8"), False, conflicts=merge.conflicts)


def _where(line: int, column: int) -> str:
    return f"line {line}, column {column}: " if line else ""


def _yaml(seed: Seed, doc: dict[str, Any]) -> bytes:
    """`doc` written into (a copy of) the YAML file's tree: the comments of what persists
    stay (as `plansync pull` writes YAML)."""
    from plansync.seed import yamlio

    tree = copy.deepcopy(seed.tree)
    yamlio.merge_into_tree(tree, doc)
    return yamlio.dump(tree).encode("utf-8")


def _raw_conflict(ours: bytes, theirs: bytes) -> bytes:
    """Ours and theirs as they are, with markers around the lines where they differ
    (bytes that are not UTF-8 are kept as they are)."""
    text = marked(ours.decode("utf-8", "surrogateescape"),
                  theirs.decode("utf-8", "surrogateescape"))
    return text.encode("utf-8", "surrogateescape")
