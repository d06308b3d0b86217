"""The program finish of random FS networks equals networkx's longest path."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import networkx as nx
from hypothesis import given
from hypothesis import strategies as st

from plansync.schedule.cpm import cpm_passes, schedule
from plansync.schedule.network import Network
from tests.schedule.docs import ALL_DAYS, dep, program, project, rows, task

START = date(2026, 1, 5)


@st.composite
def dags(draw: Any) -> tuple[list[int], list[tuple[int, int]]]:
    n = draw(st.integers(1, 25))
    durations = draw(st.lists(st.integers(0, 10), min_size=n, max_size=n))
    pairs = [(a, b) for b in range(n) for a in range(b)]
    edges = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=3 * n)) if pairs else []
    return durations, edges


def longest(durations: list[int], edges: list[tuple[int, int]]) -> int:
    """Largest (early start + duration) via networkx: edge u->v and u->sink weigh d(u)."""
    g = nx.DiGraph()
    sink = len(durations)
    for u, d in enumerate(durations):
        g.add_edge(u, sink, weight=d)
    for u, v in edges:
        g.add_edge(u, v, weight=durations[u])
    return int(nx.dag_longest_path_length(g, weight="weight"))


@given(dags())
def test_finish_is_the_longest_path(net: tuple[list[int], list[tuple[int, int]]]) -> None:
    durations, edges = net
    length = longest(durations, edges)
    tasks = [task(str(i + 1), d) for i, d in enumerate(durations)]
    deps = [dep(str(a + 1), str(b + 1)) for a, b in edges]
    s = schedule(program(project("p", tasks, deps, calendar="all"),
                         calendars=[{"code": "all", "workdays": ALL_DAYS}]))
    # work ends on day length - 1; a network of milestones only ends on the start day
    assert s.finish == (START + timedelta(days=max(length - 1, 0))).isoformat()
    timing = cpm_passes(Network([float(d) for d in durations],
                                [(a, b, "FS", 0.0) for a, b in edges]))
    assert timing.finish == length
    # the critical path is a chain of tasks without float whose durations add up to it
    assert sum(durations[int(k.split(":")[1]) - 1] for k in s.critical_path) == length
    r = rows(s)
    assert all(r[k].total_float == 0 for k in s.critical_path)
    assert all(0 <= row.free_float <= row.total_float for row in s.tasks)


@st.composite
def mixed_networks(draw: Any) -> Network:
    durations, pairs = draw(dags())
    kinds = st.sampled_from(["FS", "SS", "FF", "SF"])
    edges = [(a, b, draw(kinds), float(draw(st.integers(-3, 3)))) for a, b in pairs]
    return Network([float(d) for d in durations], edges)


@given(mixed_networks())
def test_both_passes_respect_every_dependency_and_early_starts_are_tight(net: Network) -> None:
    t = cpm_passes(net)
    d = net.durations
    for schedule_start in (t.es, t.ls):
        for a, b, kind, lag in net.edges:
            pred = schedule_start[a] + (d[a] if kind[0] == "F" else 0)
            succ = schedule_start[b] + (d[b] if kind[1] == "F" else 0)
            assert succ >= pred + lag - 1e-9
    for j, es in enumerate(t.es):
        assert 0 <= es <= t.ls[j] and t.ls[j] + d[j] <= t.finish
        tight = [a for a, b, kind, lag in net.edges if b == j and abs(
            t.es[a] + (d[a] if kind[0] == "F" else 0) + lag - (d[j] if kind[1] == "F" else 0) - es
        ) < 1e-9]
        assert es == 0 or tight  # nothing starts later than it must
