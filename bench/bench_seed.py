"""Benchmark validate and fmt --check (issue: seed format v1).

    python bench/bench_seed.py [--sizes 1000,10000,100000] [--repeat 3]

In-process medians per size: the baseline `json.loads` of the same text, then load (strict
parse), schema, semantic checks, validate in all (in one process, and in two: a big JSON file
is checked by a forked child and this process at once when a core is free), and canonical
bytes. Then wall-clock
medians of the pre-commit-sized CLI calls on a 1k-task file (interpreter start included,
against `python -c pass`), and fmt of a 200-task YAML file.
"""

from __future__ import annotations

import argparse
import contextlib
import json
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

from generate import generate_program  # noqa: E402

from plansync.memory import no_gc_pauses  # noqa: E402
from plansync.seed.canonical import canonical_bytes  # noqa: E402
from plansync.seed.check import semantic_problems  # noqa: E402
from plansync.seed.load import load_seed  # noqa: E402
from plansync.seed.schema import schema_problems  # noqa: E402
from plansync.seed.validate import validate_file  # noqa: E402

OUT = HERE / "out"


def median_time(func: Callable[[], Any], repeat: int, *, pause_gc: bool = False) -> float:
    """Median wall time of `func` over `repeat` runs (optionally with the GC paused, as the
    commands do around bulk work)."""
    times = []
    for _ in range(repeat):
        with no_gc_pauses() if pause_gc else contextlib.nullcontext():
            start = time.perf_counter()
            func()
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def plan_file(tasks: int, suffix: str = ".seed.json") -> Path:
    path = OUT / f"plan-{tasks}{suffix}"
    if not path.exists():
        OUT.mkdir(exist_ok=True)
        path.write_bytes(canonical_bytes(generate_program(tasks, seed=1)))
    return path


def in_process(tasks: int, repeat: int) -> dict[str, float]:
    path = plan_file(tasks)
    text = path.read_text()
    seed = load_seed(path)

    def semantic() -> None:
        with no_gc_pauses():
            semantic_problems(seed)

    def canonical() -> None:
        with no_gc_pauses():
            canonical_bytes(seed.doc)

    return {
        "MB": path.stat().st_size / 1e6,
        "json.loads (baseline)": median_time(lambda: json.loads(text), repeat),
        "load": median_time(lambda: load_seed(path), repeat),
        "schema": median_time(lambda: schema_problems(seed), repeat),
        "semantic": median_time(semantic, repeat),
        "validate, 1 process": median_time(lambda: validate_file(path, overlap=False), repeat),
        "validate, 2 processes": median_time(lambda: validate_file(path, overlap=True), repeat),
        "canonical bytes": median_time(canonical, repeat),
    }


def wall(args: list[str], repeat: int) -> float:
    return median_time(lambda: subprocess.run(args, check=False, capture_output=True), repeat)


def cli_figures(repeat: int) -> dict[str, float]:
    small = plan_file(1000)
    yaml200 = OUT / "plan-200.seed.yaml"
    if not yaml200.exists():
        subprocess.run([sys.executable, "-m", "plansync", "convert", str(plan_file(200)),
                        "-o", str(yaml200)], check=True)
    py = [sys.executable]
    return {
        "python -c pass (baseline)": wall([*py, "-c", "pass"], repeat),
        "plansync --help": wall([*py, "-m", "plansync", "--help"], repeat),
        "validate 1k": wall([*py, "-m", "plansync", "validate", str(small)], repeat),
        "fmt --check 1k": wall([*py, "-m", "plansync", "fmt", "--check", str(small)], repeat),
        "fmt --check 200-task YAML": wall([*py, "-m", "plansync", "fmt", "--check",
                                           str(yaml200)], repeat),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'tasks':>8} " + " ".join(f"{k:>22}" for k in in_process(1000, 1)))
    for size in (int(s) for s in args.sizes.split(",")):
        row = in_process(size, args.repeat)
        print(f"{size:>8} " + " ".join(f"{v:>22.3f}" for v in row.values()))
    print()
    for name, seconds in cli_figures(max(args.repeat, 5)).items():
        print(f"{name:<30} {seconds:.3f} s (median wall)")


if __name__ == "__main__":
    main()
