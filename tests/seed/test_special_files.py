"""Files that are not regular files: refused with a located problem, never read.

A FIFO named like a seed file would block a reader forever, and a symlink to /dev/zero never
ends. Every path that reads seed files (validate, fmt, the Git work-tree walk of sync, pull
and diff) takes the same bounded reader, so these run as real subprocesses with a timeout:
a hang fails the test instead of stalling the suite.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gitrepos import commit_all, repo_with_examples

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "plans" / "apollo.seed.json"

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo") or not Path("/dev/zero").exists(),
                                reason="needs FIFOs and /dev/zero")


def plansync(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANSYNC_")}
    return subprocess.run([sys.executable, "-m", "plansync", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


def problems(result: subprocess.CompletedProcess[str]) -> dict[str, dict[str, object]]:
    return {Path(str(p["file"])).name: p for p in json.loads(result.stdout)}


def test_a_fifo_and_a_symlink_to_dev_zero_are_refused_and_the_rest_is_checked(
        tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.seed.json")
    (tmp_path / "zero.seed.json").symlink_to("/dev/zero")
    shutil.copy(EXAMPLE, tmp_path / "real.seed.json")
    (tmp_path / "link.seed.json").symlink_to(tmp_path / "real.seed.json")

    result = plansync("validate", "--format", "json", str(tmp_path))

    assert result.returncode == 1, result.stderr
    found = problems(result)
    assert sorted(found) == ["pipe.seed.json", "zero.seed.json"]  # the symlink to a file is fine
    for name, kind in (("pipe.seed.json", "FIFO"), ("zero.seed.json", "character device")):
        assert found[name]["code"] == "not-a-file"
        assert kind in str(found[name]["message"]) and found[name]["hint"]


def test_a_symlink_to_dev_zero_does_not_bypass_the_size_limit(tmp_path: Path) -> None:
    (tmp_path / "zero.seed.json").symlink_to("/dev/zero")

    for command in (["validate"], ["fmt", "--check"], ["roundtrip"], ["schedule"],
                    ["import", "--instance", "memory:"]):
        result = plansync(*command, "--max-file-size", "1k", str(tmp_path / "zero.seed.json"))
        assert result.returncode == 1, (command, result.stderr)
        assert "not a regular file" in result.stdout + result.stderr


def test_a_file_whose_size_lies_is_read_only_up_to_the_limit(tmp_path: Path) -> None:
    """/proc files say st_size 0 whatever they hold: the limit holds on the bytes read."""
    source = Path("/proc/self/maps")
    if not source.exists():
        pytest.skip("needs /proc")
    (tmp_path / "maps.seed.json").symlink_to(source)

    result = plansync("validate", "--format", "json", "--max-file-size", "100",
                      str(tmp_path / "maps.seed.json"))

    assert result.returncode == 1
    assert problems(result)["maps.seed.json"]["code"] == "too-large"


def test_fmt_of_a_folder_with_a_fifo_formats_nothing_and_reports_it(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.seed.yaml")

    result = plansync("fmt", str(tmp_path))

    assert result.returncode == 1
    assert "pipe.seed.yaml" in result.stdout and "FIFO" in result.stdout


def test_sync_refuses_a_fifo_in_the_work_tree_instead_of_hanging(tmp_path: Path) -> None:
    work = repo_with_examples(tmp_path / "plans", "plans")
    commit_all(work, "plans")
    os.mkfifo(work / "plans" / "stuck.seed.json")
    instance = f"sqlite:///{tmp_path / 'instance.db'}"

    synced = plansync("sync", "--instance", instance, cwd=work)
    pulled = plansync("pull", "--instance", instance, cwd=work)
    diffed = plansync("diff", "--format", "json", cwd=work)

    assert synced.returncode == 1, synced.stderr
    assert "plans/stuck.seed.json" in synced.stdout and "not a regular file" in synced.stdout
    assert "nothing was synced" in synced.stderr
    assert pulled.returncode == 1 and "not a regular file" in pulled.stdout
    assert diffed.returncode == 2 and "not a regular file" in diffed.stderr  # an input error

