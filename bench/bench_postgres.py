"""Benchmark the PostgreSQL store next to SQLite (issue 13), in one run.

    python bench/bench_postgres.py [--tasks 100000] [--repeat 3] [--clients 10] [--seconds 5]

Medians of: first import of an N-task program into an empty instance, unchanged re-import,
one task changed, and export with the canonical bytes, on a private PostgreSQL (started here,
as the tests start it) and on an SQLite file; then requests per second of a program export
(a 1,000-task program) with C concurrent clients against one `plansync serve` on PostgreSQL
and against two servers on the same database (client threads in this process).
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_seed import plan_file  # noqa: E402
from bench_server import requests_per_second  # noqa: E402
from generate import generate_program  # noqa: E402

from plansync.instance.address import open_instance  # noqa: E402
from plansync.seed.canonical import canonical_bytes  # noqa: E402
from plansync.seed.load import load_seed  # noqa: E402
from tests.pg import Cluster  # noqa: E402
from tests.serving import serve  # noqa: E402


def timed(func: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def one_round(address: str, doc: dict[str, Any]) -> dict[str, float]:
    code = doc["program"]["code"]
    store = open_instance(address, create=True)
    first, report = timed(lambda: store.import_document(doc))
    assert report.status == "created"
    unchanged, report = timed(lambda: store.import_document(doc))
    assert report.status == "unchanged"
    changed = copy.deepcopy(doc)
    changed["program"]["projects"][0]["tasks"][-1]["name"] += " (renamed)"
    one, report = timed(lambda: store.import_document(changed))
    assert report.counts["tasks"].updated == 1
    export, data = timed(lambda: canonical_bytes(store.export_program(code)))
    assert data == canonical_bytes(changed)
    store.close()
    return {"first import": first, "unchanged re-import": unchanged,
            "one task changed": one, "export + bytes": export}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    doc = load_seed(plan_file(args.tasks)).doc
    cluster = Cluster().start()
    try:
        results: dict[str, list[dict[str, float]]] = {"postgresql": [], "sqlite": []}
        with tempfile.TemporaryDirectory() as folder:
            for n in range(args.repeat):
                results["postgresql"].append(one_round(cluster.fresh(), doc))
                results["sqlite"].append(one_round(f"sqlite:///{folder}/b{n}.db", doc))
        print(f"{args.tasks:,} tasks, median of {args.repeat}")
        print(f"  {'':22} {'PostgreSQL':>11} {'SQLite':>9} {'ratio':>7}")
        for key in results["sqlite"][0]:
            pg = statistics.median(r[key] for r in results["postgresql"])
            lite = statistics.median(r[key] for r in results["sqlite"])
            print(f"  {key:<22} {pg:9.2f} s {lite:7.2f} s {pg / lite:6.2f}x")
        address = cluster.address(cluster.database())
        small = generate_program(1000, seed=2)
        code = small["program"]["code"]
        with serve(address) as first, serve(address) as second:
            token = first.token("bench@example.com", staff=True)
            store = first.store()
            store.import_document(small)
            store.close()
            export = f"/api/v1/programs/{code}/export/"
            one = requests_per_second([first.url], token, export, args.clients, args.seconds)
            two = requests_per_second([first.url, second.url], token, export, args.clients,
                                      args.seconds)
        print(f"  export of a 1,000-task program, {args.clients} clients: one server "
              f"{one:,.0f} requests/s, two servers on one database {two:,.0f} requests/s")
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
