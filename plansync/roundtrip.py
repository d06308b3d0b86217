"""The round-trip check: import into a scratch instance, export, compare."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from plansync.errors import Problem
from plansync.seed.canonical import canonical_bytes
from plansync.seed.events import final_state
from plansync.seed.load import Limits
from plansync.seed.validate import FileResult, validate_bytes, validate_file


@dataclass(frozen=True)
class RoundtripResult:
    path: str
    problems: list[Problem] = field(default_factory=list)
    diff: str = ""  # empty when the file survived unchanged

    @property
    def ok(self) -> bool:
        return not self.problems and not self.diff


def roundtrip_file(path: str | Path, limits: Limits | None = None,
                   address: str = "memory:") -> RoundtripResult:
    """What an instance gives back for this file, compared with what the file says.

    By default a scratch memory: instance; another address round-trips through that
    instance, which keeps the imported program."""
    return _roundtrip(validate_file(path, limits), address)


def roundtrip_bytes(name: str, data: bytes, limits: Limits | None = None,
                    address: str = "memory:") -> RoundtripResult:
    """The same for content that is not a file (a staged blob); `name` labels it."""
    return _roundtrip(validate_bytes(name, data, limits), address)


def roundtrip_data(result: FileResult, address: str = "memory:") -> RoundtripResult:
    """The round trip of a file already validated, compared with its data in canonical form
    (whether the file itself is canonical is fmt's question: `plansync check` asks both)."""
    return _roundtrip(result, address, data_only=True)


def _roundtrip(result: FileResult, address: str, data_only: bool = False) -> RoundtripResult:
    from plansync.instance.address import opened

    path = result.path
    if result.seed is None or result.problems:
        return RoundtripResult(path, result.problems)
    seed = result.seed
    with opened(address, create=True) as instance:
        instance.import_document(seed.doc)
        exported = canonical_bytes(instance.export_program(seed.doc["program"]["code"]))
    if seed.kind == "json" and seed.doc.get("version") == 1 and not data_only:
        expected, label = seed.text.encode("utf-8"), "file"
    else:  # YAML (comments cannot survive) and v2 timelines (export writes the final state)
        expected, label = canonical_bytes(final_state(seed.doc)), "file's data, canonical"
    if exported == expected:
        return RoundtripResult(path)
    diff = "".join(difflib.unified_diff(
        expected.decode("utf-8").splitlines(keepends=True),
        exported.decode("utf-8").splitlines(keepends=True),
        f"{path} ({label})", f"{path} (after import -> export)"))
    return RoundtripResult(path, diff=diff)
