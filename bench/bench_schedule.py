"""Benchmark CPM scheduling (issues: critical-path scheduling; 16: exact scheduling).

    python bench/bench_schedule.py [--tasks 100000] [--repeat 5]

In-process medians on an N-task program (about 1.5 dependencies per task): the baseline of
merely loading the file, building the network from the document, the forward and backward
passes alone, and `schedule(doc)` whole (rows and critical paths included). Then whole
processes, interpreter start included: `plansync schedule FILE --format json` (validation and
output included), and the baseline of the same run: a process that reads the same file and
computes networkx's longest path over the same dependency graph (tasks weighted by their
duration, every dependency an edge, `dag_longest_path_length`).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
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


NETWORKX = """
import sys, orjson, networkx as nx
doc = orjson.loads(open(sys.argv[1], "rb").read())
g = nx.DiGraph()
for p in doc["program"].get("projects", []):
    code = p["code"]
    for t in p.get("tasks", []):
        g.add_node(f"{code}:{t['wbs']}", weight=t.get("duration", 0))
    for d in p.get("dependencies", []):
        a = d["from"] if ":" in d["from"] else f"{code}:{d['from']}"
        b = d["to"] if ":" in d["to"] else f"{code}:{d['to']}"
        g.add_edge(a, b)
for a, b in g.edges:
    g.edges[a, b]["weight"] = g.nodes[a]["weight"]
print(nx.dag_longest_path_length(g))
"""


def process(args: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system, its child processes included) of one whole
    process, interpreter start included. On a shared machine the CPU time is the steadier
    figure: other work on the machine stretches the wall time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
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
    }
    # whole processes, alternated so both see the same machine load
    cli = [sys.executable, "-m", "plansync", "schedule", str(path), "--format", "json"]
    graph = [sys.executable, "-c", NETWORKX, str(path)]
    runs: dict[str, list[tuple[float, float]]] = {"cli": [], "networkx": []}
    for _ in range(args.repeat):
        runs["cli"].append(process(cli))
        runs["networkx"].append(process(graph))
    print(f"{args.tasks:,} tasks, {deps:,} dependencies, median of {args.repeat}")
    base = figures["load file (baseline)"]
    for name, value in figures.items():
        print(f"  {name:<30} {value:6.2f} s   ({value / base:4.1f} x load)")
    print("whole processes (interpreter start included), median of", args.repeat,
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    wall = {k: statistics.median(w for w, _ in v) for k, v in runs.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in runs.items()}
    print(f"  {'plansync schedule --format json':<34} {wall['cli']:6.2f} s wall  "
          f"{cpu['cli']:6.2f} s CPU")
    print(f"  {'networkx longest path (baseline)':<34} {wall['networkx']:6.2f} s wall  "
          f"{cpu['networkx']:6.2f} s CPU")
    print(f"  plansync / networkx: {wall['cli'] / wall['networkx']:4.2f} x wall, "
          f"{cpu['cli'] / cpu['networkx']:4.2f} x CPU")


if __name__ == "__main__":
    main()
