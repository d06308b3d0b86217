"""The instance interface: what plansync needs from a project-management instance.

Implementations: `sqlite.SqliteInstance` (the embedded default, also `memory:`). Instances are
chosen by address through `plansync.instance.address.open_instance`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

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

    def programs(self) -> list[ProgramSummary]: ...

    def server_version(self, program: str) -> int | None: ...

    def import_document(self, doc: dict[str, Any], *, create_users: bool = False,
                        dry_run: bool = False) -> ImportReport: ...

    def export_program(self, program: str) -> dict[str, Any]: ...

    def export_project(self, program: str, project: str) -> dict[str, Any]: ...

    def close(self) -> None: ...
