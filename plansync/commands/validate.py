"""plansync validate [--staged] PATH..."""

from __future__ import annotations

import click

from plansync.commands.common import (
    color_option,
    echo_problems,
    limit_options,
    progress,
    seed_paths,
    staged_option,
)
from plansync.errors import EXIT_FINDINGS, EXIT_OK, Problem
from plansync.render.problems import PROBLEM_RENDERERS
from plansync.seed.load import Limits
from plansync.seed.validate import validate_bytes, validate_file


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(sorted(PROBLEM_RENDERERS)), default="text",
              show_default=True, help="Output format.")
@staged_option
@color_option
@limit_options
def command(paths: tuple[str, ...], fmt: str, staged: bool, limits: Limits) -> int:
    """Check seed files (or the seed files below folders) against the format.

    Layers: parse, JSON Schema, then the semantic rules (unique keys, references, summary
    tasks, dependency cycles). Exit 0 when all are valid, 1 when any is not. With --staged,
    the content staged in Git's index is checked (what `git commit` would record), reported
    under the files' names. Put `--` before paths that start with `-`.
    """
    problems: list[Problem] = []
    if staged:
        from plansync.staged import staged_files

        found = staged_files(list(paths))
        files = [f.name for f in found]
        for item in progress(found, "validating"):
            problems.extend(validate_bytes(item.name, item.data, limits).problems)
    else:
        files = seed_paths(paths)
        for path in progress(files, "validating"):
            problems.extend(validate_file(path, limits).problems)
    echo_problems(problems, files, fmt)
    return EXIT_FINDINGS if problems else EXIT_OK
