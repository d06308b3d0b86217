"""Benchmark `plansync sync` (issue: semantic diff, Git integration and sync).

    python bench/bench_sync.py [--programs 20] [--tasks 2000] [--repeat 3]

A Git repository of N programs (each a generated plan of --tasks tasks) is synced once; then
the medians of: a no-op sync (nothing changed), a sync where one program changed (one task
renamed), and, as the baseline, `plansync import` of that same changed program alone. All are
wall times of the real command (interpreter start included).
"""

from __future__ import annotations

import argparse
import json
import shutil
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

from plansync.seed.canonical import canonical_bytes  # noqa: E402


def plansync(*args: str, cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "plansync", *args], cwd=cwd, check=True,
                   capture_output=True)
    return time.perf_counter() - start


def make_repo(folder: Path, programs: int, tasks: int) -> Path:
    repo = folder / "plans"
    pygit2.init_repository(str(repo))
    for i in range(programs):
        doc = generate_program(tasks, seed=i + 1)
        doc["program"]["code"] = f"p{i:02d}"
        (repo / f"p{i:02d}.seed.json").write_bytes(canonical_bytes(doc))
    commit_all(repo, "plans")
    return repo


def rename_one(path: Path, round_: int) -> None:
    """Rename a task and commit the file (sync syncs committed files)."""
    doc = json.loads(path.read_text())
    doc["program"]["projects"][0]["tasks"][-1]["name"] = f"renamed {round_}"
    path.write_bytes(canonical_bytes(doc))
    commit_all(path.parent, f"round {round_}")


def commit_all(repo: Path, message: str) -> None:
    git = pygit2.Repository(str(repo))
    git.index.add_all()
    git.index.write()
    parents = [] if git.head_is_unborn else [git.head.target]
    who = pygit2.Signature("Bench", "bench@example.com")
    git.create_commit("HEAD", who, who, message, git.index.write_tree(), parents)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programs", type=int, default=20)
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = make_repo(Path(tmp), args.programs, args.tasks)
        size = sum(p.stat().st_size for p in repo.glob("*.seed.json")) / 1e6
        first = plansync("sync", cwd=repo)
        noop, one, alone = [], [], []
        changed = repo / "p00.seed.json"
        for n in range(args.repeat):
            noop.append(plansync("sync", cwd=repo))
            rename_one(changed, n)
            one.append(plansync("sync", cwd=repo))
            # the baseline: the same kind of change imported on its own, into a copy
            copy = Path(tmp) / f"copy{n}.db"
            shutil.copy(repo / ".plansync" / "instance.db", copy)
            rename_one(changed, n + 1000)
            alone.append(plansync("import", "--instance", f"sqlite:///{copy}", str(changed),
                                  cwd=repo))
            rename_one(changed, n)
    print(f"{args.programs} programs x {args.tasks} tasks ({size:.1f} MB), median of "
          f"{args.repeat}; first sync {first:.2f} s")
    m_noop, m_one, m_alone = (statistics.median(x) for x in (noop, one, alone))
    print(f"  no-op sync                      {m_noop:6.2f} s")
    print(f"  sync, one program changed       {m_one:6.2f} s")
    print(f"  import of that program alone    {m_alone:6.2f} s   (baseline)")
    print(f"  sync overhead beyond the import {m_one - m_alone:6.2f} s")


if __name__ == "__main__":
    main()
