"""Three-point estimates: PERT expected finish and a seeded Monte Carlo of the program finish."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

from plansync.schedule.build import Plan, build_plan
from plansync.schedule.calendar import iso_date
from plansync.schedule.cpm import forward_pass, prepare, solve
from plansync.schedule.network import Topology
from plansync.schedule.report import assemble

PERCENTILES = (0.50, 0.80, 0.95)


@dataclass(frozen=True)
class PertResult:
    """PERT view of a program.

    expected_finish: the CPM finish with every estimated task on its PERT mean.
    std_dev: working days, sqrt of the summed variances ((p - o) / 6)^2 along critical_path.
    p50/p80/p95: program finish dates reached in at least that share of `samples` runs.
    All dates are None for a program without projects.
    """

    expected_finish: str | None
    std_dev: float
    critical_path: list[str]
    p50: str | None
    p80: str | None
    p95: str | None
    samples: int
    seed: int


def pert_summary(doc: dict[str, Any], samples: int = 1000, seed: int = 0,
                 conventions: str | None = None) -> PertResult:
    """PERT summary of a validated document; the same (doc, samples, seed) gives the same result.

    Each sample draws every estimated task's duration from a PERT-Beta distribution
    (random.Random(seed)), reruns the forward pass and records the program finish date.
    """
    plan = build_plan(doc, conventions)
    topo = prepare(plan.network, plan.names)
    result = assemble(plan, topo, solve(plan, topo))
    index = {name: j for j, name in enumerate(plan.names) if not plan.virtual[j]}
    variance = sum(_variance(*plan.estimates[index[k]]) for k in result.critical_path
                   if index[k] in plan.estimates)
    finishes = sorted(_samples(plan, topo, samples, random.Random(seed)))
    p50, p80, p95 = (_percentile(finishes, q) for q in PERCENTILES)
    return PertResult(result.finish, math.sqrt(variance), result.critical_path,
                      p50, p80, p95, samples, seed)


def _variance(o: float, likely: float, p: float) -> float:
    return ((p - o) / 6) ** 2


def sample_duration(rng: random.Random, o: float, likely: float, p: float) -> float:
    """A PERT-Beta draw on [o, p] with mode `likely` (shape 4): o when p == o."""
    if p <= o:
        return float(o)
    alpha = 1 + 4 * (likely - o) / (p - o)
    beta = 1 + 4 * (p - likely) / (p - o)
    return o + (p - o) * rng.betavariate(alpha, beta)


def _samples(plan: Plan, topo: Topology, count: int, rng: random.Random) -> list[int]:
    """Program finish day ordinals of `count` runs (the topological order is reused)."""
    base = list(plan.network.durations)
    estimated = sorted(plan.estimates.items())
    out: list[int] = []
    for _ in range(count):
        d = base[:]
        for j, (o, likely, p) in estimated:
            d[j] = sample_duration(rng, o, likely, p)
        finish = plan.finish_ordinal(forward_pass(plan.network, topo, d), d)
        if finish is not None:
            out.append(finish)
    return out


def _percentile(ordinals: list[int], q: float) -> str | None:
    """Nearest-rank percentile: the smallest value reached in at least q of the runs."""
    if not ordinals:
        return None
    return iso_date(ordinals[max(math.ceil(q * len(ordinals)) - 1, 0)])
