"""Benchmark the semantic diff (issues: semantic diff and its renderers; review of plan
changes).

    python bench/bench_diff.py [--tasks 100000] [--repeat 3] [--no-whole] [--before DIR]

Two versions of an N-task program: bench/generate.py's generate_program(N, seed=1) and a copy
with 1% of its tasks changed (half renamed, half with a new duration) plus three tasks
inserted at the front of one summary, which renumbers its other children and the links,
baselines and risks that name them.

In-process medians of: loading the file (json.loads, the baseline), diff_documents alone,
and diff_documents + schedule_impact. Then the whole process, as a reviewer runs it (the
interpreter's start, reading and validating both files, the diff, the output): medians of
wall time and the peak RSS of the largest process, for `plansync diff OLD NEW` with and
without the schedule impact, in two processes and in one (PLANSYNC_PARALLEL_BYTES set low or
high; by default big files take two where plansync can fork), next to `git diff --no-index
--no-ext-diff` of the same files and `python -c pass`, all in the same run. Goals: under 2 s
without the schedule impact, under 4 s with it, peak memory under 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_seed import median_time  # noqa: E402
from generate import generate_program  # noqa: E402

from plansync.diff import diff_documents, schedule_impact, summary  # noqa: E402
from plansync.seed.canonical import canonical_bytes  # noqa: E402

INSERTED = 3


def median(func: Callable[[], Any], repeat: int) -> float:
    return median_time(func, repeat, pause_gc=True)


def changed_copy(doc: dict[str, Any], fraction: float, seed: int) -> dict[str, Any]:
    """A copy of `doc` with `fraction` of its tasks renamed or re-estimated, and INSERTED
    tasks at the front of one summary task (its other children renumbered)."""
    rng = random.Random(seed)
    new: dict[str, Any] = json.loads(json.dumps(doc))
    projects = new["program"]["projects"]
    tasks = [t for p in projects for t in p.get("tasks", [])]
    picked = rng.sample(tasks, max(2, int(len(tasks) * fraction)))
    for i, task in enumerate(picked):
        if i % 2 == 0 or "duration" not in task or task.get("milestone"):
            task["name"] += " (revised)"
        else:
            task["duration"] = task["duration"] + rng.choice([1, 2, 3, -1 if task[
                "duration"] >= 1 else 1])
    insert_tasks(new, projects[len(projects) // 2])
    return new


def insert_tasks(doc: dict[str, Any], project: dict[str, Any]) -> None:
    """INSERTED new leaves at the front of the project's busiest summary task."""
    wbs = [t["wbs"] for t in project["tasks"]]
    children: dict[str, int] = {}
    for w in wbs:
        parent = w.rpartition(".")[0]
        if parent:
            children[parent] = children.get(parent, 0) + 1
    summary_wbs = max(children, key=lambda w: (children[w], w))
    prefix = summary_wbs + "."

    def renumber(w: str) -> str:
        if not w.startswith(prefix):
            return w
        head, _, tail = w[len(prefix):].partition(".")
        return f"{prefix}{int(head) + INSERTED}" + ("." + tail if tail else "")

    _renumber_everywhere(doc, project["code"], renumber)
    project["tasks"] += [{"wbs": f"{prefix}{k}", "name": f"Inserted step {k}", "duration": 2}
                         for k in range(1, INSERTED + 1)]


def _renumber_everywhere(doc: dict[str, Any], code: str, renumber: Callable[[str], str]) -> None:
    for project in doc["program"]["projects"]:
        own = project["code"] == code
        for dep in project.get("dependencies", []):
            for end in ("from", "to"):
                where, _, w = dep[end].rpartition(":")
                if (where or project["code"]) == code:
                    dep[end] = f"{where}:{renumber(w)}" if where else renumber(w)
        if not own:
            continue
        for task in project["tasks"]:
            task["wbs"] = renumber(task["wbs"])
        for baseline in project.get("baselines", []):
            for t in baseline.get("tasks", []):
                t["wbs"] = renumber(t["wbs"])
        for risk in project.get("risks", []):
            risk["tasks"] = [renumber(w) for w in risk.get("tasks", [])]


_MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
wall = time.perf_counter() - start
print(wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)
"""


def _once(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MB, of the largest process of the run: Linux reports the
    biggest descendant) and exit code of one run, from a fresh measuring process."""
    out = subprocess.run([sys.executable, "-c", _MEASURE, *command], env=env, check=True,
                         capture_output=True, text=True, cwd=cwd).stdout.split()
    return float(out[0]), int(out[1]) / 1024, int(out[2])


