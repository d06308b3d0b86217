"""Critical-path method: topological order, forward and backward passes, and `schedule(doc)`.

The passes work on a `Network` of plain arrays (see network.py) so they can be used directly
(the PSPLIB tests do) and re-run cheaply with other durations (the Monte Carlo in pert.py does).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from plansync.graph import find_cycle, topological_order
from plansync.schedule.build import Plan, build_plan
from plansync.schedule.network import Incoming, Link, Network, Timing, Topology
from plansync.schedule.paths import link_start, member_start
from plansync.schedule.report import (
    ProjectSchedule,
    Schedule,
    ScheduleRow,
    assemble,
    task_rows,
)

__all__ = [
    "CycleError", "Network", "ProjectSchedule", "Schedule", "ScheduleRow", "Timing",
    "backward_pass", "cpm_passes", "forward_pass", "prepare", "schedule", "schedule_plan",
    "solve",
]

_EPS = 1e-9
_INF = float("inf")


class CycleError(ValueError):
    """Dependencies form a cycle; `cycle` is the path, first node repeated at the end."""

    def __init__(self, cycle: list[str]) -> None:
        super().__init__("dependencies form a cycle: " + " -> ".join(cycle))
        self.cycle = cycle


def schedule(doc: dict[str, Any], conventions: str | None = None) -> Schedule:
    """Schedule a validated seed document: dates, floats, critical paths and warnings, under
    the given conventions ("plansync" or "msproject"; default: the document's own).

    Raises CycleError if the dependencies (summary links included) form a cycle.
    """
    return schedule_plan(build_plan(doc, conventions))


def schedule_plan(plan: Plan) -> Schedule:
    """schedule(doc) of the document `plan` was built from (build_plan): the document itself
    is no longer needed."""
    topo = prepare(plan.network, plan.names)
    return assemble(plan, topo, solve(plan, topo))


def schedule_rows(doc: dict[str, Any]) -> list[ScheduleRow]:
    """The rows of schedule(doc) alone, without critical paths and warnings (cheaper)."""
    plan = build_plan(doc)
    return task_rows(plan, solve(plan, prepare(plan.network, plan.names)))


def solve(plan: Plan, topo: Topology, durations: Sequence[float] | None = None) -> Timing:
    """Both passes over a plan's network, the backward pass ending at the program finish."""
    d = plan.network.durations if durations is None else durations
    es = forward_pass(plan.network, topo, d)
    return _finish_passes(plan.network, topo, d, es, plan.end_bounds(es, d), plan.virtual)


def cpm_passes(
    net: Network, topo: Topology | None = None, durations: Sequence[float] | None = None
) -> Timing:
    """Both passes over a single-calendar network, ending at its largest early finish."""
    topo = prepare(net) if topo is None else topo
    d = net.durations if durations is None else durations
    es = forward_pass(net, topo, d)
    finish = max((s + dj for s, dj in zip(es, d, strict=True)), default=0.0)
    return _finish_passes(net, topo, d, es, [finish] * len(es))


def _finish_passes(
    net: Network, topo: Topology, d: Sequence[float], es: list[float], end: list[float],
    virtual: Sequence[bool] | None = None,
) -> Timing:
    ls = backward_pass(net, topo, d, es, end)
    ef = [s + dj for s, dj in zip(es, d, strict=True)]
    lf = [s + dj for s, dj in zip(ls, d, strict=True)]
    real = ef if virtual is None else [f for f, v in zip(ef, virtual, strict=True) if not v]
    return Timing(es, ef, ls, lf, free_floats(net, topo, d, es, end, virtual), end,
                  max(real, default=0.0))


def prepare(net: Network, names: Sequence[str] | None = None) -> Topology:
    """Incoming edges per node and a topological order (Kahn's algorithm over indices).

    Raises CycleError naming the cycle with `names` (default: the node indices).
    """
    n = len(net.durations)
    incoming: list[list[Incoming]] = [[] for _ in range(n)]
    succs: list[list[int]] = [[] for _ in range(n)]
    for p, s, kind, lag in net.edges:
        incoming[s].append((p, float(lag), kind[0] == "F", kind[1] == "F"))
        succs[p].append(s)
    links_in: dict[int, list[Link]] = {}
    for link in net.links:
        links_in.setdefault(link.succ, []).append(link)
        succs[link.pred].append(link.succ)
    for node, members in net.min_nodes.items():
        for m in members:
            succs[m].append(node)
    order = topological_order(succs)
    if len(order) < n:
        raise CycleError(_cycle_names(find_cycle(succs, order), names))
    slow_f = (frozenset(net.pinned) | set(net.finish_pinned) | set(net.min_nodes)
              | set(net.finish_release) | set(net.start_cap) | set(net.finish_cap)
              | set(links_in) | set(net.ff_floor))
    slow_b = net.frozen | net.loose | set(net.min_nodes) | set(links_in)
    return Topology(order, incoming, links_in, slow_f, frozenset(slow_b))


def _cycle_names(cycle: list[int], names: Sequence[str] | None) -> list[str]:
    labels = [names[i] if names is not None else str(i) for i in cycle]
    out = [label for k, label in enumerate(labels) if k == 0 or label != labels[k - 1]]
    return out if len(out) > 1 else out + out


def forward_pass(net: Network, topo: Topology, d: Sequence[float]) -> list[float]:
    """Early start of every node: the latest of its release and its incoming constraints."""
    es = [float(r) for r in net.release] if net.release else [0.0] * len(d)
    incoming, slow = topo.incoming, topo.slow_forward
    for j in topo.order:
        if j in slow:
            es[j] = _slow_start(net, topo, d, es, j)
            continue
        best, dj = es[j], d[j]
        for i, lag, pf, sf in incoming[j]:
            v = es[i] + lag
            if pf:
                v += d[i]
            if sf:
                v -= dj
            if v > best:
                best = v
        es[j] = best
    return es


def _slow_start(net: Network, topo: Topology, d: Sequence[float], es: list[float], j: int) -> float:
    if j in net.pinned:
        return float(net.pinned[j])
    if j in net.finish_pinned:
        return net.finish_pinned[j] - d[j]
    if j in net.min_nodes:
        return min(member_start(net, es, m, j) for m in net.min_nodes[j])
    dj = d[j]
    best = max(es[j], link_start(net, topo, d, es, j))
    if j in net.finish_release:
        best = max(best, net.finish_release[j] - dj)
    if j in net.start_cap:
        best = min(best, net.start_cap[j])
    if j in net.finish_cap:
        best = min(best, net.finish_cap[j] - dj)
    return best


def backward_pass(
    net: Network, topo: Topology, d: Sequence[float], es: list[float], end: Sequence[float]
) -> list[float]:
    """Late start of every node: the earliest of its finish bound `end`, its latest-start and
    latest-finish bounds, and what each successor's late start allows. Done (frozen) nodes keep
    their early start."""
    ls = [e - dj for e, dj in zip(end, d, strict=True)]
    for j, bound in net.start_deadline.items():
        ls[j] = min(ls[j], bound)
    for j, bound in net.finish_deadline.items():
        ls[j] = min(ls[j], bound - d[j])
    incoming, slow = topo.incoming, topo.slow_backward
    for j in reversed(topo.order):
        if j in slow and _slow_push(net, topo, d, es, ls, j):
            continue
        lj, dj = ls[j], d[j]
        for i, lag, pf, sf in incoming[j]:
            v = lj - lag
            if sf:
                v += dj
            if pf:
                v -= d[i]
            if v < ls[i]:
                ls[i] = v
    return ls


def _slow_push(
    net: Network, topo: Topology, d: Sequence[float], es: list[float], ls: list[float], j: int
) -> bool:
    """Node j's own late rules and its min members and links; True when j passes nothing to
    its predecessors."""
    if j in net.frozen:
        ls[j] = es[j]
    if ls[j] == _INF or j in net.loose:  # nothing to pass on
        return True
    for m in net.min_nodes.get(j, ()):
        if abs(member_start(net, es, m, j) - es[j]) < _EPS:  # the members making the start
            link = net.min_links.get((m, j)) if net.min_links else None
            ls[m] = min(ls[m], ls[j] if link is None else float(link.backward(ls[j])))
    for link in topo.links_in.get(j, ()):
        bound = ls[j] + (d[j] if link.kind[1] == "F" else 0.0) - link.lag
        i = link.pred
        ls[i] = min(ls[i], link.backward(bound) - (d[i] if link.kind[0] == "F" else 0.0))
    return False


def free_floats(
    net: Network, topo: Topology, d: Sequence[float], es: list[float], end: Sequence[float],
    virtual: Sequence[bool] | None = None,
) -> list[float]:
    """Per node, the least slack of its outgoing constraints in the early schedule, measured
    against the real successors: through an internal (virtual) node, against what that node's
    own successors allow. A node with no real successor gets its slack to `end`. (Not
    clamped; the report clamps.)

    One pass in reverse topological order: `limit[v]` is the latest start of virtual node v
    that moves no real successor's early start (infinity when v leads to none).
    """
    n = len(d)
    if not (virtual and any(virtual)) and not topo.links_in and not net.min_nodes:
        return _plain_free_floats(topo, d, es, end)
    free = [_INF] * n
    limit = [_INF] * n
    has_succ = [False] * n
    fake = virtual if virtual is not None else [False] * n
    incoming, links_in, min_nodes = topo.incoming, topo.links_in, net.min_nodes
    for j in reversed(topo.order):
        value = limit[j] if fake[j] else es[j]
        if value == _INF:
            continue
        dj = d[j]
        for i, lag, pf, sf in incoming[j]:
            bound = value + (dj if sf else 0.0) - lag - (d[i] if pf else 0.0)
            if fake[i]:
                limit[i] = min(limit[i], bound)
            else:
                free[i] = min(free[i], bound - es[i])
                has_succ[i] = True
        for link in links_in.get(j, ()):
            i = link.pred
            side = link.backward(value + (dj if link.kind[1] == "F" else 0.0) - link.lag)
            bound = side - (d[i] if link.kind[0] == "F" else 0.0)
            if fake[i]:
                limit[i] = min(limit[i], bound)
            else:
                free[i] = min(free[i], bound - es[i])
                has_succ[i] = True
        for m in min_nodes.get(j, ()):  # only the members that make the summary's start
            if abs(member_start(net, es, m, j) - es[j]) < _EPS:
                member = net.min_links.get((m, j)) if net.min_links else None
                bound = value if member is None else float(member.backward(value))
                free[m] = min(free[m], bound - es[m])
                has_succ[m] = True
    return [f if s else e - st - dj
            for f, s, e, st, dj in zip(free, has_succ, end, es, d, strict=True)]


def _plain_free_floats(topo: Topology, d: Sequence[float], es: list[float],
                       end: Sequence[float]) -> list[float]:
    """free_floats of a network of plain edges between real nodes (the common case, fast)."""
    free = [_INF] * len(d)
    for j, edges in enumerate(topo.incoming):
        if not edges:
            continue
        at, dj = es[j], d[j]
        for i, lag, pf, sf in edges:
            slack = at + (dj if sf else 0.0) - es[i] - lag - (d[i] if pf else 0.0)
            if slack < free[i]:
                free[i] = slack
    return [f if f != _INF else e - s - dj for f, e, s, dj in zip(free, end, es, d, strict=True)]
