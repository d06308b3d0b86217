"""plansync hooks install [--force]"""

from __future__ import annotations

import os
import shlex
import stat
import sys
from importlib.resources import files
from pathlib import Path

import click

from plansync.errors import EXIT_OK, PlansyncError
from plansync.fileio import write_atomic


def hook_script() -> str:
    """The plain Git pre-commit hook, pointing at the plansync that installs it."""
    template = files("plansync.hooks").joinpath("pre-commit").read_text("utf-8")
    runner = f"{shlex.quote(sys.executable)} -m plansync"
    return template.replace('"@PLANSYNC@"', f'"{runner}"')


@click.group("hooks")
def command() -> None:
    """Git hooks that keep seed files valid, canonical and round-trip safe."""


@command.command("install")
@click.option("--force", is_flag=True, help="Replace an existing, different pre-commit hook.")
@click.option("--repo", default=".", type=click.Path(file_okay=False),
              help="A folder inside the repository (default: the current one).")
def install(force: bool, repo: str) -> int:
    """Install the plain pre-commit hook into this repository's hooks folder.

    For people who do not use the pre-commit framework (those use .pre-commit-hooks.yaml).
    An existing different hook is left alone unless --force.
    """
    from plansync.gitrepo import hooks_dir

    target = hooks_dir(repo) / "pre-commit"
    script = hook_script()
    if target.exists():
        current = target.read_text("utf-8", errors="replace")
        if current == script:
            click.echo(f"already installed: {target}")
            return EXIT_OK
        if not force:
            raise PlansyncError(f"{target} exists and is a different hook",
                                hint="keep it, merge plansync's checks into it, or replace it "
                                "with --force")
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, script.encode("utf-8"))
    mode = target.stat().st_mode
    os.chmod(target, mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    click.echo(f"installed {Path(target)}")
    return EXIT_OK
