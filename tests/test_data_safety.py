"""Nothing lost: the data-loss classes found by trying plansync as a team and an attacker
would (issue 8), each through the real parts: Git repositories, SQLite files, the CLI."""

from __future__ import annotations

import copy
import json
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pygit2
import pytest
from click.testing import CliRunner

from plansync.cli import cli
from plansync.instance.sqlite import SqliteInstance
from plansync.seed.canonical import canonical_bytes
from plansync.seed.events import final_state
from plansync.sync import apply_sync, load_seeds, plan_sync
from tests.gitrepos import commit_all, repo_with_examples

ROOT = Path(__file__).resolve().parents[1]
APOLLO = json.loads((ROOT / "examples" / "plans" / "apollo.seed.json").read_text())


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    work = repo_with_examples(tmp_path / "plans", "plans")
    commit_all(work, "plans")
    monkeypatch.chdir(work)
    monkeypatch.delenv("PLANSYNC_INSTANCE", raising=False)
    yield work


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def db(repo: Path) -> Path:
    return repo / ".plansync" / "instance.db"


def renamed(doc: dict[str, Any], name: str) -> dict[str, Any]:
    changed = copy.deepcopy(doc)
    changed["program"]["projects"][0]["tasks"][0]["name"] = name
    return changed


def minimal(code: str, name: str = "Other", project: str = "lm") -> dict[str, Any]:
    return {"version": 1, "program": {"code": code, "name": name, "projects": [
        {"code": project, "name": "P", "start": "2026-01-05",
         "tasks": [{"wbs": "1", "name": "Only", "duration": 2}]}]}}


# 1. sync's version check and its import are one atomic step ---------------------------------

def test_a_change_on_the_instance_between_plan_and_import_is_drift_not_overwritten(
        repo: Path) -> None:
    assert run("sync")[0] == 0
    path = repo / "plans" / "apollo.seed.json"
    path.write_bytes(canonical_bytes(renamed(APOLLO, "Ours")))
    files = {"plans/apollo.seed.json": path.read_bytes()}
    from plansync import gitrepo

    mine = SqliteInstance(str(db(repo)))
    plan = plan_sync(load_seeds(files), mine, history=gitrepo.History(repo))
    assert [p.action for p in plan.programs] == ["update"]

    # Someone else's import lands after the plan was made, before it is applied.
    theirs = SqliteInstance(str(db(repo)))
    theirs.import_document(renamed(APOLLO, "Theirs"))
    theirs.close()

    apply_sync(plan, mine, commit=None, account="tester@example.com")
    [item] = plan.programs
    assert item.action == "moved" and item.report is None
    assert item.instance_version == 2
    exported = mine.export_program("apollo")
    assert exported["program"]["projects"][0]["tasks"][0]["name"] == "Theirs"


def test_a_program_created_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    target = SqliteInstance(str(tmp_path / "i.db"))
    plan = plan_sync(load_seeds({"a.seed.json": canonical_bytes(APOLLO)}), target)
    assert plan.programs[0].action == "create"
    SqliteInstance(str(tmp_path / "i.db")).import_document(renamed(APOLLO, "First"))
    apply_sync(plan, target, commit=None, account="tester@example.com")
    assert plan.programs[0].action == "moved"
    assert target.export_program("apollo")["program"]["projects"][0]["tasks"][0]["name"] \
        == "First"


# 2. pull --commit commits only what it wrote ------------------------------------------------

def test_pull_commit_leaves_other_staged_work_staged_and_out_of_the_commit(repo: Path) -> None:
    assert run("sync")[0] == 0
    SqliteInstance(str(db(repo))).import_document(renamed(APOLLO, "From the instance"))
    (repo / "notes.txt").write_text("half-done work\n")
    git = pygit2.Repository(str(repo))
    git.index.read()
    git.index.add("notes.txt")
    git.index.write()

    code, out, err = run("pull", "--commit")
    assert code == 0, out + err
    head = git.revparse_single("HEAD").peel(pygit2.Commit)
    assert "notes.txt" not in head.tree
    changed = head.tree.diff_to_tree(head.parents[0].tree)
    assert [d.new_file.path for d in changed.deltas] == ["plans/apollo.seed.json"]
    git.index.read()
    assert git.status()["notes.txt"] == pygit2.enums.FileStatus.INDEX_NEW
    assert "plans/apollo.seed.json" not in git.status()


