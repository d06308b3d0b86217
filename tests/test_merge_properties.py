"""Properties of the three-way merge on generated documents: merging with an unchanged side
gives the other side; equal sides merge to themselves; disjoint edits always merge to the
document with both; a renumbering on one side carries the other side's edits; swapping the
sides changes nothing but which side is which; and whatever the two sides did, the merge
either gives a valid document or reports conflicts, never crashes, and its conflict text
marks exactly the conflicts."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from plansync.merge import Conflict, conflict_text, merge_documents, resolutions
from plansync.merge.text import MINE_MARKER, THEIRS_MARKER
from plansync.seed.canonical import canonical_bytes, canonical_text
from plansync.seed.validate import validate_bytes
from tests.merge_edits import (
    add_dependency,
    add_task,
    any_edit,
    applied,
    field_edits,
    leaves,
    next_top,
    other_edit,
    risky_edit,
    set_lag,
    valid,
)
from tests.strategies import documents
from tests.test_diff_properties import _distinct, _renumbered


def merged_bytes(base: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any]) -> bytes:
    result = merge_documents(base, mine, theirs)
    assert result.conflicts == [], result.conflicts
    assert result.merged is not None
    return canonical_bytes(result.merged)


@given(documents(), documents(), st.booleans())
def test_an_unchanged_side_gives_the_other_side(base: dict[str, Any], other: dict[str, Any],
                                                same_code: bool) -> None:
    if same_code:
        other["program"]["code"] = base["program"]["code"]
    want = canonical_bytes(other)
    assert merged_bytes(base, other, base) == want
    assert merged_bytes(base, base, other) == want
    assert merged_bytes(base, other, other) == want


@given(documents().map(_distinct), st.data())
def test_identities_hold_across_a_renumbering(base: dict[str, Any],
                                              data: st.DataObject) -> None:
    project = data.draw(st.integers(0, len(base["program"]["projects"]) - 1))
    new = _renumbered(base, project)
    want = canonical_bytes(new)
    assert merged_bytes(base, new, base) == want
    assert merged_bytes(base, base, new) == want
    assert merged_bytes(base, new, new) == want


@st.composite
def disjoint_edits(draw: Any, base: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    """Two lists of edits that touch different things: field edits of two disjoint sets of
    tasks, new tasks at different new numbers, new links and new lags on different links."""
    mine: list[Any] = []
    theirs: list[Any] = []
    for index, project in enumerate(base["program"]["projects"]):
        for task in project["tasks"]:
            side = draw(st.sampled_from([None, mine, theirs]))
            if side is not None:
                tag = "mine" if side is mine else "theirs"
                side.append(draw(field_edits(base, index, task["wbs"], tag)))
        if draw(st.booleans()):
            mine.append(add_task(index, next_top(base, index), "new by mine", 2))
        if draw(st.booleans()):
            theirs.append(add_task(index, next_top(base, index, 1), "new by theirs", 3))
        ends = leaves(project)
        linked = {frozenset((d["from"], d["to"])) for d in project.get("dependencies", [])}
        free = [(a, b) for i, a in enumerate(ends) for b in ends[i + 1:]
                if frozenset((a, b)) not in linked]
        for pair in draw(st.lists(st.sampled_from(free), unique=True, max_size=4)) if free \
                else []:
            side = draw(st.sampled_from([mine, theirs]))
            side.append(add_dependency(index, pair[0], pair[1], "FS", 1 if side is mine else 2))
        for dep in project.get("dependencies", []):
            if ":" not in dep["from"] and draw(st.integers(0, 2)) == 0:
                side = draw(st.sampled_from([mine, theirs]))
                side.append(set_lag(index, (dep["from"], dep["to"]), 7 if side is mine else 9))
    return mine, theirs


@given(documents(), st.data())
def test_disjoint_edits_always_merge_to_both(base: dict[str, Any],
                                             data: st.DataObject) -> None:
    mine_edits, theirs_edits = data.draw(disjoint_edits(base))
    mine, theirs = applied(base, *mine_edits), applied(base, *theirs_edits)
    want = canonical_bytes(applied(base, *mine_edits, *theirs_edits))
    assert merged_bytes(base, mine, theirs) == want
    assert merged_bytes(base, theirs, mine) == want


@given(documents().map(_distinct), st.data())
def test_a_renumbering_carries_the_other_sides_edits(base: dict[str, Any],
                                                     data: st.DataObject) -> None:
    """Mine inserts a task at the top of one project (every task there is renumbered, and
    the links, risks and baselines that name them); theirs edits task fields, adds links
    and changes lags, all in base numbers: the merge is mine's renumbering of theirs."""
    project = data.draw(st.integers(0, len(base["program"]["projects"]) - 1))
    edits: list[Any] = []
    for index, p in enumerate(base["program"]["projects"]):
        for task in p["tasks"]:
            if data.draw(st.booleans()):
                edits.append(data.draw(field_edits(base, index, task["wbs"], "theirs")))
        ends = leaves(p)
        if len(ends) > 1 and data.draw(st.booleans()):
            a, b = sorted(data.draw(st.lists(st.integers(0, len(ends) - 1), min_size=2,
                                             max_size=2, unique=True)))
            edits.append(add_dependency(index, ends[a], ends[b], "SS", 4))
        for dep in p.get("dependencies", []):
            if data.draw(st.integers(0, 2)) == 0:
                edits.append(set_lag(index, (dep["from"], dep["to"]), 6))
        if index != project and data.draw(st.booleans()):
            edits.append(add_task(index, next_top(base, index), "new by theirs", 1))
    theirs = applied(base, *edits)
    mine = _renumbered(base, project)
    want = canonical_bytes(_renumbered(theirs, project))
    assert merged_bytes(base, mine, theirs) == want
    assert merged_bytes(base, theirs, mine) == want


