"""Where the tasks of one project go in the merge, and what they hold.

A task's place is its position: (parent identity, last number of its wbs). A side that
renumbers tasks changes the position of the tasks it renumbered, not of their subtasks (a
subtask that follows its parent keeps its position), so each side's renumbering merges with
the other side's edits: the merged wbs of a task is its parent's merged wbs plus its merged
last number. A task both sides moved to different positions, two tasks on one wbs, a task
placed under a task the other side removed, or tasks placed under each other, are conflicts.
"""

from __future__ import annotations

from typing import Any

from plansync.merge.decide import Decider
from plansync.merge.sides import (
    NO_TASKS,
    Entity,
    Side,
    TaskEdits,
    Token,
    parent_of,
    with_fields,
)
from plansync.seed.model import wbs_key

Pos = tuple[Token | None, str]  # (parent identity or None at the top, last number)
_MISSING: Any = object()


def last_of(wbs: str) -> str:
    return wbs.rpartition(".")[2]


def base_pos(code: str, wbs: str) -> Pos:
    parent = parent_of(wbs)
    return (("b", code, parent) if parent else None, last_of(wbs))


class TaskPlan:
    """One project's tasks: decided on construction (content, then places)."""

    def __init__(self, run: Decider, code: str, base: dict[str, Entity]) -> None:
        self.run, self.code, self.base = run, code, base
        self.edits: tuple[TaskEdits, TaskEdits] = (run.sides[0].tasks.get(code, NO_TASKS),
                                                   run.sides[1].tasks.get(code, NO_TASKS))
        self.renumbered = bool(self.edits[0].moved or self.edits[1].moved)
        self.pos = (self._side_positions(run.sides[0], self.edits[0]),
                    self._side_positions(run.sides[1], self.edits[1]))
        self.removed: set[str] = set()  # base wbs of the tasks the merge removes
        self.content: dict[str, Entity] = {}  # base wbs -> merged task (base wbs inside)
        self.placed: dict[Token, str | None] = {}  # added task -> its merged wbs
        self.added: dict[str, Entity] = {}  # merged wbs -> added task
        self.at: dict[str, Token] = {}  # merged wbs -> identity, where not the base task's
        self.dropped: set[str] = set()  # base wbs left out of a resolution (two on one wbs)
        self.unreported = False  # a base task moved that no side's diff moved (see Run)
        self.conflicted: set[Token] = set()  # tasks in conflict (kept as in the base)
        self._memo: dict[Token, str | None] = {}
        self._positions: dict[Token, Pos | None] = {}
        self._walking: set[Token] = set()
        self._decide()
        self._place()

    # --- positions each side gives base tasks

    def _side_positions(self, side: Side, edits: TaskEdits) -> dict[str, Pos]:
        """base wbs -> position, for the base tasks whose position this side changed: the
        ones it renumbered other than by following their parent, and the ones whose parent's
        wbs it gave to another task. Only a side that moved tasks here can have any."""
        if not edits.moved:
            return {}
        out: dict[str, Pos] = {}
        code = self.code
        for wbs in side.index(code, "task"):
            token = side.ident(code, wbs)
            if token[0] != "b":
                continue
            parent = parent_of(wbs)
            pos = (side.ident(code, parent) if parent else None, last_of(wbs))
            if pos != base_pos(code, token[2]):
                out[token[2]] = pos
        return out

    # --- content: kept, changed or removed

    def _decide(self) -> None:
        run, code = self.run, self.code
        touched: set[str] = set()
        for edits in self.edits:
            touched |= edits.moved.keys() | edits.removed | edits.changed.keys()
        touched |= self.pos[0].keys() | self.pos[1].keys()
        if run.prefer is not None:
            touched |= {i[2][2] for i in run.forced
                        if i[0] == "task" and i[1] == code and i[2][0] == "b"}
        for wbs in sorted(touched & self.base.keys(), key=wbs_key):
            base = self.base[wbs]
            versions = (None if wbs in self.edits[0].removed
                        else with_fields(base, self.edits[0].changed.get(wbs)),
                        None if wbs in self.edits[1].removed
                        else with_fields(base, self.edits[1].changed.get(wbs)))
            chosen = self._choose(wbs, base, versions)
            if chosen is None:
                self.removed.add(wbs)
            elif chosen is not base:
                self.content[wbs] = chosen

    def _choose(self, wbs: str, base: Entity,
                versions: tuple[Entity | None, Entity | None]) -> Entity | None:
        run = self.run
        ident = ("task", self.code, ("b", self.code, wbs))
        if run.is_forced(ident):
            return versions[run.pick]
        gone = (versions[0] is None, versions[1] is None)
        if gone[0] != gone[1]:  # removed on one side: a conflict if the other changed it
            out, keep = gone.index(True), gone.index(False)
            if versions[keep] == base and wbs not in self.pos[keep]:
                return None
            what = "changes it" if versions[keep] != base else \
                f"moves it to {run.sides[keep].wbs_of(('b', self.code, wbs))}"
            run.record("task", self.code, wbs, None, self._raws(wbs),
                       f"{run.name(out)} removes task {wbs} and {run.name(keep)} {what}")
            self.conflicted.add(("b", self.code, wbs))
            return run.settle(base, versions)
        before = len(run.conflicts)
        chosen = run.three_way("task", self.code, wbs, ident, base, versions,
                               lambda: self._raws(wbs))
        if len(run.conflicts) > before:
            self.conflicted.add(("b", self.code, wbs))
        return chosen

    def _raws(self, wbs: str) -> tuple[Any, Any, Any]:
        token = ("b", self.code, wbs)
        found = []
        for side in self.run.sides:
            own = side.wbs_of(token)
            found.append(None if own is None else side.entity(self.code, "task", own))
        return self.base.get(wbs), found[0], found[1]

    # --- places

    def _side_index(self, token: Token) -> int:
        return 0 if token[1] == self.run.sides[0].name else 1

    def _position(self, token: Token) -> Pos | None:
        found = self._positions.get(token, _MISSING)
        if found is _MISSING:
            found = self._positions[token] = self._decide_position(token)
        return found  # type: ignore[no-any-return]

    def _follows_conflict(self, token: Token) -> bool:
        """Whether a task, or a task it is placed under, is in conflict (its place then
        follows from that conflict)."""
        seen: set[Token] = set()
        node: Token | None = token
        while node is not None and node not in seen:
            if node in self.conflicted:
                return True
            seen.add(node)
            pos = self._position(node)
            node = None if pos is None else pos[0]
        return False

    def _decide_position(self, token: Token) -> Pos | None:
        if token[0] == "a":
            side = self.run.sides[self._side_index(token)]
            parent = parent_of(token[3])
            return (side.ident(self.code, parent) if parent else None, last_of(token[3]))
        wbs = token[2]
        if wbs in self.removed or wbs in self.dropped or wbs not in self.base:
            return None
        here = base_pos(self.code, wbs)
        mine, theirs = self.pos[0].get(wbs, here), self.pos[1].get(wbs, here)
        run = self.run
        if run.is_forced(("task", self.code, token)):
            return (mine, theirs)[run.pick]
        if mine == theirs or theirs == here:
            return mine
        if mine == here or self._final_pos(mine) == self._final_pos(theirs):
            return theirs
        own = [side.wbs_of(token) for side in run.sides]
        run.record("task", self.code, wbs, "wbs", (wbs, own[0], own[1]),
                   f"{run.name(0)} moves task {wbs} to {own[0]}, {run.name(1)} to {own[1]}")
        self.conflicted.add(token)
        return run.settle(here, (mine, theirs))

    def _final_pos(self, pos: Pos) -> tuple[Token | None, str]:
        return (None if pos[0] is None else self.final(pos[0]), pos[1])

    def loc(self, token: Token) -> str | None:
        """The merged wbs of a task of this project (None: not in the merge)."""
        if token[0] == "b" and not self.renumbered:
            wbs = token[2]
            gone = wbs in self.removed or wbs in self.dropped or wbs not in self.base
            return None if gone else wbs
        found = self._memo.get(token, _MISSING)
        if found is not _MISSING:
            return found  # type: ignore[no-any-return]
        chain: list[tuple[Token, str]] = []
        node: Token | None = token
        at: str | None = ""
        while node is not None:  # up the parents until a known place or the top
            known = self._memo.get(node, _MISSING)
            if known is not _MISSING:
                at = known
                break
            if node in self._walking:  # placed under each other
                self._cycle(node)
                at = None
                break
            pos = self._position(node)
            if pos is None:
                self._memo[node] = at = None
                break
            self._walking.add(node)
            chain.append((node, pos[1]))
            node = pos[0]
        for depth in range(len(chain) - 1, -1, -1):
            child, last = chain[depth]
            if at is None and depth == len(chain) - 1 and node is not None:
                self._orphan(child, node)
            at = None if at is None else (f"{at}.{last}" if at else last)
            self._memo[child] = at
            self._walking.discard(child)
        return self._memo.get(token)

    def final(self, token: Token) -> Token:
        """The identity the merge knows a task by: an added task by its merged wbs (two
        sides adding the same task there add one task)."""
        if token[0] != "a":
            return token
        where = self.placed[token] if token in self.placed else self.loc(token)
        return ("n", self.code, where) if where is not None else ("x", *token[1:])

    def removed_by(self, wbs: str) -> int | None:
        for index, edits in enumerate(self.edits):
            if wbs in edits.removed:
                return index
        return None

    def _orphan(self, child: Token, parent: Token) -> None:
        """`child` lands under `parent`, which is not in the merge: a conflict when a side
        removed the parent (otherwise the conflict that left the parent out says it)."""
        run = self.run
        if parent[0] != "b" or parent[2] not in self.removed:
            return
        remover = self.removed_by(parent[2])
        if remover is None:
            return
        if child[0] == "a":
            adder = self._side_index(child)
            entity = run.sides[adder].entity(self.code, "task", child[3])
            values = (None, entity, None) if adder == 0 else (None, None, entity)
            run.record("task", self.code, child[3], None, values,
                       f"{run.name(adder)} adds task {child[3]} under task {parent[2]}, "
                       f"which {run.name(remover)} removes")
            return
        wbs = child[2]
        run.record("task", self.code, wbs, None, self._raws(wbs),
                   f"{run.name(1 - remover)} places task {wbs} under task {parent[2]}, "
                   f"which {run.name(remover)} removes")

    def _cycle(self, node: Token) -> None:
        run = self.run
        if node[0] == "b":
            own = [side.wbs_of(node) for side in run.sides]
            run.record("task", self.code, node[2], "wbs", (node[2], own[0], own[1]),
                       f"{run.name(0)} and {run.name(1)} move tasks under each other "
                       f"(task {node[2]} would be below itself)")
        else:
            run.record("task", self.code, node[3], "wbs", (None, None, None),
                       f"{run.name(0)} and {run.name(1)} move tasks under each other")

    def _place(self) -> None:
        """Give added tasks their merged wbs; two tasks on one wbs are a conflict (two equal
        tasks added on both sides are one task)."""
        run, code = self.run, self.code
        spots: dict[str, list[Token]] = {}
        if self.renumbered:
            for wbs in self.base:
                where = self.loc(("b", code, wbs))
                if where is not None:
                    spots.setdefault(where, []).append(("b", code, wbs))
                    if where != wbs and not any(wbs in e.moved for e in self.edits):
                        self.unreported = True
        adds: dict[Token, Entity] = {}
        for index, edits in enumerate(self.edits):
            name = run.sides[index].name
            for wbs in sorted(edits.added, key=wbs_key):
                token: Token = ("a", name, code, wbs)
                adds[token] = edits.added[wbs]
                where = self.loc(token)
                if where is None and run.prefer == index:  # its parent is gone: keep it
                    where = wbs
                self.placed[token] = where
                if where is None:
                    continue
                if not self.renumbered and where not in spots and self.loc(
                        ("b", code, where)) is not None:
                    spots[where] = [("b", code, where)]
                spots.setdefault(where, []).append(token)
        for where in sorted(spots, key=wbs_key):
            tokens = spots[where]
            if len(tokens) > 1:
                tokens = self._collide(where, tokens, adds)
            for token in tokens:
                self._settle(where, token, adds)

    def _collide(self, where: str, tokens: list[Token], adds: dict[Token, Entity]
                 ) -> list[Token]:
        run = self.run
        if len(tokens) == 2 and tokens[0][0] == tokens[1][0] == "a" and \
                tokens[0][1] != tokens[1][1]:
            first, second = (adds[t] for t in tokens)
            if _without_wbs(first) == _without_wbs(second):
                return tokens  # the same task added on both sides
            if not run.is_forced(("task", self.code, ("n", self.code, where))):
                mine, theirs = (first, second) if self._side_index(tokens[0]) == 0 \
                    else (second, first)
                run.record("task", self.code, where, None, (None, mine, theirs),
                           f"{run.name(0)} and {run.name(1)} both add task {where}, with "
                           "different content")
        elif not any(map(self._follows_conflict, tokens)):  # else that conflict says it
            found = [side.entity(self.code, "task", where) for side in run.sides]
            run.record("task", self.code, where, None, (self.base.get(where), found[0], found[1]),
                       f"two tasks would take wbs {where}: "
                       + " and ".join(self._describe(t, where) for t in tokens))
        # a resolution keeps its side's task; otherwise none of them is placed
        kept = [min(tokens, key=self._rank)] if run.prefer is not None else []
        for token in tokens:
            if token not in kept:
                if token[0] == "a":
                    self.placed[token] = None
                else:
                    self.dropped.add(token[2])
        return kept

    def _rank(self, token: Token) -> tuple[int, Token]:
        pick = self.run.pick
        if token[0] == "a":
            owners = {self._side_index(token)}
        else:
            owners = {i for i in (0, 1) if token[2] in self.pos[i]}
        return (0 if pick in owners else 1 if not owners else 2), token

    def _describe(self, token: Token, where: str) -> str:
        run = self.run
        if token[0] == "a":
            name = run.name(self._side_index(token))
            moved = f" (placed at {where})" if token[3] != where else ""
            return f"{name} adds task {token[3]}{moved}"
        movers = [run.name(i) for i in (0, 1) if token[2] in self.pos[i]]
        if token[2] == where:
            return f"task {token[2]} stays"
        if not movers:
            return f"task {token[2]} follows its parent there"
        return f"{' and '.join(movers)} moves task {token[2]} there"

    def _settle(self, where: str, token: Token, adds: dict[Token, Entity]) -> None:
        if token[0] == "a":
            index = self._side_index(token)
            run = self.run
            if run.is_forced(("task", self.code, ("n", self.code, where))) and \
                    index != run.pick:
                self.placed[token] = None
                return
            self.placed[token] = where
            self.added.setdefault(where, adds[token])
            self.at[where] = ("n", self.code, where)
        elif token[2] != where:
            self.at[where] = token

    # --- results

    def loc_of(self, wbs: str) -> str | None:
        return self.loc(("b", self.code, wbs))

    def tasks(self) -> list[Entity]:
        out = []
        for wbs, task in self.base.items():
            where = self.loc_of(wbs)
            if where is None:
                continue
            task = self.content.get(wbs, task)
            out.append(task if where == wbs else {**task, "wbs": where})
        out += [{**task, "wbs": where} for where, task in self.added.items()]
        return out


def _without_wbs(task: Entity) -> Entity:
    return {k: v for k, v in task.items() if k != "wbs"}
