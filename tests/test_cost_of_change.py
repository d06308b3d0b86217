"""Cost proportional to change: a file whose bytes are a program's state on the instance is
neither parsed nor validated again, and reports exactly what the full import reports."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from plansync.cli import cli
from plansync.instance.address import opened
from plansync.instance.base import StateMoved
from plansync.seed.canonical import canonical_bytes

ROOT = Path(__file__).resolve().parents[1]
APOLLO = ROOT / "examples" / "plans" / "apollo.seed.json"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def reports(*args: str) -> list[dict[str, object]]:
    code, out, err = run("import", "--format", "json", *args)
    assert code == 0, err
    data: list[dict[str, object]] = json.loads(out)
    return data


def test_an_unchanged_file_reports_what_the_full_import_reports(
        tmp_path: Path, new_address: Callable[[], str]) -> None:
    address = new_address()
    canonical = tmp_path / "apollo.seed.json"
    canonical.write_bytes(APOLLO.read_bytes())
    messy = tmp_path / "messy" / "apollo.seed.json"  # the same plan, not canonical bytes
    messy.parent.mkdir()
    messy.write_text(json.dumps(json.loads(APOLLO.read_text())))
    assert reports("--instance", address, str(canonical))[0]["status"] == "created"
    fast = reports("--instance", address, str(canonical))
    full = reports("--instance", address, str(messy))
    assert fast == full and fast[0]["status"] == "unchanged"
    assert reports("--instance", address, "--dry-run", str(canonical)) == [
        {**full[0], "dry_run": True}]


def test_the_shortcut_takes_only_what_the_instance_holds(
        tmp_path: Path, new_address: Callable[[], str]) -> None:
    address = new_address()
    plan = tmp_path / "apollo.seed.json"
    plan.write_bytes(APOLLO.read_bytes())
    reports("--instance", address, str(plan))
    doc = json.loads(APOLLO.read_text())
    doc["program"]["name"] = "Apollo, renamed"
    plan.write_bytes(canonical_bytes(doc))
    other = tmp_path / "other.seed.json"
    other.write_bytes(APOLLO.read_bytes().replace(b'"code": "apollo"', b'"code": "apollo2"', 1))
    done = reports("--instance", address, str(other), str(plan))
    assert [(r["program"], r["status"]) for r in done] == [("apollo2", "created"),
                                                            ("apollo", "updated")]
    # an invalid file stops everything, the unchanged ones included
    bad = tmp_path / "bad.seed.json"
    bad.write_text('{"version": 1, "program": {"code": "x"}}')
    code, _, err = run("import", "--instance", address, str(plan), str(bad))
    assert code == 1 and "nothing was imported" in err


def test_the_same_unchanged_file_twice_is_a_duplicate_program(
        tmp_path: Path, new_address: Callable[[], str]) -> None:
    address = new_address()
    first, second = tmp_path / "a.seed.json", tmp_path / "b.seed.json"
    first.write_bytes(APOLLO.read_bytes())
    second.write_bytes(APOLLO.read_bytes())
    reports("--instance", address, str(first))
    code, out, err = run("import", "--instance", address, str(first), str(second))
    assert code == 1 and "is also in" in out + err and "nothing was imported" in err
    messy = tmp_path / "c.seed.json"  # one unchanged, the other the same program changed
    doc = json.loads(APOLLO.read_text())
    doc["program"]["name"] = "Apollo again"
    messy.write_text(json.dumps(doc))
    code, out, err = run("import", "--instance", address, str(first), str(messy))
    assert code == 1 and "is also in" in out + err


def test_create_users_takes_the_full_path(tmp_path: Path,
                                          new_address: Callable[[], str]) -> None:
    address = new_address()
    plan = tmp_path / "apollo.seed.json"
    plan.write_bytes(APOLLO.read_bytes())
    first = reports("--instance", address, str(plan))[0]
    assert first["pending_memberships"]
    again = reports("--instance", address, "--create-users", str(plan))[0]
    assert again["created_users"] and not again["pending_memberships"]
    assert reports("--instance", address, str(plan))[0]["pending_memberships"] == []


def test_a_state_that_moved_is_refused_and_nothing_is_written(
        new_address: Callable[[], str]) -> None:
    address = new_address()
    with opened(address, create=True) as store:
        store.import_documents([json.loads(APOLLO.read_text())])
        digests = store.programs_by_digest(["0" * 64])
        assert digests == {}
        import hashlib

        digest = hashlib.sha256(APOLLO.read_bytes()).hexdigest()
        assert store.programs_by_digest([digest, "1" * 64]) == {digest: "apollo"}
        version = store.server_version("apollo")
        with pytest.raises(StateMoved):
            store.confirm_unchanged([("apollo", digest), ("apollo", "f" * 64)])
        assert store.server_version("apollo") == version
        assert store.confirm_unchanged([("apollo", digest)])[0].status == "unchanged"
