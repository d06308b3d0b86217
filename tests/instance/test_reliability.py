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
