"""Dependencies in the merge: compared by the identities of the tasks they link, written
with the tasks' merged wbs (a link follows the tasks the other side renumbered)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plansync.merge.decide import Triple
from plansync.merge.sides import (
    NO_DEPS,
    DepEdits,
    Ends,
    Entity,
    Token,
    base_token,
    with_fields,
)

if TYPE_CHECKING:
    from plansync.merge.combine import Run


def added_project(run: Run, code: str, index: int, project: Entity) -> Entity:
    """A project one side added: its links to other projects' tasks follow them."""
    side = run.sides[index]
    deps = []
    for dep in project.get("dependencies", []):
        if ":" in dep["from"] or ":" in dep["to"]:
            tokens = [run.final(side.ref(dep[end], code)) for end in ("from", "to")]
            ends = [run.spell(t, code) for t in tokens]
            if ends[0] is None or ends[1] is None:
                if run.prefer is None:
                    text = f"{dep['from']} -> {dep['to']}"
                    values = (None, dep, None) if index == 0 else (None, None, dep)
                    run.dangling("dependency", code, text, None, values, tokens,
                                 f"{run.name(index)} adds project {code} with "
                                 f"dependency {text}")
                    continue
                ends = [ends[0] or dep["from"], ends[1] or dep["to"]]
            dep = {**dep, "from": ends[0], "to": ends[1]}
        deps.append(dep)
    return {**project, "dependencies": deps}


def dependencies(run: Run, code: str, items: list[Entity]) -> list[Entity]:
    """The dependencies a project of the base lists, merged: the ones neither side touched
    as they are, the others decided, then the ones the sides added."""
    edits = (run.sides[0].deps.get(code, NO_DEPS), run.sides[1].deps.get(code, NO_DEPS))
    forced = run.forced_in(code, "dependency")
    if not (run.scan_all or forced or edits[0] is not NO_DEPS or edits[1] is not NO_DEPS):
        return items
    index = {(d["from"], d["to"]): d for d in items}
    touched: set[Ends] = set()
    for e in edits:
        touched |= e.removed | e.moved.keys() | e.changed.keys()
    if run.scan_all:
        touched = set(index)
    elif forced:
        touched |= {ends for ends in index
                    if (base_token(ends[0], code), base_token(ends[1], code)) in forced}
    out = [d for ends, d in index.items() if ends not in touched]
    for ends in sorted(touched & index.keys()):
        dep = _base_dependency(run, code, index[ends], ends, edits)
        if dep is not None:
            out.append(dep)
    return out + _added_dependencies(run, code, edits)


def _base_dependency(run: Run, code: str, base: Entity, ends: Ends,
                     edits: tuple[DepEdits, DepEdits]) -> Entity | None:
    tokens = [base_token(ends[0], code), base_token(ends[1], code)]
    versions = (None if ends in edits[0].removed
                else with_fields(base, edits[0].changed.get(ends)),
                None if ends in edits[1].removed
                else with_fields(base, edits[1].changed.get(ends)))

    def raws() -> Triple:
        found = [None if ends in e.removed else
                 side.entity(code, "dependency", e.moved.get(ends, ends))
                 for side, e in zip(run.sides, edits, strict=True)]
        return base, found[0], found[1]

    text = f"{ends[0]} -> {ends[1]}"
    before = len(run.conflicts)
    merged = run.three_way("dependency", code, text, ("dependency", code, *tokens), base,
                           versions, raws)
    if merged is None:
        return None
    first, second = run.spell(tokens[0], code), run.spell(tokens[1], code)
    if first is None or second is None:
        if run.prefer is None:
            if len(run.conflicts) == before:
                changed = [run.name(i) for i in (0, 1) if versions[i] != base]
                run.dangling("dependency", code, text, None, raws(), tokens,
                             f"{' and '.join(changed) or 'nobody'} changes dependency "
                             f"{text}")
            return None
        first, second = first or ends[0], second or ends[1]
    return merged if (first, second) == ends else {**merged, "from": first, "to": second}


def _added_dependencies(run: Run, code: str, edits: tuple[DepEdits, DepEdits]
                        ) -> list[Entity]:
    groups: dict[tuple[Token, Token], list[tuple[int, Ends, Entity]]] = {}
    for index, (side, e) in enumerate(zip(run.sides, edits, strict=True)):
        for ends, dep in e.added.items():
            tokens = (run.final(side.ref(ends[0], code)), run.final(side.ref(ends[1], code)))
            groups.setdefault(tokens, []).append((index, ends, dep))
    out = []
    for tokens, found in sorted(groups.items()):
        versions: list[Entity | None] = [None, None]
        spelled: list[Ends | None] = [None, None]
        for index, ends, dep in found:
            versions[index], spelled[index] = _without_ends(dep), ends
        first, second = run.spell(tokens[0], code), run.spell(tokens[1], code)
        if first is not None and second is not None:
            text = f"{first} -> {second}"  # in merged numbers: the same whichever side is mine
        else:
            text = min(f"{e[0]} -> {e[1]}" for e in spelled if e is not None)
        by_side = {i: d for i, _, d in found}

        def raws(by_side: dict[int, Entity] = by_side) -> Triple:
            return None, by_side.get(0), by_side.get(1)

        before = len(run.conflicts)
        merged = run.three_way("dependency", code, text, ("dependency", code, *tokens),
                               None, (versions[0], versions[1]), raws)
        if merged is None:
            continue
        if first is None or second is None:
            if run.prefer is None:
                if len(run.conflicts) == before:
                    users = " and ".join(run.name(i) for i, _, _ in found)
                    run.dangling("dependency", code, text, None, raws(), list(tokens),
                                 f"{users} adds dependency {text}")
                continue
            chosen = spelled[run.pick]
            if chosen is None:
                continue
            first, second = first or chosen[0], second or chosen[1]
        out.append({**merged, "from": first, "to": second})
    return out


def _without_ends(dep: Entity) -> Entity:
    return {k: v for k, v in dep.items() if k not in ("from", "to")}
