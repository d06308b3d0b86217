"""Team-safe sync and pull: two people, two clones of one bare repository, one shared
instance (each test on a real SQLite file and on a real PostgreSQL), real Git (the git
command)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from plansync.cli import cli
from plansync.instance.address import open_instance
from plansync.seed.canonical import canonical_bytes
from plansync.sync import settled_files

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT / "examples" / "plans"
APOLLO = "plans/apollo.seed.json"
GEMINI = "plans/gemini.seed.yaml"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout


@dataclass
class Person:
    name: str
    clone: Path
    address: str  # the shared instance
    opened: list[Any] = field(default_factory=list)

    @property
    def sqlite(self) -> bool:
        return self.address.startswith("sqlite:///")

    def store(self) -> Any:
        """The shared instance, as this test looks into it (one connection, kept)."""
        if not self.opened:
            self.opened.append(open_instance(self.address, create=True))
        return self.opened[0]

    def run(self, *args: str) -> tuple[int, str, str]:
        here = os.getcwd()
        os.chdir(self.clone)
        try:
            result = CliRunner().invoke(cli, [*args], env={
                "PLANSYNC_INSTANCE": self.address, "NO_COLOR": "1"})
        finally:
            os.chdir(here)
        return result.exit_code, result.stdout, result.stderr

    def doc(self, path: str = APOLLO) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.clone / path).read_text())
        return data

    def edit(self, change: Any, path: str = APOLLO, message: str = "edit") -> None:
        """Change the JSON seed file with `change(doc)` and commit it."""
        doc = self.doc(path)
        change(doc)
        (self.clone / path).write_bytes(canonical_bytes(doc))
        self.commit(message)

    def commit(self, message: str) -> None:
        git(self.clone, "add", "-A")
        git(self.clone, "commit", "-q", "-m", message)

    def push(self) -> None:
        git(self.clone, "push", "-q", "origin", "HEAD:main")

    def fetch(self) -> None:
        git(self.clone, "pull", "-q", "--no-rebase", "origin", "main")


def task(doc: dict[str, Any], project: int = 0, index: int = 0) -> dict[str, Any]:
    """The index-th leaf task (one that may have a duration) of a project."""
    tasks = doc["program"]["projects"][project]["tasks"]
    parents = {t["wbs"].rpartition(".")[0] for t in tasks}
    leaves = [t for t in tasks if t["wbs"] not in parents and not t.get("milestone")]
    found: dict[str, Any] = leaves[index]
    return found


@pytest.fixture
def team(tmp_path: Path, new_address: Callable[[], str]) -> Iterator[tuple[Person, Person]]:
    """Ada and Ben: clones of one bare repository holding the example plans, one instance."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    seed = tmp_path / "seed"
    git(tmp_path, "clone", "-q", str(origin), str(seed))
    (seed / "plans").mkdir()
    for plan in PLANS.iterdir():
        (seed / "plans" / plan.name).write_bytes(plan.read_bytes())
    git(seed, "-c", "user.email=seed@example.com", "-c", "user.name=Seed", "add", "-A")
    git(seed, "-c", "user.email=seed@example.com", "-c", "user.name=Seed", "commit", "-q",
        "-m", "plans")
    git(seed, "push", "-q", "origin", "HEAD:main")
    address = new_address()
    people = []
    for name in ("ada", "ben"):
        clone = tmp_path / name
        git(tmp_path, "clone", "-q", str(origin), str(clone))
        git(clone, "config", "user.email", f"{name}@example.com")
        git(clone, "config", "user.name", name.title())
        people.append(Person(name, clone, address))
    yield people[0], people[1]
    for person in people:
        for store in person.opened:
            store.close()


def instance(person: Person) -> Any:
    return person.store()


def test_the_record_of_a_sync_lives_on_the_instance(team: tuple[Person, Person]) -> None:
    ada, ben = team
    code, out, err = ada.run("sync")
    assert code == 0, out + err
    assert "apollo (plans/apollo.seed.json): created, server_version 1" in out
    record = instance(ada).sync_record("apollo")
    assert record is not None
    assert record.commit == git(ada.clone, "rev-parse", "HEAD").strip()
    assert (record.path, record.account, record.server_version) == (APOLLO, "ada@example.com",
                                                                     1)
    assert canonical_bytes(record.document) == (ada.clone / APOLLO).read_bytes()
    assert "refs/plansync" not in git(ada.clone, "for-each-ref")
    # A fresh clone (no refs fetched, nothing local) sees no drift that never happened.
    code, out, _ = ben.run("sync")
    assert code == 0 and out.count(": unchanged") == 2, out


