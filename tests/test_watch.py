"""`plansync watch`: a real process, a real observer on a temporary repository, real saves;
the assertions are on what the instance holds, not on log text."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from plansync.instance.sqlite import SqliteInstance
from plansync.seed.canonical import canonical_bytes
from tests.gitrepos import commit_all, repo_with_examples

ROOT = Path(__file__).resolve().parents[1]
APOLLO = json.loads((ROOT / "examples" / "plans" / "apollo.seed.json").read_text())


class Watching:
    """A `plansync watch --format json` process and the events it printed."""

    def __init__(self, repo: Path, db: Path, *args: str, env: dict[str, str] | None = None):
        self.repo, self.db = repo, db
        self.process = subprocess.Popen(
            [sys.executable, "-m", "plansync", "watch", "--format", "json", "--instance",
             f"sqlite:///{db}", *args], cwd=repo, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})})
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.seen: list[dict[str, Any]] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.wait_for(lambda e: e["event"] == "watching")

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.events.put(json.loads(line))

    def wait_for(self, match: Callable[[dict[str, Any]], bool],
                 timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                event = self.events.get(timeout=0.1)
            except queue.Empty:
                continue
            self.seen.append(event)
            if match(event):
                return event
        raise AssertionError(f"no such event; seen: {self.seen}")

    def program(self, code: str = "apollo") -> dict[str, Any] | None:
        store = SqliteInstance(str(self.db))
        try:
            if store.server_version(code) is None:
                return None
            return store.export_program(code)
        finally:
            store.close()

    def version(self, code: str = "apollo") -> int | None:
        store = SqliteInstance(str(self.db))
        try:
            return store.server_version(code)
        finally:
            store.close()

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        finally:
            for stream in (self.process.stdout, self.process.stderr):
                if stream is not None:
                    stream.close()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    work = repo_with_examples(tmp_path / "plans", "plans")
    commit_all(work, "plans")
    return work


@pytest.fixture
def watching(repo: Path, tmp_path: Path) -> Iterator[Watching]:
    watcher = Watching(repo, tmp_path / "team.db")
    yield watcher
    assert watcher.stop() == 0


def named(name: str) -> bytes:
    doc = json.loads(json.dumps(APOLLO))
    doc["program"]["name"] = name
    return canonical_bytes(doc)


def synced(name: str) -> Callable[[dict[str, Any]], bool]:
    return lambda e: e["event"] == "synced" and e.get("program") == "apollo"


def test_start_syncs_everything_then_follows_in_place_saves(watching: Watching) -> None:
    assert watching.version("apollo") == 1 and watching.version("gemini") == 1
    (watching.repo / "plans" / "apollo.seed.json").write_bytes(named("Saved in place"))
    event = watching.wait_for(synced("apollo"))
    assert watching.program()["program"]["name"] == "Saved in place"  # type: ignore[index]
    assert event["server_version"] == 2 and event["counts"]["updated"] >= 1
    assert 0 < event["latency_ms"] < 10_000


def test_an_atomic_rename_save_and_editor_temp_files(watching: Watching) -> None:
    plans = watching.repo / "plans"
    (plans / ".apollo.seed.json.swp").write_bytes(b"vim swap")
    (plans / "4913").write_bytes(b"")
    temp = plans / "apollo.seed.json.tmp"
    temp.write_bytes(named("Renamed over"))
    os.replace(temp, plans / "apollo.seed.json")
    watching.wait_for(synced("apollo"))
    assert watching.program()["program"]["name"] == "Renamed over"  # type: ignore[index]
    assert all(e.get("path", "").endswith((".seed.json", ".seed.yaml")) or "path" not in e
               for e in watching.seen)


def test_an_invalid_save_leaves_the_instance_alone_until_it_is_fixed(
        watching: Watching) -> None:
    path = watching.repo / "plans" / "apollo.seed.json"
    path.write_text('{"version": 1, "program": {"code": "apollo"')
    event = watching.wait_for(lambda e: e["event"] == "invalid")
    assert event["problems"][0]["line"] == 1
    assert watching.version() == 1
    path.write_bytes(named("Fixed"))
    watching.wait_for(synced("apollo"))
    assert watching.program()["program"]["name"] == "Fixed"  # type: ignore[index]


def test_a_burst_of_saves_is_one_import_of_the_last_state(watching: Watching) -> None:
    path = watching.repo / "plans" / "apollo.seed.json"
    for n in range(20):
        path.write_bytes(named(f"Burst {n}"))
        time.sleep(0.01)
    watching.wait_for(synced("apollo"))
    time.sleep(0.6)  # anything else would have settled by now
    assert watching.version() == 2
    assert watching.program()["program"]["name"] == "Burst 19"  # type: ignore[index]


def test_new_files_and_new_folders_are_followed(watching: Watching) -> None:
    other = json.loads(json.dumps(APOLLO))
    other["program"]["code"] = "athena"
    (watching.repo / "plans" / "athena.seed.json").write_bytes(canonical_bytes(other))
    watching.wait_for(lambda e: e.get("program") == "athena" and e["event"] == "synced")
    third = dict(other, program={**other["program"], "code": "hermes"})
    deep = watching.repo / "plans" / "new" / "deeper"
    deep.mkdir(parents=True)
    (deep / "hermes.seed.json").write_bytes(canonical_bytes(third))
    event = watching.wait_for(lambda e: e.get("program") == "hermes")
    assert event["path"] == "plans/new/deeper/hermes.seed.json"
    assert watching.version("athena") == 1 and watching.version("hermes") == 1


def test_a_deleted_file_keeps_its_program_unless_pruning(repo: Path, tmp_path: Path) -> None:
    watcher = Watching(repo, tmp_path / "a.db")
    (repo / "plans" / "gemini.seed.yaml").unlink()
    event = watcher.wait_for(lambda e: e["event"] == "deleted")
    assert event["program"] == "gemini" and watcher.version("gemini") == 1
    assert watcher.stop() == 0
    (repo / "plans" / "gemini.seed.yaml").write_bytes(
        (ROOT / "examples" / "plans" / "gemini.seed.yaml").read_bytes())
    pruning = Watching(repo, tmp_path / "a.db", "--prune")
    (repo / "plans" / "gemini.seed.yaml").unlink()
    pruning.wait_for(lambda e: e["event"] == "pruned")
    assert pruning.version("gemini") is None and pruning.version("apollo") == 1
    assert pruning.stop() == 0


def test_a_change_on_the_instance_is_never_overwritten(watching: Watching) -> None:
    store = SqliteInstance(str(watching.db))
    doc = json.loads(named("Changed on the instance"))
    store.import_document(doc)
    store.close()
    (watching.repo / "plans" / "apollo.seed.json").write_bytes(named("Changed in the file"))
    event = watching.wait_for(lambda e: e.get("program") == "apollo"
                              and e["event"] in ("conflict", "drift", "diverged"))
    assert event["event"] == "conflict"
    assert watching.program()["program"]["name"] == "Changed on the instance"  # type: ignore


def test_a_locked_instance_is_retried_and_the_watcher_keeps_running(
        repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "locked.db"
    watcher = Watching(repo, db, env={"PLANSYNC_LOCK_TIMEOUT": "0.2"})
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sqlite3, time\n"
        f"c = sqlite3.connect({str(db)!r}, isolation_level=None)\n"
        "c.execute('BEGIN IMMEDIATE')\n"
        "print('locked', flush=True)\n"
        "time.sleep(2)\n")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        (repo / "plans" / "apollo.seed.json").write_bytes(named("After the lock"))
        error = watcher.wait_for(lambda e: e["event"] == "error")
        assert "locked" in error["message"] and error["retry_in_s"] >= 1
    finally:
        holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()
    watcher.wait_for(synced("apollo"))
    assert watcher.program()["program"]["name"] == "After the lock"  # type: ignore[index]
    assert watcher.stop() == 0


def test_once_syncs_what_differs_and_exits(repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "once.db"
    proc = subprocess.run([sys.executable, "-m", "plansync", "watch", "--once", "--instance",
                           f"sqlite:///{db}"], cwd=repo, capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "apollo create" in proc.stdout and "gemini create" in proc.stdout
    store = SqliteInstance(str(db))
    assert [p.code for p in store.programs()] == ["apollo", "gemini"]
    store.close()


def test_watch_over_http_and_an_unreachable_server_is_retried(repo: Path,
                                                              tmp_path: Path) -> None:
    from tests.serving import serve

    with serve(tmp_path / "team.db") as server:
        token = server.token("watcher@example.com", staff=True)
        watcher = Watching.__new__(Watching)
        watcher.repo, watcher.db = repo, tmp_path / "team.db"
        watcher.process = subprocess.Popen(
            [sys.executable, "-m", "plansync", "watch", "--format", "json", "--instance",
             server.url], cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, env={**os.environ, "PLANSYNC_TOKEN": token})
        watcher.events, watcher.seen = queue.Queue(), []
        threading.Thread(target=watcher._read, daemon=True).start()
        watcher.wait_for(lambda e: e["event"] == "watching")
        (repo / "plans" / "apollo.seed.json").write_bytes(named("Over HTTP"))
        watcher.wait_for(synced("apollo"))
        assert watcher.program()["program"]["name"] == "Over HTTP"  # type: ignore[index]
        assert watcher.stop() == 0
    down = subprocess.Popen([sys.executable, "-m", "plansync", "watch", "--format", "json",
                             "--instance", "http://127.0.0.1:9"], cwd=repo,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PLANSYNC_TOKEN": "x"})
    try:
        assert down.stdout is not None
        first = json.loads(down.stdout.readline())
        assert first["event"] == "error" and "cannot reach" in first["message"]
        assert down.poll() is None  # still running, retrying
    finally:
        down.send_signal(signal.SIGTERM)
        down.communicate(timeout=30)
    assert down.returncode == 0


def test_a_delete_then_create_save_is_one_sync_of_the_new_file(watching: Watching) -> None:
    path = watching.repo / "plans" / "apollo.seed.json"
    path.unlink()
    path.write_bytes(named("Deleted and written again"))
    event = watching.wait_for(lambda e: e.get("program") == "apollo"
                              and e["event"] in ("synced", "deleted"))
    assert event["event"] == "synced"
    assert watching.program()["program"]["name"] == "Deleted and written again"  # type: ignore
    assert watching.version() == 2
