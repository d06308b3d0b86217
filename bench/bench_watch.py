"""Benchmark watch mode (issue 11): save-to-synced latency and CPU use while idle.

    python bench/bench_watch.py [--tasks 1000] [--saves 15] [--debounce 200] [--idle 5]

A real `plansync watch --format json` process on a Git repository holding one --tasks-task
program. Each save renames one task; the latency is from the save (the write returning) to the
watcher's "synced" event for it, as the watcher measured it and as this process saw it on the
event stream. The debounce is part of it (the watcher waits that long after the last event).
CPU while idle: the watcher's user + system CPU seconds over --idle seconds of no events (from
/proc), against the same measure of a `sleep` process (the floor).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pygit2

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_sync import commit_all  # noqa: E402
from generate import generate_program  # noqa: E402

from plansync.seed.canonical import canonical_bytes  # noqa: E402


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--saves", type=int, default=15)
    parser.add_argument("--debounce", type=int, default=200)
    parser.add_argument("--idle", type=float, default=5.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "plans"
        pygit2.init_repository(str(repo))
        doc = generate_program(args.tasks, seed=1)
        path = repo / "plan.seed.json"
        path.write_bytes(canonical_bytes(doc))
        commit_all(repo, "plans")
        watcher = subprocess.Popen(
            [sys.executable, "-m", "plansync", "watch", "--format", "json", "--debounce",
             str(args.debounce), "--instance", f"sqlite:///{tmp}/w.db"], cwd=repo,
            stdout=subprocess.PIPE, text=True)
        assert watcher.stdout is not None
        for line in watcher.stdout:
            if json.loads(line)["event"] == "watching":
                break
        reported, observed = [], []
        for n in range(args.saves):
            doc["program"]["projects"][0]["tasks"][-1]["name"] = f"save {n}"
            data = canonical_bytes(doc)
            saved = time.perf_counter()
            path.write_bytes(data)
            for line in watcher.stdout:
                event = json.loads(line)
                if event["event"] == "synced":
                    observed.append((time.perf_counter() - saved) * 1000)
                    reported.append(event["latency_ms"])
                    break
            time.sleep(0.3)
        time.sleep(1.0)
        before = cpu_seconds(watcher.pid)
        time.sleep(args.idle)
        idle = cpu_seconds(watcher.pid) - before
        floor = subprocess.Popen(["sleep", str(args.idle + 1)])
        time.sleep(args.idle)
        floor_cpu = cpu_seconds(floor.pid)
        floor.wait()
        watcher.terminate()
        watcher.wait()
    size = len(canonical_bytes(doc)) / 1e3
    print(f"{args.tasks:,}-task file ({size:.0f} kB), debounce {args.debounce} ms, "
          f"{args.saves} saves")
    print(f"  save -> synced, median: {statistics.median(observed):6.0f} ms as seen here, "
          f"{statistics.median(reported):6.0f} ms as the watcher measured (goal < 500 ms)")
    print(f"  of which the debounce:   {args.debounce:6d} ms")
    print(f"  CPU while idle for {args.idle:g} s: {idle:.3f} s (a sleeping process: "
          f"{floor_cpu:.3f} s)")


if __name__ == "__main__":
    main()