def test_only_the_file_changed_updates(team: tuple[Person, Person]) -> None:
    ada, _ = team
    ada.run("sync")
    ada.edit(lambda d: task(d).update(name="Renamed in Git"))
    code, out, _ = ada.run("sync")
    assert code == 0
    assert "apollo (plans/apollo.seed.json): updated, server_version 2" in out
    assert "changed in the files:" in out and "Renamed in Git" in out
    assert "changed on the instance" not in out


def test_only_the_instance_changed_is_drift_said_apart(team: tuple[Person, Person]) -> None:
    ada, ben = team
    ada.run("sync")
    ben.edit(lambda d: task(d).update(duration=41))
    assert ben.run("sync")[0] == 0  # Ben's change reaches the instance, not Ada's files
    code, out, _ = ada.run("sync")
    assert code == 1
    assert "REFUSED: changed on the instance since the last sync" in out
    assert "changed on the instance since the last sync:" in out
    assert "duration" in out and "-> 41" in out
    assert "changed in the files:" not in out
    assert "plansync pull" in out


def test_disjoint_changes_on_both_sides_merge(team: tuple[Person, Person]) -> None:
    ada, ben = team
    ada.run("sync")
    ben.edit(lambda d: task(d).update(duration=41))
    ben.run("sync")
    ada.edit(lambda d: task(d, 1).update(name="Ada's rename"))
    code, out, err = ada.run("sync")
    assert code == 0, out + err
    assert "merged" in out
    assert "changed in the files:" in out and "Ada's rename" in out
    assert "changed on the instance since the last sync:" in out and "-> 41" in out
    exported = instance(ada).export_program("apollo")
    assert task(exported)["duration"] == 41 and task(exported, 1)["name"] == "Ada's rename"
    # The merged file was written back for Ada to commit: it equals the instance.
    assert (ada.clone / APOLLO).read_bytes() == canonical_bytes(exported)
    ada.commit("merge with the instance")
    code, out, _ = ada.run("sync")
    assert code == 0 and "apollo (plans/apollo.seed.json): unchanged" in out


def test_the_same_field_changed_two_ways_is_a_conflict(team: tuple[Person, Person]) -> None:
    ada, ben = team
    ada.run("sync")
    ben.edit(lambda d: task(d).update(duration=41))
    ben.run("sync")
    ada.edit(lambda d: task(d).update(duration=7))
    before = (ada.clone / APOLLO).read_bytes()
    code, out, _ = ada.run("sync")
    assert code == 1
    assert "REFUSED: changed both in the files and on the instance" in out
    assert "duration: base" in out and "mine 7" in out and "theirs 41" in out
    code, out, _ = ada.run("sync", "--format", "markdown")
    assert code == 1
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(out)
    assert "<th>mine (the file)</th>" in html and "<th>theirs (the instance)</th>" in html
    assert "<td>duration</td>" in html and "<td><code>7</code></td>" in html
    assert "<td><code>41</code></td>" in html and "<ul>" not in html
    assert (ada.clone / APOLLO).read_bytes() == before
    assert task(instance(ada).export_program("apollo"))["duration"] == 41
    code, out, _ = ada.run("pull")
    assert code == 1
    assert (ada.clone / APOLLO).read_bytes() == before


def test_pull_never_reverts_a_committed_edit_that_was_not_synced(
        team: tuple[Person, Person]) -> None:
    ada, ben = team
    ada.run("sync")
    ada.edit(lambda d: task(d, 1).update(name="Ada's unsynced rename"))
    ben.edit(lambda d: task(d).update(duration=41))
    ben.run("sync")
    code, out, err = ada.run("pull")
    assert code == 0, out + err
    assert "merged the instance's changes with the file's" in out
    doc = ada.doc()
    assert task(doc, 1)["name"] == "Ada's unsynced rename" and task(doc)["duration"] == 41
    # Only Ada's edit is left to send.
    ada.commit("pulled")
    code, out, _ = ada.run("sync", "--dry-run")
    assert code == 1 and "would update" in out


