"""Benchmark the team server (issue 9): HTTP against in-process, in one run.

    python bench/bench_server.py [--tasks 10000] [--repeat 5] [--clients 10] [--seconds 5]

Medians of: exporting an N-task program over HTTP (GET .../export/, the bytes) against the
same export in-process (export + canonical bytes from the same database); importing it over
HTTP (POST the file's bytes: the server parses, validates and imports) against the same work
in-process (validate the bytes, import); and requests per second of GET /api/v1/programs/
with C concurrent clients on loopback (client threads in this process, the server in its own).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_seed import median_time, plan_file  # noqa: E402

from plansync.instance.sqlite import SqliteInstance  # noqa: E402
from plansync.seed.canonical import canonical_bytes  # noqa: E402
from plansync.seed.validate import validate_bytes  # noqa: E402
from tests.serving import serve  # noqa: E402


def with_code(data: bytes, code: str) -> bytes:
    doc = json.loads(data)
    doc["program"]["code"] = code
    return canonical_bytes(doc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    data = plan_file(args.tasks).read_bytes()
    with tempfile.TemporaryDirectory() as folder, serve(Path(folder) / "team.db") as server:
        token = server.token("bench@example.com", staff=True)
        store = SqliteInstance(str(server.db))
        client = server.client(token)
        headers = {"Content-Type": "application/json"}
        assert client.post("/api/v1/programs/import/", content=data,
                           headers=headers).status_code == 201
        code = json.loads(data)["program"]["code"]
        rps = requests_per_second([server.url], token, "/api/v1/programs/", args.clients,
                                  args.seconds)

        figures: dict[str, float] = {}
        figures["export, in-process"] = median_time(
            lambda: canonical_bytes(store.export_program(code)), args.repeat)
        figures["export, HTTP"] = median_time(
            lambda: client.get(f"/api/v1/programs/{code}/export/").content, args.repeat)
        counter = iter(range(10**6))

        def local_import() -> None:
            body = with_code(data, f"local-{next(counter)}")
            seed = validate_bytes("x.seed.json", body).seed
            assert seed is not None
            store.import_document(seed.doc)

        def http_import() -> None:
            body = with_code(data, f"http-{next(counter)}")
            assert client.post("/api/v1/programs/import/", content=body,
                               headers=headers).status_code == 201

        # The body rewrite is the same in both and not what is measured: time it to subtract.
        rewrite = median_time(lambda: with_code(data, "x"), args.repeat)
        figures["first import, in-process"] = median_time(local_import, args.repeat) - rewrite
        figures["first import, HTTP"] = median_time(http_import, args.repeat) - rewrite
        store.close()
        client.close()

    print(f"{args.tasks:,} tasks, {len(data) / 1e6:.1f} MB, median of {args.repeat}")
    for key, value in figures.items():
        print(f"  {key:<28} {value:7.3f} s")
    export_ratio = figures["export, HTTP"] / figures["export, in-process"]
    print(f"  export HTTP / in-process     {export_ratio:7.2f} x   (goal < 1.5)")
    print(f"  import HTTP / in-process     "
          f"{figures['first import, HTTP'] / figures['first import, in-process']:7.2f} x")
    print(f"  GET /api/v1/programs/ (one {args.tasks:,}-task program), {args.clients} clients: "
          f"{rps:,.0f} requests/s")


def requests_per_second(urls: list[str], token: str, path: str, clients: int,
                        seconds: float) -> float:
    """GET `path` from `clients` threads (client n on server n mod len(urls)) for `seconds`:
    the successful requests per second."""
    import httpx

    done = [0] * clients
    stop = time.perf_counter() + seconds

    def worker(n: int) -> None:
        with httpx.Client(base_url=urls[n % len(urls)],
                          headers={"Authorization": f"Token {token}"}) as client:
            while time.perf_counter() < stop:
                assert client.get(path).status_code == 200
                done[n] += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - started)


if __name__ == "__main__":
    main()
