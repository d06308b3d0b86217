"""The round-trip check: import into a scratch instance, export, compare."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from plansync.errors import Problem
from plansync.seed.canonical import canonical_bytes
from plansync.seed.events import final_state
from plansync.seed.load import Limits
from plansync.seed.validate import validate_file


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
    from plansync.instance.address import opened

    result = validate_file(path, limits)
    if result.seed is None or result.problems:
        return RoundtripResult(str(path), result.problems)
    seed = result.seed
    with opened(address, create=True) as instance:
        instance.import_document(seed.doc)
        exported = canonical_bytes(instance.export_program(seed.doc["program"]["code"]))
    if seed.kind == "json" and seed.doc.get("version") == 1:
        expected, label = seed.text.encode("utf-8"), "file"
    else:  # YAML (comments cannot survive) and v2 timelines (export writes the final state)
        expected, label = canonical_bytes(final_state(seed.doc)), "file's data, canonical"
    if exported == expected:
        return RoundtripResult(str(path))
    diff = "".join(difflib.unified_diff(
        expected.decode("utf-8").splitlines(keepends=True),
        exported.decode("utf-8").splitlines(keepends=True),
        f"{path} ({label})", f"{path} (after import -> export)"))
    return RoundtripResult(str(path), diff=diff)
