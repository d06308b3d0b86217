"""Repository <-> instance: plan a sync, apply it, detect drift, pull back.

What was synced is recorded in the repository itself: `refs/plansync/<instance name>` points
at a commit (one per sync, each the child of the last) whose tree holds `state.json`:
{"instance": the instance's identity, "commit": the HEAD synced, "programs": {code:
{"server_version", "sha256" (of the canonical bytes synced), "path"}}}. A program whose
server_version moved since then was changed on the instance behind the repository's back:
that is drift, and sync refuses to overwrite it without --force.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plansync.errors import Problem
from plansync.instance.base import ImportReport, Instance, VersionConflict
from plansync.seed.canonical import canonical_bytes
from plansync.seed.events import final_state
from plansync.seed.load import Limits, Seed
from plansync.seed.validate import duplicate_programs, validate_bytes

REF_PREFIX = "refs/plansync/"


def instance_ref(address: str) -> str:
    """The ref that records syncs to this instance, e.g. refs/plansync/default."""
    if address == "memory:":
        return REF_PREFIX + "memory"
    if address.startswith(("http://", "https://")):
        from plansync.instance.address import redact

        url = redact(address).rstrip("/")
        host = url.split("://", 1)[1].rpartition("@")[2]
        slug = re.sub(r"[^a-z0-9]+", "-", host.lower()).strip("-") or "server"
        return f"{REF_PREFIX}{slug}-{hashlib.sha256(url.encode()).hexdigest()[:8]}"
    path = address.removeprefix("sqlite:///")
    if Path(path).name == "instance.db" and Path(path).parent.name == ".plansync":
        return REF_PREFIX + "default"
    slug = re.sub(r"[^a-z0-9]+", "-", Path(path).stem.lower()).strip("-") or "instance"
    digest = hashlib.sha256(str(Path(path).resolve()).encode()).hexdigest()[:8]
    return f"{REF_PREFIX}{slug}-{digest}"


def content_digest(doc: dict[str, Any]) -> str:
    """What the state records of a program's content: the hash of its canonical bytes."""
    return hashlib.sha256(canonical_bytes(doc)).hexdigest()


def state_entry(server_version: int | None, digest: str, path: str) -> dict[str, Any]:
    """One program's entry in the recorded state."""
    return {"server_version": server_version, "sha256": digest, "path": path}


@dataclass
class ProgramPlan:
    """What sync will do (or did) with one program."""

    program: str
    path: str
    action: str  # create | update | unchanged | drift | forced
    digest: str
    changes: list[Any] = field(default_factory=list)  # instance -> file, as diff Changes
    recorded_version: int | None = None
    instance_version: int | None = None
    report: ImportReport | None = None
    pending: list[str] = field(default_factory=list)  # member emails with no account


@dataclass
class SyncPlan:
    programs: list[ProgramPlan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    seeds: dict[str, Seed] = field(default_factory=dict)

    @property
    def refused(self) -> list[ProgramPlan]:
        return [p for p in self.programs if p.action == "drift"]


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


def plan_sync(plan: SyncPlan, instance: Instance, state: dict[str, Any] | None,
              force: bool = False) -> SyncPlan:
    """Decide, per program, create / update / unchanged / drift (forced with force=True)."""
    from plansync.diff import diff_documents

    recorded = (state or {}).get("programs", {})
    for path, seed in plan.seeds.items():
        doc = final_state(seed.doc)
        code = doc["program"]["code"]
        canonical = canonical_bytes(doc)
        digest = hashlib.sha256(canonical).hexdigest()  # content_digest(doc), bytes reused
        entry = recorded.get(code) or {}
        current = instance.server_version(code)
        item = ProgramPlan(code, path, "create", digest, [], entry.get("server_version"),
                           current)
        plan.programs.append(item)
        if current is None:
            continue
        item.pending = instance.account_gaps(code).members
        if entry.get("sha256") == digest and entry.get("server_version") == current:
            item.action = "unchanged"
            continue
        exported = instance.export_program(code)
        if canonical_bytes(exported) == canonical:
            item.action = "unchanged"
            continue
        item.changes = diff_documents(exported, doc)
        drifted = entry.get("server_version") != current
        item.action = ("forced" if force else "drift") if drifted else "update"
    return plan


def apply_sync(plan: SyncPlan, instance: Instance, *, create_users: bool = False) -> None:
    """Import every program the plan creates, updates or forces, each as one transaction
    that first checks the program is still at the server_version the plan saw (compare and
    swap): a change on the instance in between turns the program into drift, unwritten.

    With create_users, programs left unchanged still get the accounts they name created."""
    from plansync.diff import diff_documents

    for item in plan.programs:
        doc = plan.seeds[item.path].doc
        if item.action not in ("create", "update", "forced"):
            if item.action == "unchanged" and create_users and item.instance_version and \
                    instance.account_gaps(item.program).all:
                item.report = instance.import_document(doc, create_users=True,
                                                       expected_version=item.instance_version)
                item.pending = item.report.pending
            continue
        try:
            item.report = instance.import_document(
                doc, create_users=create_users, expected_version=item.instance_version or 0)
        except VersionConflict as conflict:
            item.action = "drift"
            item.instance_version = conflict.actual
            if conflict.actual is not None:
                item.changes = diff_documents(instance.export_program(item.program),
                                              final_state(doc))
            continue
        item.instance_version = item.report.server_version
        item.pending = item.report.pending


def recorded_state(state: dict[str, Any] | None, instance: Instance) -> dict[str, Any] | None:
    """The recorded state if it was recorded for this very instance (a database made anew
    at the same address is another instance: nothing was synced to it)."""
    return state if state and state.get("instance") == instance.identity() else None


def new_state(plan: SyncPlan, instance: Instance, commit: str | None,
              previous: dict[str, Any] | None) -> dict[str, Any]:
    """The state to record after applying `plan` (or part of it, if an import failed):
    refused programs, and programs not imported, keep their old entry."""
    programs = dict((previous or {}).get("programs", {}))
    for item in plan.programs:
        if item.action == "unchanged" or item.report is not None:
            programs[item.program] = state_entry(item.instance_version, item.digest, item.path)
    return {"instance": instance.identity(), "commit": commit, "programs": programs}
