"""Benchmark history (issue 15): `plansync history` over many commits, and
`export --timeline` of a program with many events.

    python bench/bench_history.py [--tasks 1000] [--commits 200] [--events 10000] [--repeat 3]

A Git repository where one --tasks-task plan changes in each of --commits commits (a task
renamed, every tenth commit a task added): medians of the whole `plansync history` process,
next to `git log -p --no-ext-diff` of the same file (the baseline). Then an instance holding a
program whose history has --events events: medians of the whole `plansync export --timeline`
process, next to the plain `plansync export` of it.
"""

from __future__ import annotations

import argparse
import copy
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

from generate import generate_program  # noqa: E402

from plansync.instance.sqlite import SqliteInstance  # noqa: E402
from plansync.seed.canonical import canonical_bytes  # noqa: E402


def run(args: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def leaf_tasks(doc: dict) -> list[dict]:  # type: ignore[type-arg]
    tasks = doc["program"]["projects"][0]["tasks"]
    parents = {t["wbs"].rpartition(".")[0] for t in tasks}
    return [t for t in tasks if t["wbs"] not in parents]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--commits", type=int, default=200)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    plansync = [sys.executable, "-m", "plansync"]
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        git = pygit2.init_repository(str(repo))
        doc = generate_program(args.tasks, seed=1)
        path = repo / "plan.seed.json"
        who = pygit2.Signature("Bench", "bench@example.com")
        parents: list[pygit2.Oid] = []
        for n in range(args.commits):
            if n:
                leaf_tasks(doc)[n % 50]["name"] = f"renamed {n}"
                if n % 10 == 0:
                    doc["program"]["projects"][0]["tasks"].append(
                        {"wbs": str(1000 + n), "name": f"added {n}", "duration": 1})
            path.write_bytes(canonical_bytes(doc))
            git.index.add_all()
            git.index.write()
            parents = [git.create_commit("HEAD", who, who, f"commit {n}",
                                         git.index.write_tree(), parents)]
        history = statistics.median(run([*plansync, "history", "-o", "tl.seed.json"], repo)
                                    for _ in range(args.repeat))
        log = statistics.median(run(["git", "log", "-p", "--no-ext-diff", "--", "plan.seed.json"],
                                    repo) for _ in range(args.repeat))

        store = SqliteInstance(str(Path(tmp) / "i.db"))
        small = generate_program(200, seed=2)
        store.import_document(small)
        changes = 0
        while changes < args.events:
            changed = copy.deepcopy(small)
            for i, task in enumerate(leaf_tasks(changed)[:50]):
                task["name"] = f"round {changes} {i}"
            store.import_document(changed)
            small = changed
            changes += 50
        store.close()
        address = f"sqlite:///{Path(tmp) / 'i.db'}"
        code = small["program"]["code"]
        timeline = statistics.median(run([*plansync, "export", code, "--timeline", "--instance",
                                          address], repo) for _ in range(args.repeat))
        plain = statistics.median(run([*plansync, "export", code, "--instance", address], repo)
                                  for _ in range(args.repeat))
    print(f"history of a {args.tasks:,}-task plan over {args.commits} commits: "
          f"{history:.2f} s (git log -p of the file: {log:.2f} s, {history / log:.1f}x)")
    print(f"export --timeline of a program with {changes:,} events: {timeline:.2f} s "
          f"(export of its state: {plain:.2f} s)")


if __name__ == "__main__":
    main()
