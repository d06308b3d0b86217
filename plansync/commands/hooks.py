"""plansync hooks install [--force]"""

from __future__ import annotations

import os
import shlex
import stat
import sys
from importlib.resources import files

import click

from plansync.errors import EXIT_OK, FileError, PlansyncError
from plansync.fileio import read_bytes, write_atomic
from plansync.render.safe import escape


def hook_script() -> str:
    """The plain Git pre-commit hook, pointing at the Python that installs it (one
    shell-quoted path, so spaces and quotes in it are safe)."""
    template = files("plansync.hooks").joinpath("pre-commit").read_text("utf-8")
    return template.replace("PYTHON=@PYTHON@", f"PYTHON={shlex.quote(sys.executable)}", 1)


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
    if target.is_dir():
        raise FileError(f"{target} is a folder, not a hook", hint="remove or rename it")
    if target.exists():
        current = read_bytes(target).decode("utf-8", errors="replace")
        if current == script:
            click.echo(f"already installed: {escape(str(target))}")
            return EXIT_OK
        if not force:
            raise PlansyncError(f"{target} exists and is a different hook",
                                hint="keep it, merge plansync's checks into it, or replace it "
                                "with --force")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FileError.of("create the folder", target.parent, exc) from exc
    write_atomic(target, script.encode("utf-8"))
    try:
        os.chmod(target, target.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    except OSError as exc:
        raise FileError.of("make executable", target, exc) from exc
    click.echo(f"installed {escape(str(target))}")
    return EXIT_OK
