"""plansync roundtrip [--staged] FILE..."""

from __future__ import annotations

import click

from plansync.commands.common import (
    color_option,
    echo,
    echo_problems,
    limit_options,
    seed_paths,
    staged_option,
)
from plansync.errors import EXIT_FINDINGS, EXIT_OK, Problem
from plansync.render.safe import escape_text
from plansync.roundtrip import RoundtripResult, roundtrip_bytes, roundtrip_file
from plansync.seed.load import Limits


@click.command("roundtrip")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--instance", "instance", metavar="ADDRESS", default="memory:",
              show_default=True, help="The instance to round-trip through; any other than "
              "memory: keeps the imported programs (they replace those of the same code).")
@staged_option
@color_option
@limit_options
def command(paths: tuple[str, ...], instance: str, staged: bool, limits: Limits) -> int:
    """Import each file into an instance (a scratch memory: one by default), export it, and
    compare.

    A JSON file must come back byte for byte; a YAML file must come back as the same data
    (comments cannot live in an instance); a version 2 file must come back as its final
    state. Exit 1 with a unified diff when they differ. With --staged, the content staged in
    Git's index is checked. Put `--` before paths that start with `-`.
    """
    results: list[RoundtripResult] = []
    if staged:
        from plansync.staged import staged_files

        found = staged_files(list(paths))
        files = [f.name for f in found]
        results = [roundtrip_bytes(f.name, f.data, limits, instance) for f in found]
    else:
        files = seed_paths(paths)
        results = [roundtrip_file(path, limits, instance) for path in files]
    problems: list[Problem] = []
    failed = 0
    for result in results:
        problems.extend(result.problems)
        if result.diff:
            failed += 1
            echo(escape_text(result.diff), nl=False)
    if problems:
        echo_problems(problems, files, "text")
    if failed:
        click.echo(f"{failed} of {len(files)} file(s) changed on the way through an instance",
                   err=True)
    return EXIT_FINDINGS if problems or failed else EXIT_OK