# 3. a multi-file import is one transaction ---------------------------------------------------

def test_a_failure_importing_a_later_file_leaves_the_earlier_ones_out(repo: Path) -> None:
    address = f"sqlite:///{repo / 'team.db'}"
    SqliteInstance(str(repo / "team.db")).conn.execute(
        "CREATE TRIGGER refuse_gemini BEFORE INSERT ON programs WHEN NEW.code = 'gemini' "
        "BEGIN SELECT RAISE(ABORT, 'injected failure'); END")
    code, out, err = run("import", "--instance", address, "plans/apollo.seed.json",
                         "plans/gemini.seed.yaml")
    assert code == 3, out + err
    assert "injected failure" in err and "rolled back" in err
    assert json.loads(run("programs", "--instance", address, "--format", "json")[1]) == []


def test_two_files_with_one_program_are_refused_before_any_write(repo: Path,
                                                                  tmp_path: Path) -> None:
    copy_ = tmp_path / "again.seed.json"
    copy_.write_bytes(canonical_bytes(renamed(APOLLO, "Other")))
    address = f"sqlite:///{tmp_path / 'i.db'}"
    code, out, err = run("import", "--instance", address, "plans/apollo.seed.json",
                         str(copy_))
    assert code == 1
    assert "program 'apollo' is also in plans/apollo.seed.json" in out
    assert not (tmp_path / "i.db").exists()


# 4. a project export never replaces an unrelated program --------------------------------------

def test_project_export_never_replaces_a_program_that_shares_its_code(tmp_path: Path) -> None:
    address = f"sqlite:///{tmp_path / 'i.db'}"
    target = SqliteInstance(str(tmp_path / "i.db"))
    target.import_documents([APOLLO, minimal("apollo-mobile", "Unrelated")])
    unrelated = canonical_bytes(target.export_program("apollo-mobile"))

    out = tmp_path / "lm.seed.json"
    assert run("export", "apollo", "--project", "mobile", "--instance", address, "-o",
               str(out))[0] == 0
    exported = json.loads(out.read_text())
    assert exported["program"]["code"] == "apollo-mobile-2"
    assert exported["program"]["origin"] == {"program": "apollo", "project": "mobile"}
    for _ in range(2):  # re-import: a fresh program, then the same one, unchanged
        code, text, err = run("import", "--instance", address, str(out))
        assert code == 0, text + err
    assert "apollo-mobile-2: unchanged" in text
    assert canonical_bytes(target.export_program("apollo-mobile")) == unrelated
    assert canonical_bytes(target.export_program("apollo-mobile-2")) == out.read_bytes()

    # Another instance where the code is taken by a program of its own: refused, untouched.
    other = SqliteInstance(str(tmp_path / "other.db"))
    other.import_document(minimal("apollo-mobile-2", "Mine"))
    before = canonical_bytes(other.export_program("apollo-mobile-2"))
    code, text, err = run("import", "--instance", f"sqlite:///{tmp_path / 'other.db'}",
                          str(out))
    assert code == 3
    assert "would replace an unrelated program" in err
    assert canonical_bytes(other.export_program("apollo-mobile-2")) == before
    # ... and the other way round: a program of its own never replaces a project copy.
    plain = minimal("apollo-mobile-2", "Plain")
    (tmp_path / "plain.seed.json").write_bytes(canonical_bytes(plain))
    code, text, err = run("import", "--instance", address, str(tmp_path / "plain.seed.json"))
    assert code == 3 and "is a copy of project mobile of program apollo" in err


