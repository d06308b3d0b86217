"""plansync fmt PATH... [--check] [--diff]"""

from __future__ import annotations

import difflib
import json

import click

from plansync.commands.common import echo_problems, limit_options, progress
from plansync.errors import EXIT_FINDINGS, EXIT_OK, Problem
from plansync.seed.fmt import FormatResult, format_file
from plansync.seed.load import Limits
from plansync.seed.validate import find_seed_files


@click.command("fmt")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if any file would change.")
@click.option("--diff", "show_diff", is_flag=True, help="Show a unified diff of each change.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@limit_options
def command(paths: tuple[str, ...], check: bool, show_diff: bool, fmt: str,
            limits: Limits) -> int:
    """Write seed files in canonical form (atomically; invalid files are left untouched).

    JSON files become exactly the canonical bytes; YAML files get the same ordering and
    default-dropping with their comments kept. Exit 1 with --check when a file would change,
    and whenever a file is invalid.
    """
    files = find_seed_files(list(paths))
    results = [format_file(path, limits, write=not (check or show_diff))
               for path in progress(files, "formatting")]
    problems: list[Problem] = [p for r in results for p in r.problems]
    changed = [r for r in results if r.changed]
    if fmt == "json":
        click.echo(json.dumps({"changed": [r.path for r in changed],
                               "invalid": sorted({p.file for p in problems})}, indent=2))
    else:
        _echo_text(changed, check or show_diff, show_diff)
    if problems:
        echo_problems(problems, files, "text" if fmt == "text" else "json")
    if problems or ((check or show_diff) and changed):
        return EXIT_FINDINGS
    return EXIT_OK


def _echo_text(changed: list[FormatResult], dry: bool, show_diff: bool) -> None:
    verb = "would reformat" if dry else "reformatted"
    for result in changed:
        click.echo(f"{verb} {result.path}", err=show_diff)
        if show_diff:
            click.echo(unified_diff(result), nl=False)


def unified_diff(result: FormatResult) -> str:
    before = result.before.decode("utf-8").splitlines(keepends=True)
    after = result.after.decode("utf-8").splitlines(keepends=True)
    return "".join(difflib.unified_diff(before, after, f"{result.path} (current)",
                                        f"{result.path} (canonical)"))
