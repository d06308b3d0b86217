"""Repository <-> instance: plan a sync three ways, apply it, pull back.

The instance keeps, per program, the record of its last sync: the document as synced, the
commit it came from, the time and the account (see plansync.instance.records). Every clone,
CI and the server read the same record, so nothing depends on refs that `git clone` does not
fetch. A sync compares three documents per program:

    base   = the record's document (as last synced),
    mine   = the seed file's final state,
    theirs = what the instance holds now.

Only mine changed: update. Only theirs changed: drift (pull takes it). Both changed: a merge
by natural keys and fields (plansync.merge); disjoint changes are imported as one merged
document and the merged file is written back; the same field changed two ways is a conflict,
and nothing is written. Every import checks, in its own transaction, that the program is
still at the version the plan saw (compare and swap), and records the sync in that same
transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from plansync.errors import Problem
from plansync.instance.base import (
    ImportReport,
    Instance,
    SyncRecord,
    SyncStamp,
    VersionConflict,
)
from plansync.seed.canonical import canonical_bytes
from plansync.seed.events import final_state
from plansync.seed.load import Limits, Seed
from plansync.seed.validate import duplicate_programs, validate_bytes

CHANGES = frozenset({"create", "update", "merge", "forced", "prune"})  # what sync writes
REFUSED = frozenset({"drift", "diverged", "conflict", "moved"})  # what it will not write


def content_digest(doc: dict[str, Any]) -> str:
    """The hash of a document's canonical bytes (what a sync record names its content by)."""
    return hashlib.sha256(canonical_bytes(doc)).hexdigest()


@dataclass
class ProgramPlan:
    """What sync will do (or did) with one program.

    action: create | update | merge | unchanged | forced | prune (changes it makes);
    drift | diverged | conflict | moved (refused); orphan (reported only).
    """

    program: str
    path: str | None
    action: str
    digest: str = ""  # of mine
    instance_version: int | None = None  # what the plan saw (then: after the sync)
    mine: list[Any] = field(default_factory=list)  # base -> file: changed in the files
    theirs: list[Any] = field(default_factory=list)  # base -> instance: changed there
    conflicts: list[Any] = field(default_factory=list)
    document: dict[str, Any] | None = None  # what to import (the file's, or the merge)
    record: bool = False  # record the sync (also when nothing is imported)
    report: ImportReport | None = None
    pending: list[str] = field(default_factory=list)  # member emails with no account
    names: dict[tuple[str | None, str], str] = field(default_factory=dict)  # task names

    @property
    def document_digest(self) -> str | None:
        return None if self.document is None else content_digest(self.document)


