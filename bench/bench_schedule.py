"""Benchmark CPM scheduling (issue: critical-path scheduling).

    python bench/bench_schedule.py [--tasks 100000] [--repeat 3]

In-process medians on an N-task program (about 1.5 dependencies per task): the baseline of
merely loading the file, building the network from the document, the forward and backward
passes alone, and `schedule(doc)` whole (rows and critical paths included); then the wall time
of `plansync schedule FILE --format json` end to end (validation and output included).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_seed import median_time, plan_file  # noqa: E402

from plansync.schedule.build import build_plan  # noqa: E402
from plansync.schedule.cpm import backward_pass, forward_pass, prepare, schedule  # noqa: E402
from plansync.seed.load import load_seed  # noqa: E402


def median(func: Callable[[], Any], repeat: int) -> float:
    return median_time(func, repeat, pause_gc=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    path = plan_file(args.tasks)
    doc = load_seed(path).doc
    plan = build_plan(doc)
    topo = prepare(plan.network, plan.names)
    net, d = plan.network, plan.network.durations
    end = plan.end_bounds(forward_pass(net, topo, d), d)
    deps = sum(len(p.get("dependencies", [])) for p in doc["program"]["projects"])
    figures = {
        "load file (baseline)": median(lambda: load_seed(path), args.repeat),
        "build network": median(lambda: build_plan(doc), args.repeat),
        "topological order": median(lambda: prepare(net, plan.names), args.repeat),
        "forward + backward pass": median(
            lambda: backward_pass(net, topo, d, forward_pass(net, topo, d), end),
            args.repeat),
        "schedule(doc) whole": median(lambda: schedule(doc), args.repeat),
        "plansync schedule (CLI)": median(lambda: subprocess.run(
            [sys.executable, "-m", "plansync", "schedule", str(path), "--format", "json"],
            check=True, capture_output=True), args.repeat),
    }
    print(f"{args.tasks:,} tasks, {deps:,} dependencies, median of {args.repeat}")
    base = figures["load file (baseline)"]
    for name, value in figures.items():
        print(f"  {name:<26} {value:6.2f} s   ({value / base:4.1f} x load)")


if __name__ == "__main__":
    main()