def test_long_codes_of_distinct_projects_never_collide(tmp_path: Path) -> None:
    long_program = "p" * 40
    doc = minimal(long_program, project="a" * 30)
    doc["program"]["projects"].append(
        {"code": "a" * 29 + "b", "name": "Q", "start": "2026-01-05"})
    target = SqliteInstance(str(tmp_path / "i.db"))
    target.import_document(doc)
    first = target.export_project(long_program, "a" * 30)["program"]["code"]
    second = target.export_project(long_program, "a" * 29 + "b")["program"]["code"]
    assert len(first) <= 63 and len(second) <= 63
    assert first != second


# 6. a deleted task takes every dependency that touches it, in every project --------------------

def test_task_deleted_removes_dependencies_listed_in_other_projects(tmp_path: Path) -> None:
    doc = {"version": 2, "program": {"code": "x", "name": "X", "projects": [
        {"code": "a", "name": "A", "start": "2026-01-05",
         "tasks": [{"wbs": "1", "name": "Gone", "duration": 1},
                   {"wbs": "2", "name": "Stays", "duration": 1}]},
        {"code": "b", "name": "B", "start": "2026-01-05",
         "tasks": [{"wbs": "1", "name": "After", "duration": 1}],
         "dependencies": [{"from": "a:1", "to": "1"}, {"from": "a:2", "to": "1"}]}]},
        "events": [{"type": "task_deleted", "at": "2026-01-06T09:00:00Z",
                    "actor": "ada@example.com", "project": "a", "wbs": "1"}]}
    path = tmp_path / "x.seed.json"
    path.write_text(json.dumps(doc))
    code, out, _ = run("validate", str(path))
    assert code == 0, out
    assert run("import", "--instance", f"sqlite:///{tmp_path / 'i.db'}", str(path))[0] == 0
    exported = SqliteInstance(str(tmp_path / "i.db")).export_program("x")
    assert exported["program"]["projects"][1]["dependencies"] == [
        {"from": "a:2", "to": "1"}]


# 7. pull never silently turns a version 2 file into version 1 ----------------------------------

V2 = {"version": 2, "program": {"code": "tl", "name": "Timeline", "projects": [
    {"code": "a", "name": "A", "start": "2026-01-05",
     "tasks": [{"wbs": "1", "name": "One", "duration": 1}]}]},
    "events": [{"type": "task_created", "at": "2026-01-06T09:00:00Z",
                "actor": "ada@example.com", "project": "a",
                "value": {"wbs": "2", "name": "Two", "duration": 2}}]}


def test_pull_after_a_clean_sync_of_a_v2_file_writes_nothing(repo: Path) -> None:
    path = repo / "plans" / "tl.seed.json"
    path.write_bytes(canonical_bytes(V2))
    commit_all(repo, "timeline")
    assert run("sync")[0] == 0
    before = path.read_bytes()
    code, out, err = run("pull")
    assert code == 0, out + err
    assert "tl: plans/tl.seed.json is up to date" in out
    assert path.read_bytes() == before

    # The instance moves on: pull writes the instance's timeline, still version 2, with the
    # file's events and the new change after them.
    changed = copy.deepcopy(V2)
    changed["version"] = 1
    del changed["events"]
    changed["program"]["projects"][0]["tasks"][0]["name"] = "One, renamed"
    SqliteInstance(str(db(repo))).import_document(final_with(changed, V2))
    code, out, err = run("pull")
    assert code == 0, out + err
    pulled = json.loads(path.read_text())
    assert pulled["version"] == 2
    assert pulled["events"][0] == V2["events"][0]
    assert [e["type"] for e in pulled["events"][1:]] == ["task_updated"]
    store = SqliteInstance(str(db(repo)))
    assert canonical_bytes(final_state(pulled)) == canonical_bytes(store.export_program("tl"))


def final_with(state: dict[str, Any], timeline: dict[str, Any]) -> dict[str, Any]:
    """The final state of `timeline`, with `state`'s first task name."""
    doc = final_state(copy.deepcopy(timeline))
    doc["program"]["projects"][0]["tasks"][0]["name"] = \
        state["program"]["projects"][0]["tasks"][0]["name"]
    return doc


