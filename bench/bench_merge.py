"""Benchmark the three-way merge against the two diffs it is built on.

    python bench/bench_merge.py [--tasks 100000] [--repeat 3]

The base is bench/generate.py's generate_program(N, seed=1). Mine changes 1% of its tasks
(half renamed, half re-estimated) and inserts three tasks at the front of one summary, which
renumbers its other children and the links, baselines and risks that name them (as
bench_diff.py does). Theirs changes another 1% of the tasks (notes and statuses; never one
mine changed) and the lag of 1% of the links. The merge has no conflict.

In-process medians of: the two diffs alone (diff_documents(base, mine) and
diff_documents(base, theirs)), and merge_documents(base, mine, theirs), which computes those
two diffs, merges them, builds the merged document in canonical order and validates it
(shown apart: the merge without that last check). The figure is the ratio merge / two
diffs.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_diff import insert_tasks, median  # noqa: E402
from generate import generate_program  # noqa: E402

from plansync.diff import diff_documents, summary  # noqa: E402
from plansync.memory import no_gc_pauses  # noqa: E402
from plansync.merge import _Context, merge_documents  # noqa: E402
from plansync.merge.order import canonical_order  # noqa: E402


def two_sides(doc: dict[str, Any], fraction: float, seed: int
              ) -> tuple[dict[str, Any], dict[str, Any]]:
    """Mine and theirs: each `fraction` of the tasks edited, never the same task."""
    rng = random.Random(seed)
    mine: dict[str, Any] = json.loads(json.dumps(doc))
    theirs: dict[str, Any] = json.loads(json.dumps(doc))
    count = sum(len(p.get("tasks", [])) for p in doc["program"]["projects"])
    picked = rng.sample(range(count), 2 * max(2, int(count * fraction)))
    half = len(picked) // 2
    for_mine, for_theirs = set(picked[:half]), set(picked[half:])
    tasks_mine = [t for p in mine["program"]["projects"] for t in p.get("tasks", [])]
    tasks_theirs = [t for p in theirs["program"]["projects"] for t in p.get("tasks", [])]
    for i in sorted(for_mine):
        task = tasks_mine[i]
        if i % 2 == 0 or "duration" not in task or task.get("milestone"):
            task["name"] += " (revised)"
        else:
            task["duration"] += 1
    for i in sorted(for_theirs):
        task = tasks_theirs[i]
        if i % 2 == 0:
            task["notes"] = "checked by the other team"
        else:
            task["status"] = "blocked"
    links = [d for p in theirs["program"]["projects"] for d in p.get("dependencies", [])]
    for dep in rng.sample(links, max(1, int(len(links) * fraction))):
        dep["lag"] = dep.get("lag", 0) + 1
    projects = mine["program"]["projects"]
    insert_tasks(mine, projects[len(projects) // 2])
    return mine, theirs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    base = generate_program(args.tasks, seed=1)
    mine, theirs = two_sides(base, 0.01, seed=2)
    result = merge_documents(base, mine, theirs)
    assert result.merged is not None, result.conflicts[:3]

    def counts(changes: list[Any]) -> dict[str, dict[str, int]]:
        return {kind: {op: n for op, n in row.items() if n}
                for kind, row in summary(changes).items()}

    print(f"{args.tasks:,} tasks; mine: {counts(result.mine)}")
    print(f"{' ' * len(f'{args.tasks:,} tasks;')} theirs: {counts(result.theirs)}")
    diffs = median(lambda: (diff_documents(base, mine), diff_documents(base, theirs)),
                   args.repeat)
    merge = median(lambda: merge_documents(base, mine, theirs), args.repeat)

    def unchecked() -> Any:
        with no_gc_pauses():
            return canonical_order(_Context(base, mine, theirs).run().doc)

    alone = median(unchecked, args.repeat)
    print(f"median of {args.repeat}")
    print(f"  two diffs                        {diffs:6.2f} s")
    print(f"  merge_documents                  {merge:6.2f} s   "
          f"({merge / diffs:4.2f} x the two diffs)")
    print(f"    of which the merge itself      {alone:6.2f} s   "
          f"({alone / diffs:4.2f} x the two diffs)")
    print(f"    and validating its result      {merge - alone:6.2f} s")


if __name__ == "__main__":
    main()
