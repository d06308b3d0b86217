"""Critical paths: chains of driving dependencies that end at a finish.

A predecessor drives a node when the node's early start equals what that dependency allows;
a chain ends (at its start) at a node nothing drives: released by the project start or a
constraint, or pinned by actual dates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from plansync.schedule.network import Link, Network, Topology


def member_start(net: Network, es: Sequence[float], m: int, j: int) -> float:
    """The start of member m of min node j (a summary's start), on j's calendar."""
    link = net.min_links.get((m, j)) if net.min_links else None
    return es[m] if link is None else float(link.forward(es[m]))


def link_value(link: Link, es: Sequence[float], d: Sequence[float]) -> float:
    """The start of link.succ that a dependency between calendars requires."""
    i, j = link.pred, link.succ
    v = float(link.forward(es[i] + (d[i] if link.kind[0] == "F" else 0.0))) + link.lag
    return v - (d[j] if link.kind[1] == "F" else 0.0)


def link_start(net: Network, topo: Topology, d: Sequence[float], es: Sequence[float],
               j: int) -> float:
    """The early start node j's incoming dependencies alone require (-inf without any); a
    finish-to-finish one no earlier than net.ff_floor[j] where that is set."""
    best = -float("inf")
    floor = net.ff_floor.get(j, -float("inf"))
    for i, lag, pf, sf in topo.incoming[j]:
        v = es[i] + lag + (d[i] if pf else 0.0) - (d[j] if sf else 0.0)
        best = max(best, max(v, floor) if pf and sf else v)
    for link in topo.links_in.get(j, ()):
        v = link_value(link, es, d)
        best = max(best, max(v, floor) if link.kind == "FF" else v)
    return best

_EPS = 1e-9


def driving_preds(
    net: Network, topo: Topology, d: Sequence[float], es: Sequence[float], j: int
) -> list[int]:
    """The predecessors whose dependency sets node j's early start, ascending."""
    if j in net.pinned or j in net.finish_pinned:
        return []
    if j in net.min_nodes:
        return sorted(m for m in net.min_nodes[j]
                      if abs(member_start(net, es, m, j) - es[j]) < _EPS)
    found = set()
    for i, lag, pf, sf in topo.incoming[j]:
        v = es[i] + lag + (d[i] if pf else 0.0) - (d[j] if sf else 0.0)
        if abs(v - es[j]) < _EPS:
            found.add(i)
    for link in topo.links_in.get(j, ()):
        if abs(link_value(link, es, d) - es[j]) < _EPS:
            found.add(link.pred)
    return sorted(found)


@dataclass(frozen=True)
class _Step:
    node: int
    after: _Step | None  # the next node towards the end of the chain


def chains(ends: Sequence[int], preds: Callable[[int], list[int]], cap: int) -> list[list[int]]:
    """Up to `cap` chains (start first) ending at `ends`, depth-first in index order."""
    out: list[list[int]] = []
    stack: list[tuple[int, _Step | None]] = [(e, None) for e in reversed(ends)]
    while stack and len(out) < cap:
        node, after = stack.pop()
        step = _Step(node, after)
        found = preds(node)
        if not found:
            out.append(_unwind(step))
        stack.extend((p, step) for p in reversed(found))
    return out


def _unwind(step: _Step | None) -> list[int]:
    nodes: list[int] = []
    while step is not None:
        nodes.append(step.node)
        step = step.after
    return nodes


def start_of_day(net: Network, es: Sequence[float], d: Sequence[float],
                 ended: frozenset[int]) -> set[int]:
    """Microsoft Project's conventions: the zero-duration nodes whose early instant is the
    start of a working day (8:00) rather than the end of one (17:00), by what sets it: the
    project start, a start constraint or cap, a manual or "must" start, the start side of a
    task with a duration, a dependency between calendars, or another such node; at one
    instant a start is the later time, so it wins a tie. (Actual dates, finish constraints and
    the finish side of work are ends of days.)"""
    zero = [j for j in range(len(d)) if d[j] == 0]
    if not zero:
        return set()
    incoming: dict[int, list[tuple[int, str, float]]] = {j: [] for j in zero}
    for i, j, kind, lag in net.edges:
        if j in incoming:
            incoming[j].append((i, kind, lag))
    links: dict[int, list[Link]] = {}
    for link in net.links:
        if link.succ in incoming:
            links.setdefault(link.succ, []).append(link)
    memo: dict[int, bool] = {}

    def near(a: float, b: float) -> bool:
        return abs(a - b) < _EPS

    def typed(j: int) -> bool:  # iterative: chains of milestones may be long
        stack = [j]
        while stack:
            k = stack[-1]
            if k in memo:
                stack.pop()
                continue
            pending = [i for i, kind, lag in incoming[k] if d[i] == 0 and i not in memo
                       and near(_side(es, d, i, kind, lag, k), es[k])]
            pending += [m for m in net.min_nodes.get(k, ()) if d[m] == 0 and m not in memo]
            if pending:
                stack.extend(pending)
                continue
            memo[k] = _starts(net, es, d, k, incoming[k], links.get(k, ()), memo, ended)
            stack.pop()
        return memo[j]

    return {j for j in zero if typed(j)}


def _after_lag(start: bool, lag: float) -> bool:
    """Working time added to a start of day (8:00) ends a day (17:00); taken from an end of
    day it lands on a start: a lag keeps the type only when it is 0."""
    return start if lag == 0 else lag < 0


def _side(es: Sequence[float], d: Sequence[float], i: int, kind: str, lag: float,
          j: int) -> float:
    return es[i] + lag + (d[i] if kind[0] == "F" else 0.0) - (d[j] if kind[1] == "F" else 0.0)


def _starts(net: Network, es: Sequence[float], d: Sequence[float], j: int,
            incoming: list[tuple[int, str, float]], links: Sequence[Link],
            memo: dict[int, bool], ended: frozenset[int]) -> bool:
    """start_of_day's answer for node j, its zero-duration predecessors already answered."""
    s = es[j]
    if j in net.pinned:
        return j not in ended
    if j in net.finish_pinned:
        return False
    release = net.release[j] if net.release else 0.0
    if j in net.start_cap or j in net.finish_cap:  # a cap below what the rest asks sets it
        floor = net.ff_floor.get(j, -float("inf"))
        asked = [release, net.finish_release.get(j, -float("inf")) - d[j]]
        asked += [max(v, floor) if kind == "FF" else v for v, kind in (
            (_side(es, d, i, kind, lag, j), kind) for i, kind, lag in incoming)]
        asked += [max(link_value(link, es, d), floor) if link.kind == "FF"
                  else link_value(link, es, d) for link in links]
        if max(asked) > s + _EPS:
            return j in net.start_cap and abs(net.start_cap[j] - s) < _EPS
    if abs(release - s) < _EPS or abs(net.ff_floor.get(j, float("nan")) - s) < _EPS:
        return True
    if j in net.start_cap and abs(net.start_cap[j] - s) < _EPS:
        return True
    for i, kind, lag in incoming:
        if abs(_side(es, d, i, kind, lag, j) - s) < _EPS and _after_lag(
                (kind[0] == "S") if d[i] > 0 else memo.get(i, False), lag):
            return True
    for link in links:
        if abs(link_value(link, es, d) - s) < _EPS and _after_lag(
                True, link.lag):  # converted through dates: a start of day, then the lag
            return True
    for m in net.min_nodes.get(j, ()):
        if abs(member_start(net, es, m, j) - s) < _EPS and (d[m] > 0 or memo.get(m, False)):
            return True
    return False