def test_pull_leaves_an_unsynced_file_alone_when_the_instance_did_not_move(
        team: tuple[Person, Person]) -> None:
    ada, _ = team
    ada.run("sync")
    ada.edit(lambda d: task(d).update(name="Not synced yet"))
    before = (ada.clone / APOLLO).read_bytes()
    code, out, _ = ada.run("pull")
    assert code == 0 and "changes not synced yet" in out
    assert (ada.clone / APOLLO).read_bytes() == before


def test_a_pull_that_is_thrown_away_is_not_recorded(team: tuple[Person, Person]) -> None:
    ada, ben = team
    ada.run("sync")
    ben.edit(lambda d: task(d).update(duration=41))
    ben.run("sync")
    assert ada.run("pull")[0] == 0
    git(ada.clone, "checkout", "--", APOLLO)  # Ada discards what pull wrote
    code, out, _ = ada.run("sync")
    assert code == 1 and "REFUSED: changed on the instance" in out
    assert task(instance(ada).export_program("apollo"))["duration"] == 41


def test_pull_commit_records_and_commits_only_what_it_wrote(
        team: tuple[Person, Person]) -> None:
    ada, ben = team
    ada.run("sync")
    ben.edit(lambda d: task(d).update(duration=41))
    ben.run("sync")
    code, out, err = ada.run("pull", "--commit")
    assert code == 0, out + err
    assert git(ada.clone, "status", "--porcelain") == ""
    record = instance(ada).sync_record("apollo")
    assert record is not None and record.account == "ada@example.com"
    assert record.commit == git(ada.clone, "rev-parse", "HEAD").strip()
    code, out, _ = ada.run("sync")
    assert code == 0 and "apollo (plans/apollo.seed.json): unchanged" in out


def test_pull_keeps_yaml_comments(team: tuple[Person, Person]) -> None:
    ada, _ = team
    ada.run("sync")
    before = (ada.clone / GEMINI).read_text()
    doc = instance(ada).export_program("gemini")
    doc["program"]["name"] = "Gemini, renamed on the instance"
    target = instance(ada)
    target.import_document(doc)
    assert ada.run("pull", "gemini")[0] == 0
    after = (ada.clone / GEMINI).read_text()
    assert "name: Gemini, renamed on the instance" in after
    comments = [line.strip() for line in before.splitlines() if line.strip().startswith("#")]
    assert comments and all(c in after for c in comments)


def test_sync_refuses_uncommitted_seed_files_unless_allowed(
        team: tuple[Person, Person]) -> None:
    ada, _ = team
    ada.run("sync")
    doc = ada.doc()
    task(doc)["name"] = "uncommitted"
    (ada.clone / APOLLO).write_bytes(canonical_bytes(doc))
    code, _, err = ada.run("sync")
    assert code == 1 and "uncommitted seed files: plans/apollo.seed.json" in err
    assert task(instance(ada).export_program("apollo"))["name"] != "uncommitted"
    code, out, _ = ada.run("sync", "--allow-dirty")
    assert code == 0 and "updated" in out
    record = instance(ada).sync_record("apollo")
    assert record is not None and record.commit is None