@dataclass
class SyncPlan:
    programs: list[ProgramPlan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    seeds: dict[str, Seed] = field(default_factory=dict)

    @property
    def refused(self) -> list[ProgramPlan]:
        return [p for p in self.programs if p.action in REFUSED]

    @property
    def changes(self) -> list[ProgramPlan]:
        return [p for p in self.programs if p.action in CHANGES]


def load_seeds(files: dict[str, bytes], limits: Limits | None = None) -> SyncPlan:
    """Validate every file; an invalid one (or a program in two files) stops the sync."""
    plan = SyncPlan()
    for path, data in files.items():
        result = validate_bytes(path, data, limits)
        plan.problems.extend(result.problems)
        if result.seed is not None and not result.problems:
            plan.seeds[path] = result.seed
    plan.problems.extend(duplicate_programs(list(plan.seeds.values())))
    return plan


def plan_sync(plan: SyncPlan, instance: Instance, *, force: bool = False,
              prune: bool = False, prefixes: list[str] | None = None,
              repository: str | None = None, history: Ancestry | None = None,
              orphans: bool = True, known: dict[str, set[str]] | None = None) -> SyncPlan:
    """Decide per program (three ways, see the module's docstring). Programs last synced
    from this repository (its first commit) from a path under `prefixes`, whose seed file is
    gone, are orphans (deleted with prune); other repositories' programs are never touched.
    orphans=False: a plan of some files only, which says nothing of the others. `known`:
    per path, digests of contents the file is known to have held (see find_base)."""
    for path, seed in plan.seeds.items():
        plan.programs.append(_decide(path, seed.doc, instance, force, history,
                                     (known or {}).get(path, set())))
    if not orphans:
        return plan
    files = {p.program for p in plan.programs}
    for code, where in sorted(instance.synced_paths(repository).items()):
        if code not in files and where is not None and _under(where, prefixes):
            plan.programs.append(ProgramPlan(code, where, "prune" if prune else "orphan",
                                             instance_version=instance.server_version(code)))
    return plan


def _under(path: str, prefixes: list[str] | None) -> bool:
    return not prefixes or any(not p or path == p or path.startswith(p.rstrip("/") + "/")
                               for p in prefixes)


class Ancestry(Protocol):
    """The repository's history, as a three-way sync needs it (plansync.gitrepo.History)."""

    def contains(self, commit: str) -> bool: ...

    def blob(self, commit: str, path: str) -> bytes | None: ...


def find_base(records: list[SyncRecord], mine: dict[str, Any], digest: str,
              instance: Instance, history: Ancestry | None,
              known: Collection[str] = ()) -> tuple[SyncRecord, dict[str, Any]] | None:
    """The common base of the file and the instance: the newest sync whose document the file
    descends from. That is a sync of exactly the file's content, or one made from a commit
    that HEAD contains (its document read from that commit, or from the instance). Another
    clone's later sync, of commits this clone does not have, is not a base: the file does not
    hold it, so the instance changed since (drift or a merge), never the file. `records`:
    the program's sync history, newest first; `known`: digests of contents this file is
    known to have held (the watcher's memory of what it synced from it)."""
    for record in records:
        if record.digest == digest:
            return record, mine
        if record.digest in known:
            kept = instance.sync_record(record.program, record.server_version)
            if kept is not None and kept.document is not None and kept.digest == record.digest:
                return record, kept.document
        if record.commit is None or history is None or not history.contains(record.commit):
            continue
        document = _document_at(history, record)
        if document is None:
            kept = instance.sync_record(record.program, record.server_version)
            document = None if kept is None or kept.digest != record.digest else kept.document
        if document is not None:
            return record, document
    return None


def _document_at(history: Ancestry, record: SyncRecord) -> dict[str, Any] | None:
    """The document a record names, from its commit (if that file still says exactly it)."""
    if record.path is None or record.commit is None:
        return None
    data = history.blob(record.commit, record.path)
    if data is None:
        return None
    result = validate_bytes(record.path, data)
    if result.seed is None or result.problems:
        return None
    document = final_state(result.seed.doc)
    return document if content_digest(document) == record.digest else None


def _decide(path: str, source: dict[str, Any], instance: Instance, force: bool,
            history: Ancestry | None, known: Collection[str]) -> ProgramPlan:
    """`source`: the seed file's document; what it says (mine) is its final state, and what
    is imported is the document itself (a version 2 file brings its history along)."""
    from plansync.diff import diff_documents

    mine = final_state(source)
    code = mine["program"]["code"]
    data = canonical_bytes(mine)
    item = ProgramPlan(code, path, "create", hashlib.sha256(data).hexdigest(),
                       document=source, record=True)
    current = instance.server_version(code)
    item.instance_version = current
    if current is None:
        return item
    item.pending = instance.account_gaps(code).members
    records = instance.sync_history(code)
    newest = records[0] if records else None
    if newest is not None and (newest.digest, newest.server_version) == (item.digest, current):
        return _settle(item, "unchanged", record=False)  # the fast path: nothing exported
    theirs = instance.export_program(code)
    if canonical_bytes(theirs) == data:  # in step: only the record may need writing
        stale = newest is None or (newest.digest, newest.server_version) != (item.digest,
                                                                             current)
        return _settle(item, "unchanged", record=stale)
    item.names = _task_names(theirs, mine)
    found = find_base(records, mine, item.digest, instance, history, known)
    if found is None:  # no common base: nobody can tell whose change this is
        item.mine = diff_documents(theirs, mine)
        return _settle(item, "forced" if force else "diverged", record=force)
    base_record, base = found
    item.names = _task_names(base, theirs, mine)
    item.mine = diff_documents(base, mine)
    item.theirs = diff_documents(base, theirs)
    if base_record.digest == item.digest:  # only the instance changed
        return _settle(item, "forced" if force else "drift", record=force)
    if content_digest(theirs) == base_record.digest:  # only the files changed
        return _settle(item, "update")
    from plansync.merge import merge_documents

    merged = merge_documents(base, mine, theirs)
    if merged.conflicts:
        item.conflicts = merged.conflicts
        return _settle(item, "forced" if force else "conflict", record=force)
    item.document = merged.merged
    if merged.merged is not None and canonical_bytes(merged.merged) == data:
        return _settle(item, "update")  # the file already holds the instance's changes
    return _settle(item, "merge")


def _task_names(*docs: dict[str, Any]) -> dict[tuple[str | None, str], str]:
    """(project, wbs) -> task name, later documents winning: for the report's lines."""
    return {(project["code"], task["wbs"]): task["name"] for doc in docs
            for project in doc["program"].get("projects", [])
            for task in project.get("tasks", [])}


def _settle(item: ProgramPlan, action: str, *, record: bool = True) -> ProgramPlan:
    item.action = action
    item.record = record
    if action not in ("create", "update", "merge", "forced") and not record:
        item.document = None
    return item


def apply_sync(plan: SyncPlan, instance: Instance, *, commit: str | None, account: str,
               repository: str | None = None, create_users: bool = False) -> None:
    """Import what the plan creates, updates, merges or forces, each as one transaction that
    first checks the program is still at the version the plan saw and records the sync; a
    change on the instance in between turns the program into `moved`, unwritten. Prunes
    delete (with the same check). Programs in step get their record refreshed if it is stale,
    and (with create_users) the accounts they name."""
    for item in plan.programs:
        if item.action == "prune":
            try:
                instance.delete_program(item.program, expected_version=item.instance_version)
            except VersionConflict as conflict:
                item.action, item.instance_version = "moved", conflict.actual
            continue
        if item.document is None and not (create_users and item.action == "unchanged"):
            continue
        if item.document is None:  # in step, record current: only accounts to create
            if not instance.account_gaps(item.program).all:
                continue
            item.document = plan.seeds[_seed_path(item)].doc
        # The record names a commit only if that commit's file holds exactly this document
        # (not so for a merge: the merged file is written after, for its author to commit).
        held = None if item.action == "merge" else commit
        stamp = SyncStamp(_seed_path(item), held, account, repository) if item.record \
            else None
        try:
            item.report = instance.import_document(
                item.document, create_users=create_users,
                expected_version=item.instance_version or 0, record=stamp)
        except VersionConflict as conflict:
            item.action, item.instance_version = "moved", conflict.actual
            continue
        item.instance_version = item.report.server_version
        item.pending = item.report.pending


def _seed_path(item: ProgramPlan) -> str:
    assert item.path is not None
    return item.path


def write_merged(root: Path, plan: SyncPlan, instance: Instance) -> None:
    """Write each merged document (now on the instance) back over its seed file; a version 2
    file gets the instance's timeline, the merge's changes appended as events."""
    from plansync.fileio import write_atomic

    for item in plan.programs:
        if item.action == "merge" and item.report is not None and item.document is not None:
            path = _seed_path(item)
            seed = plan.seeds[path]
            doc = instance.export_timeline(item.program) if seed.doc.get("version") == 2 \
                else item.document
            write_atomic(root / path, rewrite_seed(root / path, seed, doc))


def rewrite_seed(target: Path, seed: Seed | None, doc: dict[str, Any]) -> bytes:
    """The bytes of seed file `target` holding `doc`: canonical JSON, or for a YAML file its
    own text with the data replaced where it changed (comments kept where their entity
    still exists)."""
    if seed is not None and seed.kind == "yaml":
        from plansync.seed import yamlio

        yamlio.merge_into_tree(seed.tree, doc)
        return yamlio.dump(seed.tree).encode("utf-8")
    return canonical_bytes(doc)


# -- saved plans -----------------------------------------------------------------------------

PLAN_FORMAT = "plansync-sync-plan"


def plan_file(plan: SyncPlan, instance_id: str, files: dict[str, bytes],
              commit: str | None) -> dict[str, Any]:
    """What a saved plan holds: enough to tell, when it is applied, that nothing moved."""
    return {"format": PLAN_FORMAT, "version": 1, "instance": instance_id, "commit": commit,
            "files": {path: hashlib.sha256(data).hexdigest()
                      for path, data in sorted(files.items())},
            "programs": [_planned(p) for p in plan.programs]}


def _planned(item: ProgramPlan) -> dict[str, Any]:
    return {"program": item.program, "path": item.path, "action": item.action,
            "server_version": item.instance_version, "document": item.document_digest}


def stale_reasons(saved: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """Why a saved plan no longer describes what applying it now would do (empty: it does)."""
    if saved.get("format") != PLAN_FORMAT or saved.get("version") != 1:
        return ["it is not a plansync sync plan (version 1)"]
    reasons = []
    if saved.get("instance") != now["instance"]:
        reasons.append("it was made for another instance")
    changed = sorted(p for p in saved["files"].keys() | now["files"].keys()
                     if saved["files"].get(p) != now["files"].get(p))
    reasons += [f"{p} changed since the plan was made" for p in changed]
    before = {p["program"]: p for p in saved.get("programs", [])}
    after = {p["program"]: p for p in now["programs"]}
    for code in sorted(before.keys() | after.keys()):
        if before.get(code) != after.get(code):
            reasons.append(f"program {code!r} changed on the instance since the plan was made"
                           if code in before and code in after
                           else f"program {code!r} is new to the plan" if code in after
                           else f"program {code!r} is no longer in the plan")
    return reasons