def test_pull_says_what_changed_not_new_file(repo: Path) -> None:
    assert run("sync")[0] == 0
    SqliteInstance(str(db(repo))).import_document(renamed(APOLLO, "Elsewhere"))
    code, out, _ = run("pull")
    assert code == 0
    assert "apollo: wrote plans/apollo.seed.json (took the instance's changes: task change 1)" \
        in out
    assert "(new file)" not in out


# 8. accounts: --create-users always applies; linking an account is no content change -----------

def test_sync_create_users_works_on_unchanged_files_and_reports_pending(repo: Path) -> None:
    code, out, _ = run("sync")
    assert code == 0
    assert "pending memberships" in out and "maya.okafor@example.com" in out
    code, out, _ = run("sync")
    assert "pending memberships" in out  # still pending, still said
    code, out, err = run("sync", "--create-users", "--format", "json")
    assert code == 0, out + err
    programs = {p["program"]: p for p in json.loads(out)["programs"]}
    assert programs["apollo"]["action"] == "unchanged"
    assert "maya.okafor@example.com" in programs["apollo"]["created_users"]
    assert programs["apollo"]["pending_memberships"] == []
    assert programs["apollo"]["server_version"] == 1
    target = SqliteInstance(str(db(repo)))
    assert target.account_gaps("apollo").all == []
    assert target.server_version("apollo") == 1


def test_an_account_appearing_later_links_without_a_version_bump(tmp_path: Path) -> None:
    target = SqliteInstance(str(tmp_path / "i.db"))
    first = target.import_document(APOLLO)
    assert "maya.okafor@example.com" in first.pending
    other = minimal("other")
    other["program"]["members"] = [{"email": "MAYA.OKAFOR@example.com", "role": "viewer"}]
    target.import_document(other, create_users=True)  # the account appears, another case
    again = target.import_document(APOLLO)
    assert again.status == "unchanged" and again.server_version == 1
    assert "maya.okafor@example.com" not in again.pending
    assert "maya.okafor@example.com" not in target.account_gaps("apollo").members
    linked = target.conn.execute(
        "SELECT count(*) FROM memberships WHERE lower(email) = 'maya.okafor@example.com' "
        "AND user_id IS NOT NULL").fetchone()[0]
    assert linked >= 2


# 10. codes read back from an instance are never trusted as paths --------------------------------

@pytest.mark.parametrize("evil", ["../escaped", "/tmp/plansync-absolute", "a/../../b"])
def test_pull_refuses_a_program_code_that_is_not_a_code(repo: Path, tmp_path: Path,
                                                         evil: str) -> None:
    path = tmp_path / "hostile.db"
    SqliteInstance(str(path)).import_document(minimal("x"))
    conn = sqlite3.connect(path)
    conn.execute("UPDATE programs SET code = ?", (evil,))
    conn.commit()
    conn.close()
    code, out, err = run("pull", evil, "--instance", f"sqlite:///{path}")
    assert code == 3, out + err
    assert "not a valid program code" in err
    assert not (repo.parent / "escaped.seed.json").exists()
    assert not Path("/tmp/plansync-absolute.seed.json").exists()


# 18. readers and dry runs never create an instance; readers never wait behind a writer ---------

@pytest.mark.parametrize("args", [
    ["programs"], ["export", "apollo"], ["schedule", "apollo"],
    ["import", "--dry-run", "plans/apollo.seed.json"], ["sync", "--dry-run"], ["pull"]])
def test_a_mistyped_address_is_refused_and_nothing_is_created(repo: Path,
                                                              args: list[str]) -> None:
    typo = repo / "typo" / "instanse.db"
    code, out, err = run(*args, "--instance", f"sqlite:///{typo}")
    assert code == 3, out + err
    assert "no instance database at" in err
    assert not typo.parent.exists()


def test_the_default_instance_reads_as_empty_before_its_first_sync(repo: Path) -> None:
    code, out, _ = run("programs")
    assert (code, out.strip()) == (0, "no programs")
    code, out, _ = run("sync", "--dry-run")
    assert code == 1 and "would create" in out  # 1: changes pending
    assert not (repo / ".plansync").exists()


