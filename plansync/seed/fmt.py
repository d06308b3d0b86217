"""`fmt`: bring a valid seed file into canonical form (JSON bytes; YAML order with comments)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from plansync.errors import Problem, SeedError
from plansync.fileio import write_atomic
from plansync.memory import no_gc_pauses
from plansync.seed.canonical import canonical_bytes
from plansync.seed.load import Limits, Seed, read_bounded
from plansync.seed.validate import (
    FileResult,
    internal_problem,
    spare_core,
    validate_bytes,
    validate_file,
    validated_alongside,
)

# A JSON file at least this big is checked in a child process while it is formatted here.
ALONGSIDE_BYTES = 1 << 20


@dataclass(frozen=True)
class FormatResult:
    """What fmt would do to one file: nothing (equal bytes), rewrite it, or refuse (problems)."""

    path: str
    before: bytes = b""
    after: bytes = b""
    problems: list[Problem] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return not self.problems and self.before != self.after


def formatted_bytes(seed: Seed) -> bytes:
    """The canonical content of a valid seed (YAML: its own tree reordered, comments kept)."""
    if seed.kind == "json":
        return canonical_bytes(seed.doc)
    from plansync.seed import yamlio

    yamlio.canonicalise_tree(seed.tree)
    return yamlio.dump(seed.tree).encode("utf-8")


def format_file(path: str | Path, limits: Limits | None = None, *, write: bool = False,
                overlap: bool | None = None) -> FormatResult:
    """Check (and with write=True, rewrite atomically) one file; invalid files are untouched.

    A JSON file of ALONGSIDE_BYTES or more is checked in a forked child process while its
    canonical bytes are made here (overlap=None: only when a core looks free, see
    spare_core; on busy cores the extra parse and the fork cost more than they save;
    False: one process, as validate_file(overlap=False))."""
    limits = limits or Limits()
    name = str(path)
    try:
        big = overlap is not False and name.endswith(".json") and os.path.isfile(name) \
            and ALONGSIDE_BYTES <= os.path.getsize(name) <= limits.max_bytes \
            and (overlap or spare_core())
        data = read_bounded(name, limits.max_bytes) if big else None
    except (OSError, SeedError):  # reported as the file's problem by validate_file
        data = None
    outcome = _formatted(validate_file(path, limits, overlap=overlap)) if data is None \
        else _json_alongside(name, data, limits)
    if write and outcome.changed:
        write_atomic(path, outcome.after)
    return outcome


def _json_alongside(name: str, data: bytes, limits: Limits) -> FormatResult:
    """What fmt makes of a big JSON file: its canonical bytes made while a child process checks
    it (see validated_alongside), so that checking does not add to the time."""

    def work() -> bytes:
        return canonical_bytes(orjson.loads(data))

    try:
        problems, after = validated_alongside(name, data, limits, work)
    except Exception:  # noqa: BLE001 - orjson refused what the checks took: the usual way
        return _formatted(validate_bytes(name, data, limits))
    if problems or after is None:
        return FormatResult(name, problems=problems)
    return FormatResult(name, data, after)


def format_bytes(name: str, data: bytes, limits: Limits | None = None) -> FormatResult:
    """What fmt would make of content that is not a file (a staged blob); writes nothing."""
    return _formatted(validate_bytes(name, data, limits))


def formatted(result: FileResult) -> FormatResult:
    """What fmt makes of a file already validated (its FileResult)."""
    return _formatted(result)


def _formatted(result: FileResult) -> FormatResult:
    if result.problems or result.seed is None:
        return FormatResult(result.path, problems=result.problems)
    seed = result.seed
    with no_gc_pauses():
        try:
            after = formatted_bytes(seed)
        except Exception as exc:  # noqa: BLE001 - a bug must not stop a folder run
            return FormatResult(result.path, problems=[internal_problem(result.path, exc)])
        return FormatResult(result.path, seed.text.encode("utf-8"), after)
