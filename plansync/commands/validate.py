"""plansync validate PATH..."""

from __future__ import annotations

import click

from plansync.commands.common import echo_problems, limit_options, progress
from plansync.errors import EXIT_FINDINGS, EXIT_OK, Problem
from plansync.render import PROBLEM_RENDERERS
from plansync.seed.load import Limits
from plansync.seed.validate import find_seed_files, validate_file


@click.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(sorted(PROBLEM_RENDERERS)), default="text",
              show_default=True, help="Output format.")
@limit_options
def command(paths: tuple[str, ...], fmt: str, limits: Limits) -> int:
    """Check seed files (or the seed files below folders) against the format.

    Layers: parse, JSON Schema, then the semantic rules (unique keys, references, summary
    tasks, dependency cycles). Exit 0 when all are valid, 1 when any is not.
    """
    files = find_seed_files(list(paths))
    problems: list[Problem] = []
    for path in progress(files, "validating"):
        problems.extend(validate_file(path, limits).problems)
    echo_problems(problems, files, fmt)
    return EXIT_FINDINGS if problems else EXIT_OK
