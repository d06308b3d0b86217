"""Real Git repositories for tests, made with pygit2."""

from __future__ import annotations

from pathlib import Path

import pygit2

SIGNATURE = pygit2.Signature("Tester", "tester@example.com")


def commit_all(repo: Path, message: str) -> str:
    """Stage everything in the working tree and commit it on HEAD; the new commit's id."""
    git = pygit2.Repository(str(repo))
    git.index.add_all()
    git.index.write()
    tree = git.index.write_tree()
    parents = [] if git.head_is_unborn else [git.head.target]
    return str(git.create_commit("HEAD", SIGNATURE, SIGNATURE, message, tree, parents))
