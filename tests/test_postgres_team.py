"""A team on PostgreSQL: two `plansync serve` processes on one database, many clients at once,
and a server killed in the middle of an import."""

from __future__ import annotations

import contextlib
import json
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from plansync.seed.canonical import canonical_bytes
from tests.pg import Cluster
from tests.serving import Server, serve

ROOT = Path(__file__).resolve().parents[1]
APOLLO = json.loads((ROOT / "examples" / "plans" / "apollo.seed.json").read_text())
CODES = ("alpha", "beta", "gamma")


def plan(code: str, name: str = "") -> dict[str, Any]:
    doc = json.loads(json.dumps(APOLLO))
    doc["program"]["code"] = code
    doc["program"]["name"] = name or code.title()
    return doc


@pytest.fixture
def two_servers(postgres: Cluster) -> Iterator[tuple[Server, Server, str]]:
    address = postgres.address(postgres.database())
    with serve(address) as first, serve(address) as second:
        token = first.token("lead@example.com", staff=True)
        yield first, second, token


def test_two_servers_one_database_twenty_clients_no_lost_update(
        two_servers: tuple[Server, Server, str]) -> None:
    first, second, token = two_servers
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    posted: dict[str, list[bytes]] = {code: [] for code in CODES}
    for code in CODES:
        body = canonical_bytes(plan(code))
        posted[code].append(body)
        assert httpx.post(f"{first.url}/api/v1/programs/import/", content=body,
                          headers=headers).status_code == 201
    versions: dict[str, list[int]] = {code: [] for code in CODES}
    failures: list[str] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        code, server = CODES[n % 3], (first, second)[n % 2]
        with httpx.Client(base_url=server.url, headers=headers, timeout=120) as http:
            for round_ in range(3):
                exported = http.get(f"/api/v1/programs/{code}/export/")
                if exported.status_code != 200:
                    failures.append(f"export {exported.status_code}")
                    continue
                with lock:
                    if exported.content not in posted[code]:
                        failures.append(f"{code}: an export no import wrote")
                if n % 4 == 3:  # some clients only read
                    continue
                body = canonical_bytes(plan(code, f"client {n} round {round_}"))
                with lock:
                    posted[code].append(body)
                answer = http.post("/api/v1/programs/import/", content=body, headers={
                    "If-Match": exported.headers["etag"]})
                if answer.status_code == 200:
                    with lock:
                        versions[code].append(answer.json()["server_version"])
                elif answer.status_code != 409:
                    failures.append(f"import {answer.status_code}: {answer.text}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    for code in CODES:
        # Each accepted import made exactly one new version: nothing lost, nothing doubled.
        assert sorted(versions[code]) == list(range(2, 2 + len(versions[code]))), code
        summary = httpx.get(f"{second.url}/api/v1/programs/{code}/", headers=headers).json()
        assert summary["server_version"] == 1 + len(versions[code])
        final = httpx.get(f"{first.url}/api/v1/programs/{code}/export/", headers=headers)
        assert final.content in posted[code]
    assert any(versions.values()), "no import got through"


def _advisory_locks(address: str) -> int:
    with psycopg.connect(address, autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                           ).fetchone()
        return int(row[0]) if row else 0


def test_a_server_killed_in_the_middle_of_an_import_changes_nothing(postgres: Cluster) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate_program

    address = postgres.address(postgres.database())
    big = generate_program(20_000, seed=3)
    big["program"]["code"] = "big"
    with serve(address) as server:
        token = server.token("lead@example.com", staff=True)
        headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        small = plan("big", "Before")
        assert httpx.post(f"{server.url}/api/v1/programs/import/",
                          content=canonical_bytes(small), headers=headers).status_code == 201
        store = server.store()
        before = canonical_bytes(store.export_program("big"))
        store.close()

        def send() -> None:
            with contextlib.suppress(httpx.HTTPError):  # the server dies under it
                httpx.post(f"{server.url}/api/v1/programs/import/",
                           content=canonical_bytes(big), headers=headers, timeout=120)

        sender = threading.Thread(target=send)
        sender.start()
        deadline = time.monotonic() + 60
        while _advisory_locks(address) == 0:  # the import's transaction holds the lock
            assert time.monotonic() < deadline, "the import never started"
            time.sleep(0.01)
        server.process.send_signal(signal.SIGKILL)
        server.process.wait()
        sender.join()
    deadline = time.monotonic() + 30
    while _advisory_locks(address):  # PostgreSQL ends the dead connection's transaction
        assert time.monotonic() < deadline
        time.sleep(0.05)
    from plansync.instance.postgres import PostgresInstance

    store = PostgresInstance(address)
    try:
        assert store.server_version("big") == 1
        assert canonical_bytes(store.export_program("big")) == before
    finally:
        store.close()


def test_the_server_refuses_an_unmigrated_database(postgres: Cluster) -> None:
    import subprocess

    address = postgres.address(postgres.database(empty=True))
    proc = subprocess.run([sys.executable, "-m", "plansync", "serve", "--db", address,
                           "--port", "0"], capture_output=True, text=True, timeout=60,
                          check=False)
    assert proc.returncode == 3
    assert "plansync migrate --instance" in proc.stderr
    migrated = subprocess.run([sys.executable, "-m", "plansync", "migrate", "--instance",
                               address], capture_output=True, text=True, timeout=60,
                              check=False)
    assert migrated.returncode == 0 and "schema version" in migrated.stdout
    again = subprocess.run([sys.executable, "-m", "plansync", "programs", "--instance",
                            address], capture_output=True, text=True, timeout=60, check=False)
    assert (again.returncode, again.stdout.strip()) == (0, "no programs")
