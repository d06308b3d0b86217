"""Benchmark the converters on large inputs (10,000 rows by default).

    python bench/bench_convert.py [--tasks 10000] [--repeat 5]

Inputs are made here: a task sheet (CSV and XLSX) of N rows in a three-level WBS with one
predecessor per row and an assignee, the task JSON of the same plan, and a Microsoft Project
for the web export of N tasks with N-1 links. Each conversion is timed in-process (read,
map, validate as a seed, canonical bytes) and shown next to a baseline that only parses the
same input in the same run (csv.reader, json.loads, openpyxl's read-only reader), as a ratio.
The seed -> sheet exports are shown too (against canonical_bytes of the seed). Medians.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from plansync.convert import convert  # noqa: E402
from plansync.memory import no_gc_pauses  # noqa: E402
from plansync.seed.canonical import canonical_bytes  # noqa: E402


def median(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        with no_gc_pauses():
            fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def sheet_rows(n: int) -> list[list[str]]:
    """Rows of a sheet: groups of 1 + 10 x (1 + 9) tasks, each leaf after the one before."""
    rows = [["Sequence", "Task", "Task 2", "Task 3", "Dependencies", "Planned start date",
             "Planned finish date", "Assigned to", "Status"]]
    seq = 0
    last_leaf = 0
    while seq < n:
        seq += 1
        rows.append([str(seq), f"Phase {seq}", "", "", "", "", "", "", ""])
        for _ in range(10):
            if seq >= n:
                break
            seq += 1
            rows.append([str(seq), "", f"Step {seq}", "", "", "", "", "", ""])
            for _ in range(9):
                if seq >= n:
                    break
                seq += 1
                deps = f"{last_leaf}fs" if last_leaf else ""
                who = f"Person {seq % 50} <p{seq % 50}@example.com>"
                rows.append([str(seq), "", "", f"Work {seq}", deps, "2026-03-02",
                             "2026-03-06", who, "To do" if seq % 3 else "In progress"])
                last_leaf = seq
    return rows


def msproject(n: int) -> dict[str, Any]:
    tasks = [{"id": f"t-{i}", "name": f"Task {i}", "outlineNumber": str(i),
              "duration": 28800 * (1 + i % 5), "percentComplete": i % 101,
              "scheduledStart": "2026-03-02T08:00:00Z", "priority": 5} for i in range(1, n + 1)]
    links = [{"predecessorId": f"t-{i}", "successorId": f"t-{i + 1}", "linkType":
              "FinishToStart", "delay": 0} for i in range(1, n)]
    return {"project": {"name": "Big", "projectStart": "2026-03-02T08:00:00Z",
                        "tasks": tasks, "links": links}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    n, repeat = args.tasks, args.repeat
    folder = Path(tempfile.mkdtemp(prefix="bench-convert-"))
    rows = sheet_rows(n)
    csv_path = folder / "big.csv"
    with csv_path.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    seed_path = folder / "big.seed.json"
    seed_path.write_bytes(convert(str(csv_path), target_format="seed-json").data)
    xlsx_path = folder / "big.xlsx"
    xlsx_path.write_bytes(convert(str(seed_path), target_format="xlsx").data)
    tasks_path = folder / "big.json"
    tasks_path.write_bytes(convert(str(seed_path), target_format="tasks-json").data)
    ms_path = folder / "ms.json"
    ms_path.write_text(json.dumps(msproject(n)))

    def read_csv() -> None:
        list(csv.reader(io.StringIO(csv_path.read_text())))

    def read_xlsx() -> None:
        import openpyxl

        book = openpyxl.load_workbook(xlsx_path, read_only=True)
        list(book.worksheets[0].iter_rows(values_only=True))
        book.close()

    seed_doc = json.loads(seed_path.read_text())
    cases = [
        ("csv -> seed", lambda: convert(str(csv_path), target_format="seed-json"), read_csv,
         "csv.reader"),
        ("xlsx -> seed", lambda: convert(str(xlsx_path), target_format="seed-json"),
         read_xlsx, "openpyxl read"),
        ("tasks-json -> seed", lambda: convert(str(tasks_path), target_format="seed-json"),
         lambda: json.loads(tasks_path.read_text()), "json.loads"),
        ("msproject-json -> seed", lambda: convert(str(ms_path), target_format="seed-json"),
         lambda: json.loads(ms_path.read_text()), "json.loads"),
        ("seed -> csv", lambda: convert(str(seed_path), target_format="csv"),
         lambda: canonical_bytes(seed_doc), "canonical_bytes"),
        ("seed -> xlsx", lambda: convert(str(seed_path), target_format="xlsx"),
         lambda: canonical_bytes(seed_doc), "canonical_bytes"),
    ]
    from plansync.convert import mpxj

    if mpxj.available() is None:  # the extra and Java are there
        xml_path = folder / "big.xml"
        xml_path.write_bytes(convert(str(seed_path), target_format="mspdi").data)
        cases += [
            ("mspdi -> seed", lambda: convert(str(xml_path), target_format="seed-json"),
             lambda: canonical_bytes(seed_doc), "canonical_bytes"),
            ("seed -> mspdi", lambda: convert(str(seed_path), target_format="mspdi"),
             lambda: canonical_bytes(seed_doc), "canonical_bytes"),
        ]
    print(f"{n:,} tasks, median of {repeat}")
    print("| conversion | time | baseline | baseline time | ratio |")
    print("| --- | --- | --- | --- | --- |")
    for name, fn, base, label in cases:
        t, b = median(fn, repeat), median(base, repeat)
        print(f"| {name} | {t:.2f} s | {label} | {b:.3f} s | {t / b:.0f}x |")


if __name__ == "__main__":
    main()
