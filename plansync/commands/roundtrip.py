"""plansync roundtrip FILE..."""

from __future__ import annotations

import click

from plansync.commands.common import echo_problems, limit_options
from plansync.errors import EXIT_FINDINGS, EXIT_OK, Problem
from plansync.roundtrip import roundtrip_file
from plansync.seed.load import Limits
from plansync.seed.validate import find_seed_files


@click.command("roundtrip")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--instance", "instance", metavar="ADDRESS", default="memory:",
              show_default=True, help="The instance to round-trip through; any other than "
              "memory: keeps the imported programs (they replace those of the same code).")
@limit_options
def command(paths: tuple[str, ...], instance: str, limits: Limits) -> int:
    """Import each file into an instance (a scratch memory: one by default), export it, and
    compare.

    A JSON file must come back byte for byte; a YAML file must come back as the same data
    (comments cannot live in an instance); a version 2 file must come back as its final
    state. Exit 1 with a unified diff when they differ.
    """
    files = find_seed_files(list(paths))
    problems: list[Problem] = []
    failed = 0
    for path in files:
        result = roundtrip_file(path, limits, instance)
        problems.extend(result.problems)
        if result.diff:
            failed += 1
            click.echo(result.diff, nl=False)
    if problems:
        echo_problems(problems, files, "text")
    if failed:
        click.echo(f"{failed} of {len(files)} file(s) changed on the way through an instance",
                   err=True)
    return EXIT_FINDINGS if problems or failed else EXIT_OK
