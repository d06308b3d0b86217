"""Directed graphs over integer nodes (successor lists): topological order and cycles.

Shared by validation (plansync.seed.check) and scheduling (plansync.schedule.cpm), which
both must name a dependency cycle as a path.
"""

from __future__ import annotations


def topological_order(succs: list[list[int]]) -> list[int]:
    """Kahn's algorithm: every node whose predecessors can all be ordered, in order.
    Nodes on (or behind) a cycle are missing from the result."""
    indeg = [0] * len(succs)
    for targets in succs:
        for t in targets:
            indeg[t] += 1
    order = [u for u, k in enumerate(indeg) if k == 0]
    for u in order:  # the list grows while we walk it
        for t in succs[u]:
            indeg[t] -= 1
            if indeg[t] == 0:
                order.append(t)
    return order


def find_cycle(succs: list[list[int]], order: list[int]) -> list[int]:
    """A cycle among the nodes `order` left out, in edge direction, closed (first node
    repeated at the end). Every left-out node has a left-out predecessor, so walking
    predecessors from the smallest one must come back on itself."""
    done = set(order)
    back: dict[int, int] = {}
    for u in range(len(succs)):
        if u not in done:
            for t in succs[u]:
                if t not in done:
                    back.setdefault(t, u)
    node = min(back)
    seen: dict[int, int] = {}
    path: list[int] = []
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = back[node]
    cycle = path[seen[node]:][::-1]
    return cycle + cycle[:1]
