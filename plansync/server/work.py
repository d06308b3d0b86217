"""What each endpoint does in its worker thread, on that thread's own store connection: the
account behind the token, the permission checks, the store calls."""

from __future__ import annotations

from typing import Any

from plansync.instance import accounts
from plansync.instance.accounts import Account
from plansync.instance.base import SyncStamp
from plansync.seed.canonical import canonical_bytes
from plansync.server.messages import ApiError


def authenticate(store: Any, header: str) -> Account | None:
    if not header:
        return None
    scheme, _, secret = header.strip().partition(" ")
    if scheme.lower() not in ("token", "bearer") or not secret.strip():
        raise ApiError(401, "unauthenticated", "use the header Authorization: Token <token> "
                       "(or Bearer <token>)", headers={"WWW-Authenticate": "Token"})
    account = accounts.account_for_token(store.conn, secret.strip())
    if account is None:
        raise ApiError(401, "unauthenticated", "the token is unknown or revoked",
                       headers={"WWW-Authenticate": "Token"})
    return account


def required(account: Account | None) -> Account:
    if account is None:
        raise ApiError(401, "unauthenticated", "this needs a token: Authorization: Token "
                       "<token> (an instance admin makes one with `plansync tokens create`)",
                       headers={"WWW-Authenticate": "Token"})
    return account


def programs(store: Any, account: Account | None) -> list[dict[str, Any]]:
    who = required(account)
    found = []
    for summary in store.programs():
        if accounts.can_see(store.conn, who, store.program_id(summary.code)):
            found.append(_summary(summary))
    return found


def _summary(summary: Any) -> dict[str, Any]:
    return {"code": summary.code, "name": summary.name,
            "server_version": summary.server_version, "projects": summary.projects,
            "tasks": summary.tasks}


def program(store: Any, account: Account | None, ref: str) -> dict[str, Any]:
    who = required(account)
    program_id = store.program_id(ref)
    if not accounts.can_see(store.conn, who, program_id):
        raise accounts.Forbidden(f"{who.email} is not a member of program {ref!r}")
    summary = next(s for s in store.programs() if store.program_id(s.code) == program_id)
    gaps = store.account_gaps(program_id)
    return {**_summary(summary), "pending_memberships": gaps.members,
            "accounts_missing": gaps.all}


def export_program(store: Any, account: Account | None, ref: str, timeline: bool = False,
                   since: str | None = None) -> tuple[str, bytes, int]:
    who = required(account)
    program_id = store.program_id(ref)
    if not accounts.can_read_program(store.conn, who, program_id):
        raise accounts.Forbidden(f"exporting program {ref!r} needs a role in the program "
                                 f"(viewer or above); {who.email} has none")
    doc = store.export_timeline(program_id, since) if timeline \
        else store.export_program(program_id)
    return doc["program"]["code"], canonical_bytes(doc), store.server_version(program_id)


def export_project(store: Any, account: Account | None, ref: str
                    ) -> tuple[str, bytes, int]:
    who = required(account)
    program, project, project_id = store.locate_project(ref)
    program_id = store.program_id(program)
    if not accounts.can_read_project(store.conn, who, program_id, project_id):
        raise accounts.Forbidden(f"exporting project {project!r} needs a role in it or in "
                                 f"program {program!r} (viewer or above); {who.email} has none")
    doc = store.export_project(program, project)
    return doc["program"]["code"], canonical_bytes(doc), store.server_version(program_id)


def _readable(store: Any, who: Account, ref: str) -> str:
    program_id: str = store.program_id(ref)
    if not accounts.can_read_program(store.conn, who, program_id):
        raise accounts.Forbidden(f"the sync records of program {ref!r} need a role in the "
                                 f"program (viewer or above); {who.email} has none")
    return program_id


def sync_record(store: Any, account: Account | None, ref: str,
                version: int | None) -> dict[str, Any]:
    program_id = _readable(store, required(account), ref)
    record = store.sync_record(program_id, version)
    if record is None:
        raise ApiError(404, "no-sync-record", f"program {ref!r} has no sync record"
                       + ("" if version is None else f" at server_version {version}")
                       + " with its document", hint="plansync sync records it")
    result: dict[str, Any] = record.as_dict()
    return result


def sync_history(store: Any, account: Account | None, ref: str) -> list[dict[str, Any]]:
    program_id = _readable(store, required(account), ref)
    return [{k: v for k, v in r.as_dict().items() if k != "document"}
            for r in store.sync_history(program_id)]


def synced(store: Any, account: Account | None, repository: str | None
            ) -> dict[str, str | None]:
    who = required(account)
    return {code: path for code, path in store.synced_paths(repository).items()
            if accounts.can_see(store.conn, who, store.program_id(code))}


def delete(store: Any, account: Account | None, ref: str, expected: int | None) -> None:
    who = required(account)

    def authorize(program_id: str | None) -> None:
        if not accounts.can_delete(store.conn, who, program_id):
            raise accounts.Forbidden(f"deleting program {ref!r} needs the owner role in it "
                                     f"(or a staff account); {who.email} has not")

    store.delete_program(ref, expected_version=expected, authorize=authorize)


def import_document(store: Any, account: Account | None, doc: dict[str, Any], dry_run: bool,
                    expected: int | None, path: str | None = None, commit: str | None = None,
                    repository: str | None = None) -> dict[str, Any]:
    who = required(account)
    code = doc["program"]["code"]

    def authorize(program_id: str | None) -> None:
        if not accounts.can_replace(store.conn, who, program_id):
            need = ("a staff account (only staff import new programs)" if program_id is None
                    else "the admin or owner role in it")
            raise accounts.Forbidden(f"importing program {code!r} needs {need}; "
                                     f"{who.email} has not")

    stamp = None if path is None else SyncStamp(path, commit or None, who.email,
                                                repository or None)
    report = store.import_document(doc, create_users=False, dry_run=dry_run,
                                   expected_version=expected, record=stamp,
                                   authorize=authorize, actor=who.email)
    result: dict[str, Any] = report.as_dict()
    return result


