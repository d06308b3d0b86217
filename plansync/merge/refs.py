"""Risks and baselines in the merge: the tasks they name are compared by identity and merged
task by task, and written with the tasks' merged wbs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from plansync.merge.decide import Triple
from plansync.merge.sides import NO_EDITS, Edits, Entity, Token, version_of

if TYPE_CHECKING:
    from plansync.merge.combine import Run

_KEYS = {"risk": "code", "baseline": "name"}


def referring(run: Run, code: str, kind: str, items: list[Entity]) -> list[Entity]:
    """Risks and baselines: their `tasks` name tasks, compared by identity and merged
    task by task. Where a side renumbered tasks, every entity is compared (its diff
    shows the renumbering as a change of `tasks`); elsewhere only what the diffs name."""
    sides, key = run.sides, _KEYS[kind]
    edits = (sides[0].lists.get((code, kind), NO_EDITS),
             sides[1].lists.get((code, kind), NO_EDITS))
    plan = run.plans.get(code)
    dense = plan is not None and plan.renumbered
    keys = edits[0].keys() | edits[1].keys() | run.forced_in(code, kind)
    if dense:
        keys |= {item[key] for item in items} | sides[0].index(code, kind).keys() | \
            sides[1].index(code, kind).keys()
    if not keys:
        return items
    index = {item[key]: item for item in items}
    out = [item for k, item in index.items() if k not in keys]
    for k in sorted(keys):
        base = index.get(k)
        raws = (base, _side_version(run, 0, code, kind, k, base, edits[0], dense),
                _side_version(run, 1, code, kind, k, base, edits[1], dense))
        merged = _referring_one(run, code, kind, k, raws)
        if merged is not None:
            out.append(merged)
    return out


def _referring_one(run: Run, code: str, kind: str, key: str, raws: Triple) -> Entity | None:
    def of_base(wbs: str) -> Token:
        return ("b", code, wbs)

    def of_mine(wbs: str) -> Token:
        return run.final(run.sides[0].ident(code, wbs))

    def of_theirs(wbs: str) -> Token:
        return run.final(run.sides[1].ident(code, wbs))

    tokens = (_refs(kind, raws[0], of_base), _refs(kind, raws[1], of_mine),
              _refs(kind, raws[2], of_theirs))
    versions = tuple(None if r is None else {**r, "tasks": t}
                     for r, t in zip(raws, tokens, strict=True))
    ident = (kind, code, key)
    before = len(run.conflicts)
    if raws[0] is None or raws[1] is None or raws[2] is None or run.is_forced(ident):
        merged = run.three_way(kind, code, key, ident, versions[0],
                               (versions[1], versions[2]), lambda: raws)
        if merged is None:
            return None
        refs = merged["tasks"]
    else:
        rest = [{k: v for k, v in r.items() if k != "tasks"} for r in raws]
        merged = run.three_way(kind, code, key, ident, rest[0], (rest[1], rest[2]),
                               lambda: raws) or {}
        refs = _merged_refs(run, kind, code, key, tokens, raws)
    owners = [i for i in (0, 1) if tokens[i + 1] is not None]
    tasks = _spelled_refs(run, kind, code, key, refs, tokens, raws, owners,
                          len(run.conflicts) > before)
    out = {k: v for k, v in merged.items() if k != "tasks"}
    if tasks:
        out["tasks"] = tasks
    return out


def _merged_refs(run: Run, kind: str, code: str, key: str,
                 tokens: tuple[dict[Token, Any] | None, ...], raws: Triple
                 ) -> dict[Token, Any]:
    """A risk's or baseline's tasks merged task by task: each side's removals and
    additions apply; a baseline task both sides changed differently is a conflict."""
    base, mine, theirs = (t or {} for t in tokens)
    out: dict[Token, Any] = {}
    clash = False
    for token in base.keys() | mine.keys() | theirs.keys():
        b, m, t = base.get(token), mine.get(token), theirs.get(token)
        if m == t or t == b:
            value = m
        elif m == b:
            value = t
        else:
            clash = True
            value = run.settle(b, (m, t))
        if value is not None:
            out[token] = value
    if clash:
        values = tuple(None if r is None else r.get("tasks") for r in raws)
        run.record(kind, code, key, "tasks", (values[0], values[1], values[2]),
                   f"{run.name(0)} and {run.name(1)} change the tasks of {kind} {key} "
                   "differently")
    return out


def _spelled_refs(run: Run, kind: str, code: str, key: str, refs: dict[Token, Any],
                  tokens: tuple[dict[Token, Any] | None, ...], raws: Triple,
                  owners: list[int], in_conflict: bool) -> list[Any]:
    """The merged `tasks` of a risk or baseline, in merged wbs."""
    spelled = {token: run.loc(token) for token in refs}
    lost = [token for token, where in spelled.items() if where is None]
    if lost and run.prefer is None and not in_conflict:
        users = [i for i in owners if any(t in (tokens[i + 1] or {}) and t not in (
            tokens[0] or {}) for t in lost)]
        lead = f"{' and '.join(run.name(i) for i in users) or 'the base'} names " \
               f"{'them' if len(lost) > 1 else 'it'} in {kind} {key}"
        values = [None if r is None else r.get("tasks") for r in raws]
        run.dangling(kind, code, key, "tasks", (values[0], values[1], values[2]), lost,
                     lead)
    elif lost and run.prefer is not None:
        side = run.sides[run.pick]
        spelled.update({t: side.wbs_of(t) for t in lost})
    if kind == "risk":
        return [w for w in spelled.values() if w is not None]
    return [{**refs[t], "wbs": w} for t, w in spelled.items() if w is not None]


def _side_version(run: Run, index: int, code: str, kind: str, key: str, base: Entity | None,
                  edits: Edits, dense: bool) -> Entity | None:
    side = run.sides[index]
    if code in side.projects.removed:  # kept by a resolution: nothing changed inside
        return base
    if dense:
        return side.entity(code, kind, key)
    return version_of(edits, key, base)


def _refs(kind: str, entity: Entity | None, ident: Callable[[str], Token]
          ) -> dict[Token, Any] | None:
    """A risk's or baseline's tasks by task identity: a risk's to True, a baseline's to the
    entry's other fields."""
    if entity is None:
        return None
    if kind == "risk":
        return {ident(w): True for w in entity.get("tasks", [])}
    return {ident(t["wbs"]): {k: v for k, v in t.items() if k != "wbs"}
            for t in entity.get("tasks", [])}
