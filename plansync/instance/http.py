"""An instance reached over REST (`http://host:port`, `https://...`): the client of
`plansync serve`. The token comes from PLANSYNC_TOKEN and never appears in any output.

Reads are retried with backoff when the server cannot be reached or answers 502/503/504;
imports are not (they are not idempotent when they fail half way through the network).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Collection, Sequence
from typing import Any

from plansync.errors import InstanceError, UsageError
from plansync.instance.base import (
    AccountGaps,
    Counts,
    ImportReport,
    NotFound,
    ProgramSummary,
    StateMoved,
    SyncRecord,
    SyncStamp,
    VersionConflict,
)

TIMEOUT = 60.0
RETRIES = 3


class HttpInstance:
    def __init__(self, address: str) -> None:
        import httpx

        from plansync.instance.address import redact

        self.base = address.rstrip("/")
        self.shown = redact(self.base)
        self.name = self.shown
        headers = {"User-Agent": "plansync"}
        token = os.environ.get("PLANSYNC_TOKEN", "").strip()
        if token:
            headers["Authorization"] = f"Token {token}"
        self.client = httpx.Client(base_url=self.base, headers=headers, timeout=TIMEOUT)
        self._identity: str | None = None

    # -- the wire ------------------------------------------------------------------------------

    def _request(self, method: str, path: str, *, retry: bool = True, **kwargs: Any) -> Any:
        import httpx

        attempts = RETRIES if retry else 1
        for attempt in range(attempts):
            try:
                response = self.client.request(method, path, **kwargs)
            except httpx.TransportError as exc:
                if attempt + 1 < attempts:
                    time.sleep(0.2 * 2 ** attempt)
                    continue
                raise InstanceError(f"cannot reach the instance at {self.shown}: "
                                    f"{type(exc).__name__}",
                                    hint="check the address and that `plansync serve` runs "
                                    "there") from None
            if response.status_code in (502, 503, 504) and attempt + 1 < attempts:
                time.sleep(0.2 * 2 ** attempt)
                continue
            if response.status_code >= 400:
                raise self._error(response)
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def _error(self, response: Any) -> InstanceError:
        try:
            error = response.json()["error"]
            message, code = str(error["message"]), str(error.get("code", ""))
            if error.get("hint"):
                message = f"{message} ({error['hint']})"
        except (ValueError, KeyError, TypeError):
            message, code = response.reason_phrase or "error", ""
        status = response.status_code
        where = f"{self.shown} answered {status}"
        if status == 401:
            return InstanceError(f"{where}: {message}",
                                 hint="set PLANSYNC_TOKEN to a live token of yours (an "
                                 "instance admin makes one: plansync tokens create EMAIL)")
        if status == 403:
            return InstanceError(f"{where}: {message}",
                                 hint="ask an owner or admin of the program for a role")
        if status == 404:
            return NotFound(f"{where}: {message}",
                            hint="`plansync programs` lists what you can see there")
        if status == 409 and code == "conflict":
            actual = response.headers.get("etag", "").strip('"')
            return _Conflict(message, int(actual)
                             if actual.isascii() and actual.isdigit() else None)
        return InstanceError(f"{where}: {message}", hint="nothing was changed"
                             if status >= 500 or status == 409 else "")

    # -- the Instance interface ------------------------------------------------------------------

    def identity(self) -> str:
        if self._identity is None:
            self._identity = str(self._request("GET", "/api/v1/health").json()["instance"])
        return self._identity

    def programs(self) -> list[ProgramSummary]:
        return [ProgramSummary(p["code"], p["name"], p["projects"], p["tasks"],
                               p["server_version"])
                for p in self._request("GET", "/api/v1/programs/").json()]

    def _detail(self, program: str) -> dict[str, Any] | None:
        try:
            detail: dict[str, Any] = self._request("GET", f"/api/v1/programs/{_q(program)}/").json()
        except NotFound:
            return None
        return detail

    def server_version(self, program: str) -> int | None:
        detail = self._detail(program)
        return None if detail is None else int(detail["server_version"])

    def account_gaps(self, program: str) -> AccountGaps:
        detail = self._detail(program)
        if detail is None:
            raise NotFound(f"no program {program!r} on {self.shown}")
        missing = set(detail["accounts_missing"])
        members = list(detail["pending_memberships"])
        return AccountGaps(members, sorted(missing - set(members)))

    def sync_history(self, program: str) -> list[SyncRecord]:
        try:
            found = self._request("GET", f"/api/v1/programs/{_q(program)}/sync/history/")
        except NotFound:
            return []
        return [_record(data) for data in found.json()]

    def sync_record(self, program: str, server_version: int | None = None
                    ) -> SyncRecord | None:
        params = {} if server_version is None else {"server_version": str(server_version)}
        try:
            data = self._request("GET", f"/api/v1/programs/{_q(program)}/sync/",
                                 params=params).json()
        except NotFound:
            return None
        return _record(data)

    def synced_paths(self, repository: str | None) -> dict[str, str | None]:
        params = {} if repository is None else {"repository": repository}
        paths: dict[str, str | None] = self._request("GET", "/api/v1/sync/",
                                                     params=params).json()
        return paths

    def delete_program(self, program: str, *, expected_version: int | None = None) -> None:
        headers = {} if expected_version is None else {"If-Match": f'"{expected_version}"'}
        try:
            self._request("DELETE", f"/api/v1/programs/{_q(program)}/", retry=False,
                          headers=headers)
        except _Conflict as conflict:
            raise VersionConflict(program, expected_version or 0, conflict.actual) from None

    def import_document(self, doc: dict[str, Any], *, create_users: bool = False,
                        dry_run: bool = False, expected_version: int | None = None,
                        record: SyncStamp | None = None, actor: str = "") -> ImportReport:
        """(`actor` is not sent: the server names its own account as the history's actor.)"""
        from plansync.seed.canonical import canonical_bytes

        if create_users:
            raise UsageError("an instance reached over HTTP never creates accounts on import",
                             hint="drop --create-users; an instance admin adds accounts with "
                             "`plansync users add` on the server")
        headers = {"Content-Type": "application/json"}
        if expected_version == 0:
            headers["If-None-Match"] = "*"
        elif expected_version is not None:
            headers["If-Match"] = f'"{expected_version}"'
        params = {"dry_run": "1" if dry_run else "0"}
        if record is not None:  # the server records its own account, not the one claimed
            params["sync_path"] = record.path
            if record.commit:
                params["sync_commit"] = record.commit
            if record.repository:
                params["sync_repository"] = record.repository
        try:
            response = self._request("POST", "/api/v1/programs/import/", retry=False,
                                     content=canonical_bytes(doc), headers=headers,
                                     params=params)
        except _Conflict as conflict:
            raise VersionConflict(doc["program"]["code"], expected_version or 0,
                                  conflict.actual) from None
        return _report(response.json())

    def import_documents(self, docs: Sequence[dict[str, Any]], *, create_users: bool = False,
                         dry_run: bool = False, actor: str = "") -> list[ImportReport]:
        """Over HTTP each program is its own transaction: every document is first tried as a
        dry run (so a refusal of any stops them all before a write), then imported."""
        checked = [self.import_document(doc, create_users=create_users, dry_run=True)
                   for doc in docs]
        if dry_run:
            return checked
        return [self.import_document(doc, create_users=create_users) for doc in docs]

    def programs_by_digest(self, digests: Collection[str]) -> dict[str, str]:
        return {}  # the server checks and imports every document it is sent

    def confirm_unchanged(self, programs: Sequence[tuple[str, str]], *,
                          dry_run: bool = False) -> list[ImportReport]:
        raise StateMoved("the server confirms nothing unseen", hint="import the documents")

    def export_program(self, program: str) -> dict[str, Any]:
        doc: dict[str, Any] = json.loads(
            self._request("GET", f"/api/v1/programs/{_q(program)}/export/").content)
        return doc

    def export_timeline(self, program: str, since: str | None = None) -> dict[str, Any]:
        params = {"timeline": "1", **({"since": since} if since else {})}
        doc: dict[str, Any] = json.loads(self._request(
            "GET", f"/api/v1/programs/{_q(program)}/export/", params=params).content)
        return doc

    def export_project(self, program: str, project: str) -> dict[str, Any]:
        doc: dict[str, Any] = json.loads(
            self._request("GET", f"/api/v1/projects/{_q(program)}/{_q(project)}/export/").content)
        return doc

    def close(self) -> None:
        self.client.close()


def _q(part: str) -> str:
    from urllib.parse import quote

    return quote(part, safe="")


class _Conflict(InstanceError):
    def __init__(self, message: str, actual: int | None) -> None:
        super().__init__(message)
        self.actual = actual


def _record(data: dict[str, Any]) -> SyncRecord:
    return SyncRecord(data["program"], data["server_version"], data["digest"],
                      data.get("document"), data["commit"], data["path"], data["at"],
                      data["account"], data["repository"])


def _report(data: dict[str, Any]) -> ImportReport:
    return ImportReport(
        program=data["program"], status=data["status"], server_version=data["server_version"],
        counts={k: Counts(**v) for k, v in data["counts"].items()},
        pending=list(data["pending_memberships"]), created_users=list(data["created_users"]),
        warnings=list(data["warnings"]), dry_run=bool(data["dry_run"]))
