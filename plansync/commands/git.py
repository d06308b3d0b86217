"""plansync git setup [--global]"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from plansync.errors import EXIT_OK
from plansync.fileio import write_atomic

ATTRIBUTES = ("*.seed.json diff=plansync", "*.seed.yaml diff=plansync",
              "*.seed.yml diff=plansync")


def driver_command() -> str:
    """The diff driver git runs: this Python's plansync in external-diff mode."""
    return f"{shlex.quote(sys.executable)} -m plansync diff --git-external"


@click.group("git")
def command() -> None:
    """Git integration: semantic diffs in plain `git diff` and `git log -p`."""


@command.command("setup")
@click.option("--global", "global_", is_flag=True,
              help="Set it up for every repository of this user (global config and "
              "attributes file) instead of this repository.")
def setup(global_: bool) -> int:
    """Make `git diff` and `git log -p` show plansync's semantic diff for seed files.

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
    click.echo(f"{path}: {'added ' + str(added) + ' line(s)' if added else 'already set up'}")
    click.echo(f"diff.plansync.command = {driver_command()}"
               f" ({'global' if global_ else 'repository'} config)")
    return EXIT_OK


def _ensure_lines(path: Path, lines: tuple[str, ...]) -> int:
    text = path.read_text("utf-8") if path.exists() else ""
    present = {line.strip() for line in text.splitlines()}
    missing = [line for line in lines if line not in present]
    if missing:
        path.parent.mkdir(parents=True, exist_ok=True)
        prefix = text if not text or text.endswith("\n") else text + "\n"
        write_atomic(path, (prefix + "\n".join(missing) + "\n").encode("utf-8"))
    return len(missing)
