"""plansync git setup [--global]; plansync git merge-file (hidden: Git's merge driver)"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from plansync.errors import EXIT_FINDINGS, EXIT_OK, FileError, PlansyncError, SeedError
from plansync.fileio import read_bytes, write_atomic
from plansync.render.safe import escape

PATTERNS = ("*.seed.json", "*.seed.yaml", "*.seed.yml")
ATTRIBUTES = tuple(f"{p} diff=plansync" for p in PATTERNS) + tuple(
    f"{p} merge=plansync" for p in PATTERNS)
MERGE_NAME = "plansync: semantic merge of seed files"
# `git log -p` and `git show` run no external diff driver without --ext-diff: these aliases do.
ALIASES = {"alias.plog": "log -p --ext-diff", "alias.pshow": "show --ext-diff"}


def driver_command() -> str:
    """The diff driver git runs: this Python's plansync in external-diff mode."""
    return f"{shlex.quote(sys.executable)} -m plansync diff --git-external"


def merge_driver_command() -> str:
    """The merge driver git runs (%O base, %A ours, %B theirs, %P the file's path)."""
    return f"{shlex.quote(sys.executable)} -m plansync git merge-file %O %A %B %P"


@click.group("git")
def command() -> None:
    """Git integration: semantic diffs in `git diff` (and `git log -p --ext-diff`), and
    semantic merges of seed files in `git merge`, `git rebase`, `git cherry-pick`."""


@command.command("setup")
@click.option("--global", "global_", is_flag=True,
              help="Set it up for every repository of this user (global config and "
              "attributes file) instead of this repository.")
@click.option("--aliases/--no-aliases", default=True, show_default=True,
              help="Also add `git plog` (log -p --ext-diff) and `git pshow` (show "
              "--ext-diff); an alias of that name that does something else is kept.")
def setup(global_: bool, aliases: bool) -> int:
    """Make `git diff` show plansync's semantic diff for seed files, and Git merge seed
    files by entities and fields instead of lines.

    Adds `*.seed.json diff=plansync` and `*.seed.json merge=plansync` (and .yaml, .yml) to
    .gitattributes and sets diff.plansync.command, merge.plansync.name and
    merge.plansync.driver in the Git config. `git log -p` and `git show` run no external
    diff driver unless given --ext-diff: the aliases `git plog` and `git pshow` do that.
    Running it again changes nothing.
    """
    from plansync import gitrepo

    if global_:
        attributes = gitrepo.get_config(".", "core.attributesFile", global_=True)
        path = Path(attributes).expanduser() if attributes else \
            Path.home() / ".config" / "git" / "attributes"
        if not attributes:
            gitrepo.set_config(".", "core.attributesFile", str(path), global_=True)
    else:
        path = gitrepo.workdir(".") / ".gitattributes"
    added = _ensure_lines(path, ATTRIBUTES)
    settings = {"diff.plansync.command": driver_command(), "merge.plansync.name": MERGE_NAME,
                "merge.plansync.driver": merge_driver_command()}
    kept = []
    if aliases:
        for key, value in ALIASES.items():
            current = gitrepo.get_config(".", key, global_=global_)
            if current is None or current == value:
                settings[key] = value
            else:
                kept.append((key, current))
    for key, value in settings.items():
        gitrepo.set_config(".", key, value, global_=global_)
    click.echo(f"{escape(path)}: "
               f"{'added ' + str(added) + ' line(s)' if added else 'already set up'}")
    where = "global" if global_ else "repository"
    for key, value in settings.items():
        click.echo(f"{key} = {escape(value)} ({where} config)")
    for key, value in kept:
        click.echo(f"{key} kept as {escape(value)}: it was set to something else; "
                   f"`git log -p --ext-diff` and `git show --ext-diff` show the semantic diff")
    return EXIT_OK


@command.command("merge-file", hidden=True)
@click.argument("base", type=click.Path(dir_okay=False))
@click.argument("ours", type=click.Path(dir_okay=False))
@click.argument("theirs", type=click.Path(dir_okay=False))
@click.argument("path")
def merge_file(base: str, ours: str, theirs: str, path: str) -> int:
    """Git's merge driver (merge.plansync.driver, set by `plansync git setup`): merge
    THEIRS into OURS, two versions of BASE, and write the result over OURS; PATH is the
    file's name in the repository (it says JSON or YAML).

    Exit 0: merged (JSON in canonical form, YAML with ours' comments). Exit 1: conflicts,
    written as conflict markers around the conflicting values; or a version is not a valid
    plan, and the lines where ours and theirs differ are marked instead.
    """
    from plansync.merge.files import merge_files
    from plansync.seed.load import Limits, read_bounded

    limits = Limits.from_env()
    data = []
    for name in (base, ours, theirs):
        try:
            data.append(read_bounded(name, limits.max_bytes))
        except SeedError as exc:
            raise PlansyncError(f"cannot read {escape(name)}: {exc.problems[0].message}",
                                hint=exc.problems[0].hint) from exc
    result = merge_files(path, data[0], data[1], data[2], limits)
    write_atomic(ours, result.data)
    for note in result.notes:
        click.echo(f"plansync: {escape(path)}: {escape(note)}", err=True)
    if result.conflicts:
        click.echo(f"plansync: {escape(path)}: {len(result.conflicts)} conflict(s)", err=True)
        for conflict in result.conflicts:
            click.echo(f"  {escape(conflict.reason)}", err=True)
    return EXIT_OK if result.clean else EXIT_FINDINGS


def _ensure_lines(path: Path, lines: tuple[str, ...]) -> int:
    """Append the lines `path` lacks (bytes kept as they are, whatever their encoding)."""
    data = read_bytes(path) if path.exists() else b""
    present = {line.strip() for line in data.splitlines()}
    missing = [line for line in lines if line.encode("utf-8") not in present]
    if missing:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise FileError.of("create the folder", path.parent, exc) from exc
        prefix = data if not data or data.endswith(b"\n") else data + b"\n"
        write_atomic(path, prefix + "\n".join(missing).encode("utf-8") + b"\n")
    return len(missing)
