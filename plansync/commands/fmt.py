"""plansync fmt [--staged] PATH... [--check] [--diff]"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

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
from plansync.errors import EXIT_FINDINGS, EXIT_OK, PlansyncError, Problem
from plansync.fileio import read_bytes, write_atomic
from plansync.render.json_out import dumps
from plansync.render.safe import escape, escape_text
from plansync.seed.fmt import FormatResult, format_bytes, format_file
from plansync.seed.load import Limits


@dataclass(frozen=True)
class _Kept:
    """A staged file that is not canonical, left alone: its working copy has other edits."""

    result: FormatResult


@click.command("fmt")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if any file would change.")
@click.option("--diff", "show_diff", is_flag=True, help="Show a unified diff of each change.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@staged_option
@color_option
@limit_options
def command(paths: tuple[str, ...], check: bool, show_diff: bool, fmt: str, staged: bool,
            limits: Limits) -> int:
    """Write seed files in canonical form (atomically; invalid files are left untouched).

    JSON files become exactly the canonical bytes; YAML files get the same ordering and
    default-dropping with their comments kept. Exit 1 with --check when a file would change,
    and whenever a file is invalid. With --staged, the staged content is checked; a file is
    rewritten only when its working copy is exactly what is staged (unstaged edits are never
    overwritten; such a file is reported and the exit code is 1). Put `--` before paths that
    start with `-`.
    """
    dry = check or show_diff
    done: list[FormatResult] = []
    kept: list[_Kept] = []
    try:
        if staged:
            _staged(paths, dry, limits, done, kept)
            files = [r.path for r in done]
        else:
            files = seed_paths(paths)
            for path in progress(files, "formatting"):
                done.append(format_file(path, limits, write=not dry))
    except PlansyncError:
        _report(done, kept, fmt, dry, show_diff)  # what was rewritten before the failure
        raise
    problems: list[Problem] = [p for r in done for p in r.problems]
    _report(done, kept, fmt, dry, show_diff)
    if problems:
        echo_problems(problems, files, "text" if fmt == "text" else "json")
    if problems or kept or (dry and any(r.changed for r in done)):
        return EXIT_FINDINGS
    return EXIT_OK


def _staged(paths: tuple[str, ...], dry: bool, limits: Limits, done: list[FormatResult],
            kept: list[_Kept]) -> None:
    from plansync.staged import staged_files

    for item in progress(staged_files(list(paths)), "formatting"):
        result = format_bytes(item.name, item.data, limits)
        if result.changed and not dry:
            working = read_bytes(item.path) if item.path.is_file() else None
            if working != item.data:
                kept.append(_Kept(result))
                continue
            write_atomic(item.path, result.after)
        done.append(result)


def _report(done: list[FormatResult], kept: list[_Kept], fmt: str, dry: bool,
            show_diff: bool) -> None:
    changed = [r for r in done if r.changed]
    if fmt == "json":
        click.echo(dumps({"changed": [r.path for r in changed],
                          "not_rewritten": [k.result.path for k in kept],
                          "invalid": sorted({p.file for r in done for p in r.problems})}))
        return
    verb = "would reformat" if dry else "reformatted"
    for result in changed:
        echo(f"{verb} {escape(result.path)}", err=show_diff)
        if show_diff:
            echo(unified_diff(result), nl=False)
    for item in kept:
        echo(f"not reformatted {escape(item.result.path)}: the staged content is not "
             "canonical, and the working copy has unstaged changes (format it, then git add)")


def unified_diff(result: FormatResult) -> str:
    """The change fmt makes, as a unified diff (control characters escaped)."""
    before = result.before.decode("utf-8").splitlines(keepends=True)
    after = result.after.decode("utf-8").splitlines(keepends=True)
    return escape_text("".join(difflib.unified_diff(before, after, f"{result.path} (current)",
                                                    f"{result.path} (canonical)")))
