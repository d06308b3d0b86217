"""The validation pipeline: parse, then schema, then semantic rules; problems are values."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import orjson

from plansync.errors import INTERNAL, Problem, SeedError, UsageError
from plansync.forked import Forked, can_fork
from plansync.memory import no_gc_pauses
from plansync.seed.check import semantic_problems
from plansync.seed.load import (
    Limits,
    Seed,
    decode,
    is_seed_path,
    kind_of,
    load_seed,
    load_seed_text,
    read_bounded,
)
from plansync.seed.schema import schema_problems

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class FileResult:
    """The outcome for one file: its problems (none means valid) and, if it parsed, the seed."""

    path: str
    problems: list[Problem] = field(default_factory=list)
    seed: Seed | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not self.problems


def seed_problems(seed: Seed) -> list[Problem]:
    """Schema problems and the semantic ones (checked on whatever is well-formed enough, even
    when the schema fails), schema first; for a v2 document without any, also those of
    replaying its events and of the state they leave."""
    return _combined(seed, schema_problems(seed), semantic_problems(seed))


def _combined(seed: Seed, schema: list[Problem], semantic: list[Problem]) -> list[Problem]:
    refused = {p.pointer for p in schema}  # one mistake, one problem: the schema's
    problems = schema + [p for p in semantic if p.pointer not in refused]
    if problems or seed.doc.get("version") != 2:
        return problems
    return _timeline_problems(seed)


def _timeline_problems(seed: Seed) -> list[Problem]:
    from plansync.seed.events import EventError, final_state

    try:
        final = dataclasses.replace(seed, doc=final_state(seed.doc))
    except EventError as exc:
        return [seed.problem(p.pointer, p.code, p.message, p.hint) for p in exc.problems]
    after = schema_problems(final) or semantic_problems(final)
    return [seed.problem("/events", p.code, f"after replaying the events: {p.message} "
                         f"(at {p.pointer} of the final state)", p.hint) for p in after]


# A JSON file at least this big is checked by two processes at once (see _overlapped).
OVERLAP_BYTES = 1 << 20


def validate_file(path: str | Path, limits: Limits | None = None, *,
                  overlap: bool | None = None) -> FileResult:
    """Every problem of one file; a failure of plansync itself on this file (a bug) becomes
    an `internal-error` problem of the file, so that a run over many files still reports
    every other file.

    A JSON file of OVERLAP_BYTES or more is checked by two processes at once where this one
    can fork (and runs no other thread): with overlap=None only when a core looks free (see
    spare_core), with True whatever the load; False: by this process alone."""
    limits = limits or Limits()
    name = str(path)
    with no_gc_pauses():
        try:
            if overlap is not False and kind_of(name) == "json" and can_fork():
                data = read_bounded(name, limits.max_bytes)
                text = decode(name, data)
                if len(data) >= OVERLAP_BYTES and (overlap or spare_core()):
                    return _overlapped(name, data, text, limits)
                seed = load_seed_text(name, text, "json", limits)
            else:
                seed = load_seed(path, limits)
            return FileResult(name, seed_problems(seed), seed)
        except SeedError as exc:
            return FileResult(name, exc.problems)
        except Exception as exc:  # noqa: BLE001 - a bug must not hide the other files
            return FileResult(name, [internal_problem(name, exc)])


def _overlapped(name: str, data: bytes, text: str, limits: Limits) -> FileResult:
    """validate_file's result for a big JSON file, in two processes: a forked child parses the
    text strictly and checks the schema, while this one parses the same bytes with orjson and
    checks the semantic rules. What the strict parser accepts, orjson reads as the very same
    data (tests/seed/test_parse_equivalence.py), so the semantic problems are the same; when
    the strict parser refuses the file, its problem is all that is reported, as always. Any
    failure on either side: the file is checked here, the one-process way."""
    def strict() -> tuple[bool, list[Problem]]:  # in the child: strict parse and schema
        try:
            return True, schema_problems(load_seed_text(name, text, "json", limits))
        except SeedError as exc:
            return False, exc.problems

    def semantic_here() -> tuple[Seed, list[Problem]]:
        parsed_here = Seed(name, "json", text, orjson.loads(data))
        return parsed_here, semantic_problems(parsed_here)

    received, outcome = _alongside(strict, semantic_here)
    if received is None or not outcome[0]:  # a failure on either side: the one-process way
        seed = load_seed_text(name, text, "json", limits)
        return FileResult(name, seed_problems(seed), seed)
    parsed, schema = received
    if not parsed:
        return FileResult(name, schema)
    seed, semantic = outcome[1]
    return FileResult(name, _combined(seed, schema, semantic), seed)


def internal_problem(name: str, exc: BaseException) -> Problem:
    """The problem that reports plansync failing on file `name` (exit 4 once reported)."""
    return Problem(name, 0, 0, "", INTERNAL,
                   f"plansync failed on this file: {type(exc).__name__}: {exc}",
                   "this is a bug in plansync, not a problem of the file: please report it "
                   "with the file (the other files were checked)")


def validate_bytes(name: str, data: bytes, limits: Limits | None = None) -> FileResult:
    """Like validate_file, for content that is not a file (a Git blob); `name` picks the kind."""
    limits = limits or Limits()
    with no_gc_pauses():
        try:
            if len(data) > limits.max_bytes:
                raise SeedError([Problem(name, 0, 0, "", "too-large",
                                         f"{len(data):,} bytes, over the limit of "
                                         f"{limits.max_bytes:,}", "raise --max-file-size")])
            seed = load_seed_text(name, decode(name, data), kind_of(name), limits)
            return FileResult(name, seed_problems(seed), seed)
        except SeedError as exc:
            return FileResult(name, exc.problems)
        except Exception as exc:  # noqa: BLE001 - a bug must not hide the other files
            return FileResult(name, [internal_problem(name, exc)])


def load_valid(path: str | Path, limits: Limits | None = None) -> Seed:
    """A seed that passed every check, or SeedError with all its problems."""
    result = validate_file(path, limits)
    if result.problems or result.seed is None:
        raise SeedError(result.problems)
    return result.seed


def valid_then(path: str | Path, limits: Limits | None,
               work: Callable[[dict[str, Any]], T]) -> T:
    """`work(document)` of a file that passes every check, or SeedError with all its problems
    (exactly what load_valid would raise).

    For a regular JSON file, where this process can fork (see plansync.forked), a child
    process loads and checks the file while this one parses it with the fast parser and runs
    `work` (a 100k-task plan: the ~1.4 s of strict loading and checks overlap the work).
    What `work` returns or raises on a file found invalid is dropped: the problems are what
    is reported.
    """
    limits = limits or Limits()
    name = str(path)
    if not (can_fork() and name.endswith(".json") and os.path.isfile(name)
            and os.path.getsize(name) <= limits.max_bytes):
        return work(load_valid(path, limits).doc)

    def parsed_then_work() -> T:
        with open(name, "rb") as source:
            return work(orjson.loads(source.read()))

    found, outcome = _alongside(lambda: validate_file(path, limits, overlap=False).problems,
                                parsed_then_work)
    if found is None:  # the child failed: check here instead
        return work(load_valid(path, limits).doc)
    if found:
        raise SeedError(found)
    if not outcome[0]:
        raise outcome[1]
    result: T = outcome[1]
    return result


def _alongside(check: Callable[[], R], work: Callable[[], T]
               ) -> tuple[R | None, tuple[bool, Any]]:
    """Run `check` in a forked child while `work` runs here: (what the child's check returned,
    None when the child failed; (True, what work returned) or (False, what it raised))."""
    with no_gc_pauses():
        child = Forked(check)
        try:
            outcome: tuple[bool, Any] = (True, work())
        except Exception as exc:  # noqa: BLE001 - raised only once the data is known valid
            outcome = (False, exc)
        except BaseException:  # an interrupt: the check is no longer wanted
            child.cancel()
            raise
        sent, found = child.delivered()
    return (found if sent else None), outcome


def spare_core() -> bool:
    """Whether a second process would likely get a core of its own now: over the last minute
    more than half a core of this process's CPUs was idle on average (the load average counts
    the runnable processes). On busy cores, overlapping two processes only adds the cost of
    the second one: measured, a 100k-task fmt --check took 1.86 s forked against 1.76 s in
    one process at a load of 3 on 2 cores, and 1.15 s against 1.63 s at a load of 1."""
    affinity = getattr(os, "sched_getaffinity", None)  # Linux: the CPUs this process may use
    cpus = len(affinity(0)) if affinity else os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # not on this platform
        return False
    return cpus >= 2 and load < cpus - 0.5


def validated_alongside(name: str, data: bytes, limits: Limits | None,
                        work: Callable[[], T]) -> tuple[list[Problem], T | None]:
    """(the problems validate_bytes finds in `data`, and work() when there are none).

    Where this process can fork (see plansync.forked), a child checks `data` while it runs
    `work`, so the wall time is the longer of the two, not their sum. What `work` returns or
    raises is dropped when `data` is invalid; an exception of `work` on valid data is raised.
    """
    if not can_fork():
        problems = validate_bytes(name, data, limits).problems
        return (problems, None) if problems else ([], work())
    found, outcome = _alongside(lambda: validate_bytes(name, data, limits).problems, work)
    if found is None:  # the child failed: check here instead
        found = validate_bytes(name, data, limits).problems
    if found:
        return found, None
    if not outcome[0]:
        raise outcome[1]
    result: T = outcome[1]
    return [], result


def duplicate_programs(seeds: list[Seed]) -> list[Problem]:
    """A program in two files: one Problem per later file (it would replace the first)."""
    owners: dict[str, str] = {}
    problems = []
    for seed in seeds:
        code = seed.doc["program"]["code"]
        if code in owners:
            problems.append(seed.problem("/program/code", "duplicate-program",
                                         f"program {code!r} is also in {owners[code]}",
                                         "keep each program in exactly one seed file"))
        owners.setdefault(code, seed.path)
    return problems


def find_seed_files(paths: list[str]) -> list[str]:
    """Files named as such, and the seed files found below directories (sorted, no repeats).

    A named file is taken whatever its name; a path that does not exist, a folder that holds
    no seed file, or one that cannot be read is a usage error: a check that checked nothing
    must not pass.
    """
    found: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            below = _seed_files_below(path)
            if not below:
                raise UsageError(f"no seed files in {path}",
                                 hint="seed files are named *.seed.json, *.seed.yaml or "
                                 "*.seed.yml (hidden folders are skipped)")
            found.extend(below)
        elif os.path.exists(path):
            found.append(path)
        else:
            raise UsageError(f"no such file or directory: {path}",
                             hint="pass seed files or folders that contain them")
    return list(dict.fromkeys(found))


def _seed_files_below(folder: str) -> list[str]:
    def refuse(exc: OSError) -> None:
        raise UsageError(f"cannot read the folder {exc.filename}: {exc.strerror}",
                         hint="check its permissions")

    found: list[str] = []
    for root, dirs, files in os.walk(folder, onerror=refuse):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(os.path.join(root, f) for f in sorted(files) if is_seed_path(f))
    return found
