"""Real Git repositories for tests, made with pygit2."""

from __future__ import annotations

import shutil
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


EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "plans"


def repo_with_examples(work: Path, folder: str = "") -> Path:
    """A new repository at `work` with the example plans copied into `folder` (uncommitted)."""
    pygit2.init_repository(str(work))
    target = work / folder
    target.mkdir(parents=True, exist_ok=True)
    for plan in EXAMPLES.iterdir():
        shutil.copy(plan, target / plan.name)
    return work