def test_a_removed_seed_file_is_an_orphan_until_pruned(team: tuple[Person, Person]) -> None:
    ada, ben = team
    ada.run("sync")
    (ada.clone / GEMINI).unlink()
    ada.commit("gemini is done")
    code, out, _ = ada.run("sync")
    assert code == 0
    assert "gemini (plans/gemini.seed.yaml): orphaned on the instance" in out
    assert instance(ada).server_version("gemini") == 1
    code, out, _ = ada.run("sync", "--prune", "--dry-run", "--detailed-exitcode")
    assert code == 2 and "would delete" in out
    code, out, _ = ada.run("sync", "--prune")
    assert code == 0 and "gemini (plans/gemini.seed.yaml): deleted" in out
    assert instance(ada).server_version("gemini") is None
    # Another repository's programs are never orphans of this one.
    other = ada.clone.parent / "other"
    git(ada.clone.parent, "init", "-q", str(other))
    git(other, "config", "user.email", "x@example.com")
    git(other, "config", "user.name", "X")
    (other / "plans").mkdir()
    gemini = PLANS / "gemini.seed.yaml"
    (other / "plans" / "gemini.seed.yaml").write_bytes(gemini.read_bytes())
    git(other, "add", "-A")
    git(other, "commit", "-q", "-m", "x")
    elsewhere = Person("x", other, ada.address)
    assert elsewhere.run("sync")[0] == 0
    code, out, _ = ada.run("sync", "--prune")
    assert code == 0 and "gemini" not in out
    assert instance(ada).server_version("gemini") == 1
    assert ben.run("delete", "gemini", "--yes")[0] == 0
    assert instance(ada).server_version("gemini") is None


def test_dry_run_shows_fields_and_exit_codes_follow_terraform(
        team: tuple[Person, Person]) -> None:
    ada, _ = team
    if ada.sqlite:
        code, _, err = ada.run("sync", "--dry-run")
        assert code == 3 and "no instance database" in err  # a dry run never makes one
        instance(ada)
    code, out, _ = ada.run("sync", "--dry-run")
    assert code == 1 and "would create" in out
    assert ada.run("sync", "--dry-run", "--detailed-exitcode")[0] == 2
    ada.run("sync")
    assert ada.run("sync", "--dry-run")[0] == 0
    assert ada.run("sync", "--dry-run", "--detailed-exitcode")[0] == 0
    ada.edit(lambda d: task(d).update(duration=13))
    code, out, _ = ada.run("sync", "--dry-run", "--detailed-exitcode")
    assert code == 2
    assert "duration: " in out and "-> 13" in out
    code, out, _ = ada.run("sync", "--dry-run", "--format", "markdown")
    assert code == 1 and out.startswith("**✅ Dry run: 1 updated") and "### `apollo`" in out
    assert "**Changed in the files \\(1\\)**" in out and "| ✏️ changed | task |" in out
    code, out, _ = ada.run("sync", "--dry-run", "--format", "json")
    [apollo] = [p for p in json.loads(out)["programs"] if p["program"] == "apollo"]
    assert apollo["action"] == "update"
    assert apollo["changed_in_files"][0]["field"] == "duration"
    assert ada.run("sync", "--detailed-exitcode")[0] == 2
    assert ada.run("sync", "--detailed-exitcode")[0] == 0


def test_a_saved_plan_is_applied_exactly_or_refused_when_stale(
        team: tuple[Person, Person], tmp_path: Path) -> None:
    ada, ben = team
    ada.run("sync")
    ada.edit(lambda d: task(d).update(duration=13))
    plan = tmp_path / "plan.json"
    code, out, _ = ada.run("sync", "--plan-out", str(plan))
    assert code == 1 and "would update" in out
    assert json.loads(plan.read_text())["programs"][0]["action"] == "update"
    assert task(instance(ada).export_program("apollo"))["duration"] != 13
    code, out, err = ada.run("sync", "--plan", str(plan))
    assert code == 0, out + err
    assert task(instance(ada).export_program("apollo"))["duration"] == 13
    # A plan made, then the instance moves: applying it is refused.
    ada.edit(lambda d: task(d).update(duration=14))
    assert ada.run("sync", "--plan-out", str(plan))[0] == 1
    ben.fetch()
    ben.edit(lambda d: task(d, 1).update(name="Ben was faster"))
    assert ben.run("sync")[0] == 0
    code, _, err = ada.run("sync", "--plan", str(plan))
    assert code == 1 and "stale" in err and "changed on the instance" in err
    assert task(instance(ada).export_program("apollo"))["duration"] == 13
    # ... and so is one whose files moved.
    assert ada.run("sync", "--plan-out", str(plan))[0] == 1
    ada.edit(lambda d: task(d).update(duration=15))
    code, _, err = ada.run("sync", "--plan", str(plan))
    assert code == 1 and "plans/apollo.seed.json changed" in err


