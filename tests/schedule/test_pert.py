"""PERT summary: reproducible, ordered percentiles, and exact for fixed durations."""

from __future__ import annotations

import math

from plansync.schedule.cpm import schedule
from plansync.schedule.pert import pert_summary
from tests.schedule.docs import dep, one, task


def estimated_chain() -> dict[str, object]:
    est = {"optimistic": 1, "likely": 2, "pessimistic": 7}
    return one([task("1", estimate=est), task("2", estimate=est), task("3", 1),
                task("4", estimate={"optimistic": 1, "likely": 1, "pessimistic": 2})],
               [dep("1", "2"), dep("2", "3")])


def test_same_seed_same_result() -> None:
    doc = estimated_chain()
    assert pert_summary(doc, 300, seed=11) == pert_summary(doc, 300, seed=11)


def test_percentiles_are_ordered_and_within_the_range() -> None:
    r = pert_summary(estimated_chain(), 500, seed=3)
    assert r.p50 is not None and r.p80 is not None and r.p95 is not None
    assert r.p50 <= r.p80 <= r.p95
    # chain 1 -> 2 -> 3 takes 1+1+1 = 3 to 7+7+1 = 15 working days from Mon 2026-01-05:
    # day 3 is Wed Jan 7, day 15 is Fri Jan 23.
    assert r.p50 >= "2026-01-07" and r.p95 <= "2026-01-23"


def test_expected_finish_and_deviation_along_the_critical_path() -> None:
    # means: (1 + 8 + 7) / 6 = 8/3 each; 8/3 + 8/3 + 1 = 6.33 days: [0, 6.33) ends in day 6
    # (Mon 5 = 0 ... Fri 9 = 4, Mon 12 = 5, Tue 13 = 6).
    # variance ((7 - 1) / 6)^2 = 1 for tasks 1 and 2, 0 for the fixed task 3: sd sqrt(2).
    r = pert_summary(estimated_chain(), 10, seed=0)
    assert r.expected_finish == "2026-01-13"
    assert r.critical_path == ["lm:1", "lm:2", "lm:3"]
    assert math.isclose(r.std_dev, math.sqrt(2))


def test_fixed_durations_give_the_cpm_finish_at_every_percentile() -> None:
    doc = one([task("1", 3), task("2", 2), task("3", 4)], [dep("1", "2")])
    r = pert_summary(doc, 50, seed=5)
    finish = schedule(doc).finish
    assert r.p50 == r.p80 == r.p95 == r.expected_finish == finish == "2026-01-09"
    assert r.std_dev == 0
