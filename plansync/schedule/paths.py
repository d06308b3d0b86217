"""Critical paths: chains of driving dependencies that end at a finish.

A predecessor drives a node when the node's early start equals what that dependency allows;
a chain ends (at its start) at a node nothing drives: released by the project start or a
constraint, or pinned by actual dates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from plansync.schedule.network import Network, Topology


def member_start(net: Network, es: Sequence[float], m: int, j: int) -> float:
    """The start of member m of min node j (a summary's start), on j's calendar."""
    link = net.min_links.get((m, j)) if net.min_links else None
    return es[m] if link is None else float(link.forward(es[m]))


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
        i = link.pred
        v = link.forward(es[i] + (d[i] if link.kind[0] == "F" else 0.0)) + link.lag
        v -= d[j] if link.kind[1] == "F" else 0.0
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
        i = link.pred
        v = link.forward(es[i] + (d[i] if link.kind[0] == "F" else 0.0)) + link.lag
        if abs(v - (d[j] if link.kind[1] == "F" else 0.0) - es[j]) < _EPS:
            found.add(i)
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
