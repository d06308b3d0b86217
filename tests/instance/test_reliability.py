"""All or nothing: a failed import changes nothing; concurrent imports never mix."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from plansync.errors import InstanceError
from plansync.seed.canonical import canonical_bytes
from tests.processes import children, running
from tests.stores import dump, fail_on

ROOT = Path(__file__).resolve().parents[2]
APOLLO = json.loads((ROOT / "examples" / "plans" / "apollo.seed.json").read_text())


def test_a_failure_half_way_leaves_the_instance_exactly_as_it_was(
        new_store: Callable[[], Any]) -> None:
    instance = new_store()
    instance.import_document(APOLLO)
    changed = copy.deepcopy(APOLLO)
    changed["program"]["name"] = "Apollo II"  # written early in the import
    changed["program"]["projects"][0]["tasks"][0]["name"] = "Renamed"
    changed["program"]["projects"][2]["risks"][0]["title"] = "boom"  # written late
    # A real failure inside the database, part-way through the import: risks are written
    # after the program row, projects and tasks have already been changed.
    fail_on(instance, "risks", "title", "boom")
    before = dump(instance)

    with pytest.raises(InstanceError, match="injected failure"):
        instance.import_document(changed)

    assert dump(instance) == before
    assert canonical_bytes(instance.export_program("apollo")) == canonical_bytes(APOLLO)
    assert instance.server_version("apollo") == 1


def test_concurrent_imports_both_finish_and_never_mix(new_address: Callable[[], str],
                                                     tmp_path: Path) -> None:
    from plansync.instance.address import open_instance

    address = new_address()
    open_instance(address, create=True).close()
    first = tmp_path / "a.seed.json"
    second = tmp_path / "b.seed.json"
    first.write_bytes(canonical_bytes(APOLLO))
    other = copy.deepcopy(APOLLO)
    for project in other["program"]["projects"]:
        for task in project["tasks"]:
            task["name"] = task["name"] + " v2"
    second.write_bytes(canonical_bytes(other))

    for _ in range(3):
        procs = [subprocess.Popen([sys.executable, "-m", "plansync", "import", "--instance",
                                   address, str(f)], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE) for f in (first, second)]
        results = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], results
        store = open_instance(address)
        exported = canonical_bytes(store.export_program("apollo"))
        store.close()
        assert exported in (first.read_bytes(), second.read_bytes())


def _big_plan(tmp_path: Path, tasks: int) -> Path:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from generate import generate_program
    finally:
        sys.path.pop(0)
    path = tmp_path / "big.seed.json"
    path.write_bytes(canonical_bytes(generate_program(tasks, seed=4)))
    return path


@pytest.mark.slow
def test_kill_9_of_the_import_s_second_processes_changes_nothing_of_the_answer(
        tmp_path: Path) -> None:
    """Every child process of an import (the validation's, the schedule's) killed as soon as
    it appears: the import still succeeds, with the schedule one process computes."""
    import os
    import signal
    import time

    from tests.instance.test_import_export import computed_schedule, stored_schedule

    plan = _big_plan(tmp_path, 20000)
    db = tmp_path / "killed.db"
    command = [sys.executable, "-m", "plansync", "import", "--instance", f"sqlite:///{db}",
               str(plan)]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    killed: set[int] = set()
    while proc.poll() is None:
        for child in children(proc.pid):
            if child not in killed:
                os.kill(child, signal.SIGKILL)
                killed.add(child)
        time.sleep(0.001)
    out, err = proc.communicate()
    assert killed, "no second process was seen"
    assert proc.returncode == 0, err
    assert "created" in out
    from plansync.instance.sqlite import SqliteInstance

    instance = SqliteInstance(str(db), create=False)
    try:
        expected = computed_schedule(json.loads(plan.read_bytes()))
        assert stored_schedule(instance) == expected
    finally:
        instance.close()


@pytest.mark.slow
def test_kill_9_of_an_import_leaves_nothing_and_no_child_behind(tmp_path: Path) -> None:
    import signal
    import time

    plan = _big_plan(tmp_path, 20000)
    db = tmp_path / "half.db"
    command = [sys.executable, "-m", "plansync", "import", "--instance", f"sqlite:///{db}",
               str(plan)]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wal = tmp_path / "half.db-wal"
    seen: list[int] = []
    while proc.poll() is None and not seen:  # the schedule's child: the rows are being written
        seen = children(proc.pid) if wal.exists() else []
        time.sleep(0.001)
    assert seen, "the import never forked"
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    deadline = time.monotonic() + 30
    while any(running(pid) for pid in seen) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(running(pid) for pid in seen), "a child outlived its import"
    from plansync.instance.sqlite import SqliteInstance

    instance = SqliteInstance(str(db), create=True)
    try:
        assert instance.conn.execute("SELECT count(*) FROM programs").fetchone() == (0,)
        assert instance.conn.execute("SELECT count(*) FROM tasks").fetchone() == (0,)
        assert instance.import_document(json.loads(plan.read_bytes())).status == "created"
    finally:
        instance.close()