def swapped(conflict: Conflict) -> tuple[Any, ...]:
    return (conflict.kind, conflict.project, conflict.key, conflict.field, conflict.base,
            conflict.theirs, conflict.mine)


def plain(conflict: Conflict) -> tuple[Any, ...]:
    return (conflict.kind, conflict.project, conflict.key, conflict.field, conflict.base,
            conflict.mine, conflict.theirs)


@st.composite
def two_sides(draw: Any) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A base and two sides, each a few edits of any kind (they may well conflict), one of
    them sometimes a renumbering first."""
    base = _distinct(draw(documents()))
    sides = []
    for tag in ("mine", "theirs"):
        doc = copy.deepcopy(base)
        if draw(st.integers(0, 3)) == 0:
            doc = _renumbered(doc, draw(st.integers(0, len(doc["program"]["projects"]) - 1)))
        for _ in range(draw(st.integers(0, 4))):
            choice = draw(st.integers(0, 5))
            if choice < 2:
                edit = draw(risky_edit(doc, tag))
                after = applied(doc, edit)
                if valid(after):
                    doc = after
            elif choice == 2:
                draw(other_edit(doc, tag))(doc)
            else:
                draw(any_edit(doc, tag))(doc)
        sides.append(doc)
    return base, sides[0], sides[1]


@given(two_sides())
def test_swapping_the_sides_swaps_the_conflicts(case: tuple[Any, Any, Any]) -> None:
    base, mine, theirs = case
    forward, backward = merge_documents(base, mine, theirs), merge_documents(base, theirs, mine)
    assert sorted(map(repr, map(plain, forward.conflicts))) == sorted(
        map(repr, map(swapped, backward.conflicts)))
    if forward.merged is None:
        assert backward.merged is None
    else:
        assert backward.merged is not None
        assert canonical_bytes(forward.merged) == canonical_bytes(backward.merged)


@given(two_sides())
def test_a_merge_is_valid_or_in_conflict_and_its_text_marks_the_conflicts(
        case: tuple[Any, Any, Any]) -> None:
    base, mine, theirs = case
    result = merge_documents(base, mine, theirs)
    text = conflict_text(base, mine, theirs, result)
    if result.merged is not None:
        assert result.conflicts == []
        assert validate_bytes("merged.seed.json", canonical_bytes(result.merged)).ok
        assert text == canonical_text(result.merged)
        return
    assert result.conflicts
    for conflict in result.conflicts:
        assert conflict.reason and conflict.kind
    ours, others = resolutions(base, mine, theirs, result)
    if canonical_text(ours) != canonical_text(others):
        assert MINE_MARKER in text and THEIRS_MARKER in text
    # taking one side of every hunk gives that side's resolution back
    assert _take(text, 0) == canonical_text(ours)
    assert _take(text, 1) == canonical_text(others)


def _take(text: str, side: int) -> str:
    out, state = [], None
    for line in text.splitlines(keepends=True):
        if line == MINE_MARKER:
            state = 0
        elif line == "=======\n" and state is not None:
            state = 1
        elif line == THEIRS_MARKER:
            state = None
        elif state is None or state == side:
            out.append(line)
    return "".join(out)


@given(two_sides())
def test_the_merged_order_is_the_canonical_form(case: tuple[Any, Any, Any]) -> None:
    """The merge writes its document's lists in canonical order without normalising it
    again (its values come from normalised documents): the same data as normalise."""
    from plansync.merge import _Context
    from plansync.merge.order import canonical_order
    from plansync.seed.canonical import normalise

    run = _Context(*case).run()
    assert canonical_order(run.doc) == normalise(run.doc)


@given(two_sides())
def test_the_resolutions_are_in_canonical_form(case: tuple[Any, Any, Any]) -> None:
    from plansync.seed.canonical import normalise

    result = merge_documents(*case)
    for resolved in resolutions(*case, result):
        assert normalise(resolved) == resolved