def _hold_write_lock(path: Path) -> subprocess.Popen[str]:
    script = ("import sqlite3, sys, time\n"
              f"c = sqlite3.connect({str(path)!r}, isolation_level=None)\n"
              "c.execute('BEGIN IMMEDIATE')\n"
              "c.execute(\"UPDATE programs SET name = name || ''\")\n"
              "print('locked', flush=True)\n"
              "time.sleep(30)\n")
    holder = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                              text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


def test_readers_do_not_wait_behind_a_writer_and_a_lock_timeout_says_so(
        tmp_path: Path) -> None:
    path = tmp_path / "i.db"
    SqliteInstance(str(path)).import_document(APOLLO)
    env = {"PLANSYNC_LOCK_TIMEOUT": "1", "PATH": "/usr/bin:/bin"}
    holder = _hold_write_lock(path)
    try:
        started = time.monotonic()
        reader = subprocess.run([sys.executable, "-m", "plansync", "programs", "--instance",
                                 f"sqlite:///{path}"], capture_output=True, text=True,
                                env=env, timeout=60, check=False)
        assert reader.returncode == 0, reader.stderr
        assert "apollo" in reader.stdout
        assert time.monotonic() - started < 10
        source = tmp_path / "a.seed.json"
        source.write_bytes(canonical_bytes(renamed(APOLLO, "Blocked")))
        writer = subprocess.run([sys.executable, "-m", "plansync", "import", "--instance",
                                 f"sqlite:///{path}", str(source)], capture_output=True,
                                text=True, env=env, timeout=60, check=False)
        assert writer.returncode == 3, writer.stderr
        assert "locked by another process (waited 1 s)" in writer.stderr
        assert "PLANSYNC_LOCK_TIMEOUT" in writer.stderr
    finally:
        holder.kill()
        holder.communicate()


# 19. a check that checks nothing does not pass ------------------------------------------------

def test_sync_of_the_repository_root_or_dot_syncs_everything(repo: Path) -> None:
    code, out, _ = run("sync", ".")
    assert code == 0 and "apollo" in out and "gemini" in out
    code, out, _ = run("sync", str(repo))
    assert code == 0 and "unchanged" in out


def test_diff_of_dot_compares_every_seed_file(repo: Path) -> None:
    (repo / "plans" / "apollo.seed.json").write_bytes(
        canonical_bytes(renamed(APOLLO, "Diffed")))
    code, out, _ = run("diff", "--no-schedule", "--", ".")
    assert code == 1 and "Diffed" in out


@pytest.mark.parametrize("command", ["validate", "fmt", "roundtrip", "import", "sync"])
def test_a_folder_without_seed_files_is_an_error(repo: Path, command: str) -> None:
    (repo / "empty").mkdir()
    (repo / "empty" / "readme.txt").write_text("no plans here\n")
    code, out, err = run(command, "empty")
    assert code == 2, out + err
    assert "no seed files in empty" in err


# 21. secrets and local paths stay out of messages and records ---------------------------------

def test_a_password_in_an_address_is_masked(repo: Path) -> None:
    code, _, err = run("programs", "--instance", "mysql://ada:s3cret@db.example/plans")
    assert code == 2  # an unknown kind of address
    assert "s3cret" not in err and "ada:***@" in err
    code, _, err = run("programs", "--instance", "postgresql://ada:s3cret@127.0.0.1:9/plans")
    assert code == 3  # nothing listens there
    assert "s3cret" not in err and "ada:***@" in err


def test_the_sync_record_holds_no_local_path(repo: Path) -> None:
    assert run("sync")[0] == 0
    assert not list(pygit2.Repository(str(repo)).references.iterator())[1:]  # no refs added
    target = SqliteInstance(str(db(repo)))
    rows = list(target.conn.execute("SELECT * FROM sync_records"))
    assert rows and not any(str(repo) in str(value) for row in rows for value in row)
    record = target.sync_record("apollo")
    assert record is not None and record.path == "plans/apollo.seed.json"
