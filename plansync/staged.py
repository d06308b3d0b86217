"""The staged content of seed files: the index blobs that `git commit` is about to record.

A pre-commit check must look at these, not at the working tree: a file can be staged invalid
and then fixed (or broken) in the working copy without `git add`. The index is the one Git
uses for this commit: `GIT_INDEX_FILE` when Git sets it (`git commit -a`, `git commit PATH`
use a temporary index), else the repository's own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plansync.errors import UsageError
from plansync.seed.load import is_seed_path


@dataclass(frozen=True)
class StagedFile:
    """One staged file: the name to report it under, its staged bytes, its working path."""

    name: str
    data: bytes
    path: Path


def _repository(start: str) -> Any:
    import pygit2

    found = pygit2.discover_repository(start)
    if found is None:
        raise UsageError(f"{Path(start).resolve()} is not inside a Git repository",
                         hint="--staged reads Git's index: run it in a clone")
    repo = pygit2.Repository(found)
    if not repo.workdir:
        raise UsageError("--staged needs a working tree (this is a bare repository)")
    return repo


def _index(repo: Any) -> Any:
    import pygit2

    override = os.environ.get("GIT_INDEX_FILE")
    if override:
        index = pygit2.Index(os.path.abspath(override))
        index.read()
        return index
    index = repo.index
    index.read()
    return index


def staged_files(paths: list[str]) -> list[StagedFile]:
    """The staged content of the files named (a folder: the seed files staged below it; no
    path: every staged seed file), reported under the names given. A named file that is not
    in the index is a usage error."""
    start = os.path.dirname(os.path.abspath(paths[0])) if paths else "."
    repo = _repository(start if os.path.isdir(start) else ".")
    root = Path(repo.workdir).resolve()
    index = _index(repo)
    entries = {entry.path: entry for entry in index}
    found: dict[str, StagedFile] = {}
    for given in paths or [str(root)]:
        absolute = Path(os.path.abspath(given))
        try:
            relative = absolute.relative_to(root).as_posix() if absolute != root else ""
        except ValueError:
            raise UsageError(f"{given} is outside the repository {root}",
                             hint="--staged checks files of the repository it runs in") from None
        if relative in entries:
            found[relative] = _staged(repo, entries[relative], given, root)
            continue
        below = [p for p in entries if is_seed_path(p)
                 and (not relative or p.startswith(relative.rstrip("/") + "/"))]
        if not below and not (absolute.is_dir() or not relative):
            raise UsageError(f"{given} is not staged (not in Git's index)",
                             hint="`git add` it first, or check the name")
        for path in sorted(below):
            name = os.path.relpath(root / path) if paths else path
            found.setdefault(path, _staged(repo, entries[path], name, root))
    return list(found.values())


def _staged(repo: Any, entry: Any, name: str, root: Path) -> StagedFile:
    return StagedFile(name, bytes(repo[entry.id].data), root / entry.path)