def test_an_invalid_file_stops_the_sync_before_anything_is_imported(
        team: tuple[Person, Person]) -> None:
    ada, _ = team
    (ada.clone / "plans" / "broken.seed.json").write_text('{"version": 1, "program": {}}')
    code, _, err = ada.run("sync")
    assert code == 1 and "nothing was synced" in err
    assert not Path(ada.address.removeprefix("sqlite:///")).exists() if ada.sqlite \
        else instance(ada).programs() == []


# --- sync's cost follows what changed: a JSON file whose bytes are its program's state on the
# instance, and what the last sync recorded at the instance's current version, is settled: not
# validated, compared or exported again. What sync reports and does stays the same.


def seed_files(person: Person) -> dict[str, bytes]:
    return {str(p.relative_to(person.clone)): p.read_bytes()
            for p in sorted((person.clone / "plans").iterdir())}


def sync_json(person: Person, *args: str) -> dict[str, Any]:
    code, out, err = person.run("sync", "--format", "json", *args)
    assert code in (0, 1), out + err
    data: dict[str, Any] = json.loads(out)
    return data


def test_only_synced_json_files_in_step_are_settled(team: tuple[Person, Person]) -> None:
    ada, _ = team
    assert settled_files(seed_files(ada), instance(ada)) == {}  # nothing synced yet
    assert ada.run("sync")[0] == 0
    settled = settled_files(seed_files(ada), instance(ada))
    assert set(settled) == {APOLLO}  # the YAML file is not its canonical bytes
    assert settled[APOLLO].action == "unchanged" and settled[APOLLO].program == "apollo"
    ada.edit(lambda doc: task(doc).update(name="Renamed"))
    assert settled_files(seed_files(ada), instance(ada)) == {}  # the file changed


def test_a_change_on_the_instance_is_not_settled_but_drift(team: tuple[Person, Person]
                                                           ) -> None:
    ada, ben = team
    assert ada.run("sync")[0] == 0
    doc = instance(ada).export_program("apollo")
    task(doc)["name"] = "Changed on the instance"
    instance(ada).import_document(doc)
    assert settled_files(seed_files(ben), instance(ben)) == {}
    code, out, _ = ben.run("sync")
    assert code == 1 and "apollo (plans/apollo.seed.json): REFUSED: changed on the instance" \
        in out, out


def test_a_settled_file_reports_what_the_full_comparison_reports(
        team: tuple[Person, Person]) -> None:
    ada, ben = team
    assert ada.run("sync")[0] == 0
    fast = sync_json(ben)
    # The same plan written not as canonical bytes: compared in full, the same report.
    path = ben.clone / APOLLO
    path.write_text(json.dumps(json.loads(path.read_text()), indent=4))
    full = sync_json(ben, "--allow-dirty")
    assert fast == full, (fast, full)


def test_a_copy_of_a_settled_file_is_a_program_in_two_files(team: tuple[Person, Person]
                                                            ) -> None:
    ada, _ = team
    assert ada.run("sync")[0] == 0
    shutil.copy(ada.clone / APOLLO, ada.clone / "plans" / "copy.seed.json")
    ada.commit("a copy")
    code, out, err = ada.run("sync")
    assert code == 1, out + err
    assert "program 'apollo' is also in" in out and "nothing was synced" in err, out + err


def test_a_settled_file_and_a_changed_one_holding_its_program(team: tuple[Person, Person]
                                                              ) -> None:
    ada, _ = team
    assert ada.run("sync")[0] == 0
    doc = json.loads((ada.clone / APOLLO).read_text())
    doc["program"]["name"] = "Apollo again"
    (ada.clone / "plans" / "again.seed.json").write_text(json.dumps(doc))
    ada.commit("the program twice")
    code, out, err = ada.run("sync")
    assert code == 1 and "also in plans/apollo.seed.json" in out, out + err


def test_settled_programs_are_not_orphans(team: tuple[Person, Person]) -> None:
    ada, _ = team
    assert ada.run("sync")[0] == 0
    (ada.clone / GEMINI).unlink()
    ada.commit("gemini goes")
    report = sync_json(ada, "--dry-run")
    actions = {p["program"]: p["action"] for p in report["programs"]}
    assert actions == {"apollo": "unchanged", "gemini": "orphan"}, report
