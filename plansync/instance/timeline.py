"""A program's current state and history, kept in the instance (migration 0006).

Plain functions over a store's connection, called inside the transaction of the import they
belong to. The state is the canonical document (zlib) with its hash; the history is a base
document (the state before the first kept event) and the events, in order.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from typing import Any

import orjson

from plansync.instance.ids import new_id
from plansync.seed.canonical import canonical_bytes


class Packed:
    """A document's canonical bytes and their hash, and (made once, when first asked for)
    their zlib blob: one import writes the same state as the program's state, its history's
    base and its sync record, and each costs its bytes only once. Once the blob is made the
    bytes are let go (37 MB for a 100k-task plan)."""

    def __init__(self, doc: dict[str, Any] | None = None, *, data: bytes | None = None) -> None:
        """Of a document, or of its canonical bytes `data` when the caller has them."""
        if data is None:
            assert doc is not None
            data = canonical_bytes(doc)
        self._data = data
        self.digest = hashlib.sha256(data).hexdigest()
        self._blob: bytes | None = None

    def compress(self) -> bytes:
        """The blob, made now if not yet."""
        if self._blob is None:
            self._blob = zlib.compress(self._data, 1)
            self._data = b""
        return self._blob

    blob = property(compress)


def _unpack(blob: Any) -> dict[str, Any]:
    doc: dict[str, Any] = orjson.loads(zlib.decompress(bytes(blob)))
    return doc


def state(conn: Any, code: str) -> tuple[str | None, dict[str, Any] | None]:
    """(hash, document) of a program's current state as last recorded; (None, None) when the
    program does not exist or has none recorded yet."""
    row = conn.execute("SELECT state_digest, state FROM programs WHERE code = ?",
                       (code,)).fetchone()
    if row is None or row[1] is None:
        return None, None
    return row[0], _unpack(row[1])


def state_digest(conn: Any, code: str) -> str | None:
    row = conn.execute("SELECT state_digest FROM programs WHERE code = ?", (code,)).fetchone()
    return None if row is None else row[0]


def set_state(conn: Any, program_id: str, doc: Packed) -> None:
    conn.execute("UPDATE programs SET state = ?, state_digest = ? WHERE id = ?",
                 (doc.blob, doc.digest, program_id))


def history(conn: Any, program_id: str) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """(base document or None, events in order) of a program."""
    row = conn.execute("SELECT document FROM history_base WHERE program_id = ?",
                       (program_id,)).fetchone()
    events = [json.loads(text) for (text,) in conn.execute(
        "SELECT event FROM timeline_events WHERE program_id = ? ORDER BY position",
        (program_id,))]
    return (None if row is None else _unpack(row[0])), events


def start(conn: Any, program_id: str, base: Packed) -> None:
    """Start a program's history at `base` (its first state, or its state when it had
    none kept), with no events."""
    conn.execute("DELETE FROM history_base WHERE program_id = ?", (program_id,))
    conn.execute("INSERT INTO history_base (program_id, document) VALUES (?, ?)",
                 (program_id, base.blob))
    conn.execute("DELETE FROM timeline_events WHERE program_id = ?", (program_id,))


def append(conn: Any, program_id: str, events: list[dict[str, Any]]) -> None:
    (last,) = conn.execute("SELECT coalesce(max(position), -1) FROM timeline_events "
                           "WHERE program_id = ?", (program_id,)).fetchone()
    first = int(last) + 1
    conn.executemany("INSERT INTO timeline_events (id, program_id, position, event) "
                     "VALUES (?, ?, ?, ?)",
                     [(new_id(), program_id, first + i,
                       json.dumps(e, ensure_ascii=False, sort_keys=True))
                      for i, e in enumerate(events)])


def has_base(conn: Any, program_id: str) -> bool:
    return conn.execute("SELECT 1 FROM history_base WHERE program_id = ?",
                        (program_id,)).fetchone() is not None
