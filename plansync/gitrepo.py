"""Everything Git goes through pygit2, here; callers get plain paths and data back."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from plansync.errors import PlansyncError, Problem, SeedError
from plansync.seed.load import Limits, read_bounded


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


def _open(start: str | Path = ".") -> Any:
    import pygit2

    found = pygit2.discover_repository(str(start))
    if found is None:
        raise GitError(f"{Path(start).resolve()} is not inside a Git repository",
                       hint="run this in a clone, or `git init` first")
    return pygit2.Repository(found)


def _is_seed(path: str) -> bool:
    return path.endswith((".seed.json", ".seed.yaml", ".seed.yml"))


def _wanted(path: str, prefixes: list[str]) -> bool:
    """Under one of `prefixes` (repository paths; "" is the root, so everything)."""
    return not prefixes or any(not p or path == p or path.startswith(p.rstrip("/") + "/")
                               for p in prefixes)


def repo_path(path: str | Path, root: Path) -> str:
    """A path given on the command line as a repository path ("" for the root)."""
    relative = os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/")
    if relative == ".." or relative.startswith("../"):
        raise GitError(f"{path} is outside the repository {root}",
                       hint="pass a path inside the repository")
    return "" if relative == "." else relative


def seed_blobs(start: str | Path, rev: str, prefixes: list[str]) -> dict[str, bytes]:
    """Repository path -> bytes of every seed file at revision `rev` (under `prefixes`)."""
    import pygit2

    repo = _open(start)
    try:
        commit = repo.revparse_single(rev).peel(pygit2.Commit)
    except (KeyError, ValueError, pygit2.GitError) as exc:
        raise GitError(f"unknown revision {rev!r}",
                       hint="use a commit, branch or tag name (git log shows them)") from exc
    found: dict[str, bytes] = {}
    _walk(repo, commit.tree, "", prefixes, found)
    return found


def _walk(repo: Any, tree: Any, base: str, prefixes: list[str], found: dict[str, bytes]) -> None:
    import pygit2

    for entry in tree:
        path = f"{base}{entry.name}"
        if entry.type_str == "tree":
            _walk(repo, repo[entry.id].peel(pygit2.Tree), path + "/", prefixes, found)
        elif entry.type_str == "blob" and _is_seed(path) and _wanted(path, prefixes):
            found[path] = repo[entry.id].data


def worktree_seed_files(start: str | Path, prefixes: list[str], limits: Limits | None = None,
                        problems: list[Problem] | None = None) -> dict[str, bytes]:
    """Repository path -> bytes of the seed files in the working tree that Git does not
    ignore (tracked or not), under `prefixes`.

    Each file is read like any seed file (plansync.seed.load.read_bounded): only regular files
    (a symlink to one is fine), never more than the size limit. A file refused is left out and
    its problem appended to `problems`; without that list the first refusal raises SeedError.
    """
    limits = limits or Limits()
    repo = _open(start)
    root = Path(repo.workdir)
    found: dict[str, bytes] = {}
    for folder, dirs, files in os.walk(root):
        base = Path(folder).relative_to(root).as_posix()
        base = "" if base == "." else base + "/"
        # Skip hidden and ignored folders whole (.git, .venv, node_modules ...).
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and not repo.path_is_ignored(f"{base}{d}/"))
        for name in sorted(files):
            relative = base + name
            if _is_seed(name) and _wanted(relative, prefixes) \
                    and not repo.path_is_ignored(relative):
                try:
                    found[relative] = read_bounded(str(Path(folder) / name), limits.max_bytes,
                                                   label=relative)
                except SeedError as exc:
                    if problems is None:
                        raise
                    problems.extend(exc.problems)
    return found


def workdir(start: str | Path = ".") -> Path:
    repo = _open(start)
    if not repo.workdir:
        raise GitError("this repository has no working tree (a bare repository)")
    return Path(repo.workdir)


def head_commit(start: str | Path = ".") -> str | None:
    repo = _open(start)
    return None if repo.head_is_unborn else str(repo.head.target)


def set_config(start: str | Path, key: str, value: str, *, global_: bool = False) -> None:
    """Set a Git config value in the repository's config, or the user's global one."""
    import pygit2

    if global_:
        config_path = Path.home() / ".gitconfig"
        config_path.touch(exist_ok=True)
        config = pygit2.Config(str(config_path))
    else:
        config = _open(start).config
    config[key] = value


def get_config(start: str | Path, key: str, *, global_: bool = False) -> str | None:
    import pygit2

    try:
        if global_:
            path = Path.home() / ".gitconfig"
            return str(pygit2.Config(str(path))[key]) if path.exists() else None
        return str(_open(start).config[key])
    except KeyError:
        return None


def _signature(repo: Any) -> Any:
    import pygit2

    try:
        return repo.default_signature
    except (KeyError, pygit2.GitError):
        return pygit2.Signature("plansync", "plansync@localhost")


def identity(start: str | Path = ".") -> tuple[str | None, str]:
    """(the repository's first commit, the user's email): what a sync record says of where
    it came from and who made it. The first commit is the same in every clone; None in a
    repository without commits. The email is Git's user.email, else the login name."""
    import getpass

    import pygit2

    repo = _open(start)
    first = None
    if not repo.head_is_unborn:
        walker = repo.walk(repo.head.target, pygit2.enums.SortMode.TOPOLOGICAL
                           | pygit2.enums.SortMode.REVERSE)
        first = str(next(walker).id)
    try:
        email = str(repo.config["user.email"])
    except KeyError:
        email = f"{getpass.getuser()}@plansync.invalid"
    return first, email


