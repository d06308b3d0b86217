"""The instance interface: what plansync needs from a project-management instance.

Implementations: `sqlite.SqliteInstance` (the embedded default, also `memory:`). Instances are
chosen by address through `plansync.instance.address.open_instance`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from plansync.errors import InstanceError

KINDS = ("program", "calendars", "resources", "projects", "members", "sprints", "tasks",
         "assignments", "dependencies", "baselines", "baseline_tasks", "risks", "risk_tasks")


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


@dataclass
class ImportReport:
    """What one import did (or, with dry_run, would do) to one program."""

    program: str
    status: str = "unchanged"  # created | updated | unchanged
    server_version: int = 0
    counts: dict[str, Counts] = field(default_factory=dict)
    pending: list[str] = field(default_factory=list)  # member emails with no account
    created_users: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "program": self.program, "status": self.status,
            "server_version": self.server_version, "dry_run": self.dry_run,
            "counts": {k: vars(c) for k, c in self.counts.items()},
            "pending_memberships": self.pending, "created_users": self.created_users,
            "warnings": self.warnings,
        }


class NotFound(InstanceError):
    """No such program (or project) on the instance."""


class StateMoved(InstanceError):
    """A program known to be unchanged (its state's hash) changed on the instance before the
    import's transaction began: nothing was written; import the document in full instead."""


class VersionConflict(InstanceError):
    """The program's server_version is not the one the caller expected: someone changed
    (or created) it in between. Nothing was written."""

    def __init__(self, program: str, expected: int, actual: int | None) -> None:
        found = "it does not exist" if actual is None else f"it is at {actual}"
        wanted = "not to exist" if expected == 0 else f"server_version {expected}"
        super().__init__(f"program {program!r} changed on the instance meanwhile: expected "
                         f"{wanted}, {found}; nothing was written",
                         hint="look at what changed (plansync sync --dry-run) and retry")
        self.program = program
        self.expected = expected
        self.actual = actual


@dataclass(frozen=True)
class SyncStamp:
    """What a sync tells the instance to record with an import: where the document came
    from (commit: None when the files were not committed) and who synced it."""

    path: str
    commit: str | None
    account: str
    repository: str | None = None  # the repository's first commit: the same in every clone


@dataclass(frozen=True)
class SyncRecord:
    """The instance's record of one sync of a program: the document as synced (canonical
    data: a common base for a later three-way sync; None where not kept or not asked for),
    its hash, and where it came from (commit: the commit whose file holds exactly it)."""

    program: str
    server_version: int
    digest: str
    document: dict[str, Any] | None
    commit: str | None
    path: str | None
    at: str
    account: str
    repository: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"program": self.program, "server_version": self.server_version,
                "digest": self.digest, "commit": self.commit, "repository": self.repository,
                "path": self.path, "at": self.at, "account": self.account,
                "document": self.document}


@dataclass(frozen=True)
class AccountGaps:
    """Emails a program names that have no account: its members' (pending memberships)
    and its resources'."""

    members: list[str] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)

    @property
    def all(self) -> list[str]:
        return sorted(set(self.members) | set(self.resources))


@dataclass(frozen=True)
class ProgramSummary:
    code: str
    name: str
    projects: int
    tasks: int
    server_version: int


class Instance(Protocol):
    """A place programs live. Documents in and out are plain seed data (dicts)."""

    name: str

    def identity(self) -> str:
        """The instance's own id (made when it was created): what records name it by,
        rather than an address that may hold a local path or a password."""
        ...

    def programs(self) -> list[ProgramSummary]: ...

    def server_version(self, program: str) -> int | None: ...

    def import_document(self, doc: dict[str, Any], *, create_users: bool = False,
                        dry_run: bool = False, expected_version: int | None = None,
                        record: SyncStamp | None = None, actor: str = "") -> ImportReport:
        """Apply one document as one transaction (`actor`: who, for the history's events).
        expected_version (compare-and-swap): the server_version the program must have (0: it
        must not exist), checked in the same transaction; a mismatch raises VersionConflict
        and writes nothing. With `record`, the same transaction records the document as the
        program's last sync."""
        ...

    def import_documents(self, docs: Sequence[dict[str, Any]], *, create_users: bool = False,
                         dry_run: bool = False, actor: str = "") -> list[ImportReport]:
        """Apply several documents (distinct programs) as ONE transaction: all or nothing."""
        ...

    def programs_by_digest(self, digests: Collection[str]) -> dict[str, str]:
        """Hash -> program code, for each of `digests` that is the SHA-256 of a program's
        current state as canonical bytes (those files need no import: they changed nothing).
        An instance that cannot tell answers {}."""
        ...

    def confirm_unchanged(self, programs: Sequence[tuple[str, str]], *,
                          dry_run: bool = False) -> list[ImportReport]:
        """The reports of importing documents known to equal programs' states, given as
        (code, hash), in one transaction: nothing but account links changes. StateMoved
        when a program's state no longer has that hash."""
        ...

    def account_gaps(self, program: str) -> AccountGaps: ...

    def sync_history(self, program: str) -> list[SyncRecord]:
        """The program's sync records, newest first, without documents (none: never synced,
        or no such program)."""
        ...

    def sync_record(self, program: str, server_version: int | None = None
                    ) -> SyncRecord | None:
        """The newest sync record (or the newest at `server_version`) with its document;
        None when there is none or its document is no longer kept."""
        ...

    def synced_paths(self, repository: str | None) -> dict[str, str | None]:
        """Program code -> the seed file path of its last sync, for every program last
        synced from `repository` (its first commit)."""
        ...

    def delete_program(self, program: str, *, expected_version: int | None = None) -> None:
        """Delete a program and everything in it (one transaction; expected_version as for
        import_document)."""
        ...

    def export_program(self, program: str) -> dict[str, Any]: ...

    def export_timeline(self, program: str, since: str | None = None) -> dict[str, Any]:
        """The program as a version 2 document: the state before its first kept event (at or
        after `since`) and the events that rebuild the current state."""
        ...

    def export_project(self, program: str, project: str) -> dict[str, Any]: ...

    def close(self) -> None: ...
