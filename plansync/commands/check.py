"""plansync check [--staged] [--fix] PATH..."""

from __future__ import annotations

from pathlib import Path

import click

from plansync.commands.common import (
    color_option,
    echo,
    echo_problems,
    limit_options,
    progress,
    seed_paths,
    staged_option,
)
from plansync.errors import EXIT_FINDINGS, EXIT_OK, Problem
from plansync.render.safe import escape, escape_text
from plansync.seed.load import Limits


@click.command("check")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--fix", is_flag=True, help="Rewrite files that are not in canonical form (as "
              "fmt does; with --staged only where the working copy is what is staged).")
@staged_option
@color_option
@limit_options
def command(paths: tuple[str, ...], fix: bool, staged: bool, limits: Limits) -> int:
    """Everything a commit of seed files needs, in one process: each file is read and
    validated once, then checked for canonical form and for the import -> export round trip.

    Each problem is printed once (a file that is not canonical is not also reported by the
    round trip). Exit 0 when every file passes, 1 otherwise (also after --fix rewrote a file:
    review it and git add it). With --staged the staged content is checked (the pre-commit
    hooks use that). Put `--` before paths that start with `-`.
    """
    from plansync.fileio import read_bytes, write_atomic
    from plansync.roundtrip import roundtrip_data
    from plansync.seed.fmt import formatted
    from plansync.seed.validate import validate_bytes, validate_file

    items: list[tuple[str, Path | None, bytes | None]]  # name, working path, staged bytes
    if staged:
        from plansync.staged import staged_files

        items = [(f.name, f.path, f.data) for f in staged_files(list(paths))]
    else:
        items = [(p, None, None) for p in seed_paths(paths)]
    problems: list[Problem] = []
    failed = 0
    for name, path, data in progress(items, "checking"):
        result = validate_bytes(name, data, limits) if data is not None \
            else validate_file(name, limits)
        problems.extend(result.problems)
        if result.seed is None or result.problems:
            continue
        shaped = formatted(result)
        if shaped.problems:
            problems.extend(shaped.problems)
            continue
        if shaped.changed:
            failed += 1
            target = path if path is not None else name
            rewrite = fix and (data is None or (path is not None and path.is_file()
                                                and read_bytes(path) == data))
            if rewrite:
                write_atomic(target, shaped.after)
            if rewrite:  # the words fmt uses
                echo(f"reformatted {escape(name)}")
            elif fix:
                echo(f"not reformatted {escape(name)}: the staged content is not canonical, "
                     "and the working copy has unstaged changes (format it, then git add)")
            else:
                echo(f"would reformat {escape(name)}")
            continue
        trip = roundtrip_data(result)
        problems.extend(trip.problems)
        if trip.diff:
            failed += 1
            echo(escape_text(trip.diff), nl=False)
    if problems:
        echo_problems(problems, [name for name, _, _ in items], "text")
    if failed or problems:
        return EXIT_FINDINGS
    click.echo(f"{len(items)} file(s) valid, canonical and round-trip safe")
    return EXIT_OK
