"""plansync git setup [--global]"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from plansync.errors import EXIT_OK, FileError
from plansync.fileio import read_bytes, write_atomic
from plansync.render.safe import escape

ATTRIBUTES = ("*.seed.json diff=plansync", "*.seed.yaml diff=plansync",
              "*.seed.yml diff=plansync")


def driver_command() -> str:
    """The diff driver git runs: this Python's plansync in external-diff mode."""
    return f"{shlex.quote(sys.executable)} -m plansync diff --git-external"


@click.group("git")
def command() -> None:
    """Git integration: semantic diffs in `git diff` (and `git log -p --ext-diff`)."""


@command.command("setup")
@click.option("--global", "global_", is_flag=True,
              help="Set it up for every repository of this user (global config and "
              "attributes file) instead of this repository.")
def setup(global_: bool) -> int:
    """Make `git diff` show plansync's semantic diff for seed files (`git log -p` and
    `git show` need --ext-diff: they run no external diff driver without it).

    Adds `*.seed.json diff=plansync` (and .yaml, .yml) to .gitattributes and sets
    diff.plansync.command in the Git config. Running it again changes nothing.
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
    gitrepo.set_config(".", "diff.plansync.command", driver_command(), global_=global_)
    click.echo(f"{escape(path)}: "
               f"{'added ' + str(added) + ' line(s)' if added else 'already set up'}")
    click.echo(f"diff.plansync.command = {escape(driver_command())}"
               f" ({'global' if global_ else 'repository'} config)")
    return EXIT_OK


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
