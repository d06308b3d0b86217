"""Everything Git goes through pygit2, here; callers get plain paths and data back."""

from __future__ import annotations

from pathlib import Path

from plansync.errors import PlansyncError


class GitError(PlansyncError):
    pass


def repository_root(start: str | Path = ".") -> Path | None:
    """The working-tree root of the repository containing `start`, or None outside one."""
    import pygit2

    found = pygit2.discover_repository(str(start))
    if found is None:
        return None
    repo = pygit2.Repository(found)
    return Path(repo.workdir) if repo.workdir else None


def hooks_dir(start: str | Path = ".") -> Path:
    """The folder Git runs hooks from (honours core.hooksPath)."""
    import pygit2

    found = pygit2.discover_repository(str(start))
    if found is None:
        raise GitError(f"{Path(start).resolve()} is not inside a Git repository",
                       hint="run this in a clone, or `git init` first")
    repo = pygit2.Repository(found)
    try:
        configured = repo.config["core.hooksPath"]
    except KeyError:
        return Path(repo.path) / "hooks"
    base = Path(repo.workdir or repo.path)
    return (base / str(configured)).resolve()