def whole_process(old: dict[str, Any], new: dict[str, Any], tasks: int, repeat: int,
                  before: str | None) -> None:
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    a, b = out / f"diff-old-{tasks}.seed.json", out / f"diff-new-{tasks}.seed.json"
    a.write_bytes(canonical_bytes(old))
    b.write_bytes(canonical_bytes(new))
    plansync = [sys.executable, "-m", "plansync"]
    # Run from bench/out with this checkout on PYTHONPATH: `python -m` puts the working
    # folder first on sys.path, which would shadow the --before one.
    env = {k: v for k, v in os.environ.items() if k != "PLANSYNC_PARALLEL_BYTES"}
    env["PYTHONPATH"] = os.pathsep.join([str(HERE.parent), *filter(None, [env.get(
        "PYTHONPATH")])])
    one = {**env, "PLANSYNC_PARALLEL_BYTES": str(1 << 40)}
    two = {**env, "PLANSYNC_PARALLEL_BYTES": str(8 << 20)}  # whatever the load
    old_code = {**two, "PYTHONPATH": before} if before else None
    diff = [*plansync, "diff", str(a), str(b)]
    runs: list[tuple[str, list[str], dict[str, str]]] = [
        ("python -c pass", [sys.executable, "-c", "pass"], env),
        ("git diff --no-index --no-ext-diff", ["git", "diff", "--no-index", "--no-ext-diff",
                                               str(a), str(b)], env),
        ("plansync validate NEW", [*plansync, "validate", str(b)], env)]
    for extra in (["--no-schedule"], []):
        name = " ".join(["diff", *extra])
        if old_code:
            runs.append((f"{name} (before, 2 processes)", [*diff, *extra], old_code))
        runs += [(f"{name} (1 process)", [*diff, *extra], one),
                 (f"{name} (2 processes)", [*diff, *extra], two)]
    runs.append(("diff --format markdown (default)", [*diff, "--format", "markdown"], env))
    figures: dict[str, list[tuple[float, float, int]]] = {name: [] for name, _, _ in runs}
    loads = []
    for _ in range(repeat):  # interleaved: a load that comes and goes hits every command
        for name, command, variables in runs:
            figures[name].append(_once(command, variables, out))
            loads.append(os.getloadavg()[0])
    print(f"whole process, median of {repeat} (best in brackets); 1-minute load average "
          f"{min(loads):.1f} to {max(loads):.1f} on {os.cpu_count()} cores")
    for name, found in figures.items():
        walls = [w for w, _, _ in found]
        print(f"  {name:<44} {statistics.median(walls):6.2f} s ({min(walls):5.2f})  "
              f"{max(p for _, p, _ in found):5.0f} MB  exit {found[-1][2]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-whole", dest="whole", action="store_false",
                        help="only the in-process figures")
    parser.add_argument("--before", metavar="DIR",
                        help="also run an older plansync from its source folder (e.g. `git "
                        "archive main | tar -x -C DIR`) on the same files, in the same run "
                        "(two processes)")
    args = parser.parse_args()
    old = generate_program(args.tasks, seed=1)
    new = changed_copy(old, 0.01, seed=2)
    data = canonical_bytes(old)
    changes = diff_documents(old, new)
    counts = {kind: {op: n for op, n in row.items() if n} for kind, row in summary(changes).items()}
    figures = {
        "load file (json.loads)": median(lambda: json.loads(data), args.repeat),
        "diff_documents": median(lambda: diff_documents(old, new), args.repeat),
        "diff + schedule_impact": median(
            lambda: schedule_impact(old, new, diff_documents(old, new)), args.repeat),
    }
    impact = schedule_impact(old, new, changes)
    print(f"{args.tasks:,} tasks ({len(data) / 1e6:.0f} MB), {len(changes):,} changes: {counts}")
    if impact is not None:
        print(f"  program finish {impact['program']['finish']}, "
              f"{len(impact['projects'])} projects' finish moved, "
              f"{len(impact['joined_critical'])} joined / {len(impact['left_critical'])} left "
              f"the critical path, {impact['moved_total']} leaf tasks moved")
    print(f"median of {args.repeat}")
    base = figures["load file (json.loads)"]
    for name, value in figures.items():
        print(f"  {name:<24} {value:6.2f} s   ({value / base:4.1f} x load)")
    if args.whole:
        whole_process(old, new, args.tasks, args.repeat, args.before)


if __name__ == "__main__":
    main()
