"""The record of each program's syncs, kept in the instance (table sync_records).

Plain functions over a store's connection, called inside the transaction of the import they
belong to, so a record never disagrees with the program it describes. Every sync adds a row;
the documents of all but the newest KEEP_DOCUMENTS rows of a program are dropped (their commit
in Git holds them).
"""

from __future__ import annotations

import sqlite3
import zlib
from typing import Any

import orjson

from plansync.instance.base import SyncRecord, SyncStamp
from plansync.instance.ids import now
from plansync.instance.timeline import Packed

KEEP_DOCUMENTS = 5
HISTORY = 500  # records listed, newest first
_COLUMNS = ("p.code, r.server_version, r.digest, r.commit_id, r.path, r.at, r.account, "
            "r.repository")


def write(conn: sqlite3.Connection, program_id: str, server_version: int,
          doc: Packed, stamp: SyncStamp) -> None:
    """Record `doc` (a v1 document, packed) as synced now."""
    conn.execute(
        "INSERT INTO sync_records (program_id, server_version, digest, document, commit_id, "
        "repository, path, at, account) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (program_id, server_version, doc.digest, doc.blob,
         stamp.commit, stamp.repository, stamp.path, now(), stamp.account))
    conn.execute(
        "UPDATE sync_records SET document = NULL WHERE program_id = ? AND document IS NOT NULL "
        "AND id NOT IN (SELECT id FROM sync_records WHERE program_id = ? ORDER BY id DESC "
        "LIMIT ?)", (program_id, program_id, KEEP_DOCUMENTS))


def history(conn: sqlite3.Connection, program_id: str) -> list[SyncRecord]:
    """The program's sync records, newest first, without their documents."""
    return [_record(row, None) for row in conn.execute(
        f"SELECT {_COLUMNS} FROM sync_records r JOIN programs p ON r.program_id = p.id "
        "WHERE r.program_id = ? ORDER BY r.id DESC LIMIT ?", (program_id, HISTORY))]


def read(conn: sqlite3.Connection, program_id: str,
         server_version: int | None = None) -> SyncRecord | None:
    """The newest record (or the newest one at `server_version`) with its document; None when
    there is none, or its document is no longer kept."""
    where = "" if server_version is None else " AND r.server_version = ?"
    args: tuple[Any, ...] = (program_id,) if server_version is None \
        else (program_id, server_version)
    row = conn.execute(
        f"SELECT {_COLUMNS}, r.document FROM sync_records r JOIN programs p "
        f"ON r.program_id = p.id WHERE r.program_id = ?{where} ORDER BY r.id DESC LIMIT 1",
        args).fetchone()
    if row is None or row[-1] is None:
        return None
    document: dict[str, Any] = orjson.loads(zlib.decompress(row[-1]))
    return _record(row[:-1], document)


def _record(row: tuple[Any, ...], document: dict[str, Any] | None) -> SyncRecord:
    code, version, digest, commit, path, at, account, repository = row
    return SyncRecord(code, int(version), digest, document, commit, path, at, account,
                      repository)


def paths(conn: sqlite3.Connection, repository: str | None) -> dict[str, str | None]:
    """Code -> path of the programs whose newest sync came from `repository`."""
    return {code: path for code, path in conn.execute(
        "SELECT p.code, r.path FROM sync_records r JOIN programs p ON r.program_id = p.id "
        "WHERE r.id = (SELECT max(id) FROM sync_records WHERE program_id = r.program_id) "
        "AND r.repository IS NOT DISTINCT FROM ?", (repository,))}