def uncommitted(start: str | Path, paths: list[str]) -> list[str]:
    """Those of `paths` (repository-relative) that differ from HEAD: edited, staged or
    untracked."""
    return [path for path in paths if has_local_edits(start, path)]


def commit_files(start: str | Path, paths: list[str], message: str) -> str:
    """Commit exactly `paths` (repository-relative, as they are in the working tree) on HEAD.

    The commit's tree is HEAD's with only these files replaced: whatever else the user has
    staged stays staged and out of the commit. The index then records the committed content
    of these paths, so they do not show as changed afterwards."""
    import pygit2

    repo = _open(start)
    root = Path(repo.workdir)
    staged = repo.index
    staged.read()
    tree = pygit2.Index()
    if not repo.head_is_unborn:
        tree.read_tree(repo.head.peel(pygit2.Commit).tree)
    for path in paths:
        data = (root / path).read_bytes()
        mode = pygit2.enums.FileMode.BLOB_EXECUTABLE if os.access(root / path, os.X_OK) \
            else pygit2.enums.FileMode.BLOB
        entry = pygit2.IndexEntry(path, repo.create_blob(data), mode)
        tree.add(entry)
        staged.add(entry)
    parents = [] if repo.head_is_unborn else [repo.head.target]
    signature = _signature(repo)
    oid = repo.create_commit("HEAD", signature, signature, message, tree.write_tree(repo),
                             parents)
    staged.write()
    return str(oid)


def has_local_edits(start: str | Path, path: str) -> bool:
    """True when the file differs from HEAD (edited, staged or untracked): work to keep."""
    repo = _open(start)
    try:
        return bool(repo.status_file(path))
    except KeyError:  # not in the working tree, the index or HEAD
        return False


class History:
    """What a three-way sync asks of the repository's history: whether HEAD contains a
    commit (it is HEAD or an ancestor of it), and a file's bytes at a commit."""

    def __init__(self, start: str | Path) -> None:
        self.repo = _open(start)
        self.head = None if self.repo.head_is_unborn else self.repo.head.target

    def contains(self, commit: str) -> bool:
        import pygit2

        try:
            oid = pygit2.Oid(hex=commit)
            if self.head is None or oid not in self.repo:
                return False
            return bool(oid == self.head or self.repo.descendant_of(self.head, oid))
        except (ValueError, pygit2.GitError):
            return False

    def blob(self, commit: str, path: str) -> bytes | None:
        import pygit2

        try:
            tree = self.repo.revparse_single(commit).peel(pygit2.Commit).tree
            data: bytes = self.repo[tree[path].id].data
            return data
        except (KeyError, ValueError, pygit2.GitError):
            return None


class Ignored:
    """Whether Git ignores a repository path (for the watcher's file events)."""

    def __init__(self, start: str | Path) -> None:
        self.repo = _open(start)

    def __call__(self, path: str) -> bool:
        try:
            return bool(self.repo.path_is_ignored(path))
        except Exception:  # noqa: BLE001 - a path Git cannot judge is not ignored
            return False


def file_versions(start: str | Path, revisions: str, path: str
                  ) -> list[tuple[str, int, str, bytes]]:
    """(commit, commit time, author email, the file's bytes) for each commit on the first-
    parent line of `revisions` ("REV" or "FROM..TO") where `path` changed, oldest first;
    with FROM..TO, the file as it was at FROM comes first (when it existed there)."""
    import pygit2

    repo = _open(start)
    first, dots, last = revisions.partition("..")
    if not dots:
        first, last = "", revisions
    stop = _commit(repo, first).id if first else None
    line = []
    commit = _commit(repo, last or "HEAD")
    while True:
        line.append(commit)
        if commit.id == stop or not commit.parents:
            break
        commit = commit.parents[0]
    if stop is not None and line[-1].id != stop:
        raise GitError(f"{first} is not on the first-parent line of {last or 'HEAD'}",
                       hint="give a range along one branch's history, e.g. main~20..main")
    found: list[tuple[str, int, str, bytes]] = []
    previous = None
    for commit in reversed(line):
        try:
            blob = commit.tree[path].id
        except KeyError:
            blob = None
        if blob is None or blob == previous:
            previous = blob
            continue
        previous = blob
        data = repo[blob].peel(pygit2.Blob).data
        found.append((str(commit.id), commit.commit_time, commit.author.email, data))
    return found


def _commit(repo: Any, rev: str) -> Any:
    import pygit2

    try:
        return repo.revparse_single(rev).peel(pygit2.Commit)
    except (KeyError, ValueError, pygit2.GitError) as exc:
        raise GitError(f"unknown revision {rev!r}",
                       hint="use a commit, branch or tag name (git log shows them)") from exc
