"""Benchmark the embedded instance (issue: import/export round trip).

    python bench/bench_instance.py [--tasks 100000] [--repeat 3]

Medians of: first import of an N-task program into an empty SQLite file, re-import of the same
document (unchanged), re-import with one task renamed, and export; against the baseline of
merely loading (strict parse) the same seed file, measured in the same run.
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_seed import plan_file  # noqa: E402

from plansync.instance.sqlite import SqliteInstance  # noqa: E402
from plansync.seed.canonical import canonical_bytes  # noqa: E402
from plansync.seed.load import load_seed  # noqa: E402


def timed(func):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def one_round(path: Path, folder: Path, n: int) -> dict[str, float]:
    load, seed = timed(lambda: load_seed(path))
    doc = seed.doc
    code = doc["program"]["code"]
    instance = SqliteInstance(str(folder / f"bench-{n}.db"))
    first, report = timed(lambda: instance.import_document(doc))
    assert report.status == "created"
    unchanged, report = timed(lambda: instance.import_document(doc))
    assert report.status == "unchanged"
    changed = copy.deepcopy(doc)
    changed["program"]["projects"][0]["tasks"][-1]["name"] += " (renamed)"
    one, report = timed(lambda: instance.import_document(changed))
    assert report.counts["tasks"].updated == 1
    export, exported = timed(lambda: instance.export_program(code))
    bytes_time, data = timed(lambda: canonical_bytes(exported))
    assert data == canonical_bytes(changed)
    instance.close()
    return {"load file (baseline)": load, "first import": first,
            "unchanged re-import": unchanged, "one-task change": one,
            "export (data)": export, "export + bytes": export + bytes_time}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    path = plan_file(args.tasks)
    rounds = []
    for n in range(args.repeat):
        with tempfile.TemporaryDirectory() as folder:
            rounds.append(one_round(path, Path(folder), n))
    print(f"{args.tasks:,} tasks, {path.stat().st_size / 1e6:.1f} MB, median of {args.repeat}")
    baseline = statistics.median(r["load file (baseline)"] for r in rounds)
    for key in rounds[0]:
        value = statistics.median(r[key] for r in rounds)
        print(f"  {key:<22} {value:7.2f} s   ({value / baseline:4.1f} x load)")


if __name__ == "__main__":
    main()
