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
import statistics
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


def process(args: list[str], repeat: int) -> float:
    """Median wall time of a whole process (interpreter start included)."""
    return median_time(lambda: subprocess.run(args, check=True, capture_output=True), repeat)


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
    runs: dict[str, list[float]] = {"cli": [], "networkx": []}
    for _ in range(args.repeat):
        runs["cli"].append(process(cli, 1))
        runs["networkx"].append(process(graph, 1))
    print(f"{args.tasks:,} tasks, {deps:,} dependencies, median of {args.repeat}")
    base = figures["load file (baseline)"]
    for name, value in figures.items():
        print(f"  {name:<30} {value:6.2f} s   ({value / base:4.1f} x load)")
    cli_s, nx_s = statistics.median(runs["cli"]), statistics.median(runs["networkx"])
    print("whole processes (interpreter start included), median of", args.repeat)
    print(f"  {'plansync schedule --format json':<30} {cli_s:6.2f} s")
    print(f"  {'networkx longest path (baseline)':<30} {nx_s:6.2f} s   "
          f"(plansync: {cli_s / nx_s:4.2f} x networkx)")


if __name__ == "__main__":
    main()
