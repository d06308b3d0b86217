"""plansync convert INPUT [--from F] [--to F] [-o OUT] [--program C] [--project C] ..."""

from __future__ import annotations

import datetime as dt
import sys

import click

from plansync.commands.common import check_output, echo, limit_options, write_output
from plansync.convert import FORMATS, WRITABLE, convert, output_format
from plansync.convert.report import summary_lines
from plansync.errors import EXIT_OK, UsageError
from plansync.render.safe import escape
from plansync.seed.load import Limits

_CODE = r"^[a-z0-9][a-z0-9_-]{0,62}$"


def _code(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    import re

    if value is not None and not re.fullmatch(_CODE, value):
        raise click.BadParameter(f"{value!r} is not a code (1-63 of a-z, 0-9, - and _, "
                                 "starting with a letter or digit)")
    return value


def wbs_option(ctx: click.Context, param: click.Parameter,
               value: tuple[str, ...]) -> tuple[str, ...]:
    import re

    for wbs in value:
        if not re.fullmatch(r"[1-9][0-9]{0,8}(\.[1-9][0-9]{0,8})*", wbs):
            raise click.BadParameter(f"{wbs!r} is not a wbs (like 2 or 2.3)")
    return value


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat() if len(value) == 10 else \
            _bad_date(value)
    except ValueError:
        return _bad_date(value)


def _bad_date(value: str) -> str:
    raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)")


@click.command("convert")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", default="-", show_default=True,
              help="Output file; - for stdout. The format follows the name (.seed.json, "
              ".seed.yaml, .csv, .xlsx, .xml) unless --to says it.")
@click.option("--from", "source_format", type=click.Choice(list(FORMATS)), metavar="FORMAT",
              help=f"Input format (default: from the name and content): {', '.join(FORMATS)}.")
@click.option("--to", "to", type=click.Choice([*WRITABLE, "json", "yaml"]), metavar="FORMAT",
              help=f"Output format: {', '.join(WRITABLE)} (json and yaml mean seed-json and "
              "seed-yaml). It must not contradict the output name.")
@click.option("--program", metavar="CODE", callback=_code,
              help="Code of the converted plan's program (default: from the project's name).")
@click.option("--project", metavar="CODE", callback=_code,
              help="Into a seed: the project's code. From a seed: the project to convert.")
@click.option("--wbs", "parts", metavar="WBS", multiple=True, callback=wbs_option,
              help="Convert only this subtree (repeatable); links leaving it are dropped.")
@click.option("--initial-state", "initial", is_flag=True,
              help="Leave progress out (status, percent complete, actual dates): a plan to "
              "import again as a fresh start.")
@click.option("--start", metavar="DATE", callback=_date,
              help="Project start for a sheet or task JSON that has no dates (YYYY-MM-DD).")
@limit_options
def command(source: str, output: str, source_format: str | None, to: str | None,
            program: str | None, project: str | None, parts: tuple[str, ...], initial: bool,
            start: str | None, limits: Limits) -> int:
    """Convert a plan between seed files and other tools' formats.

    \b
    Formats: seed-json, seed-yaml (seed files); msproject-json (Microsoft Project for the
    web's ExportProjectContent, read only); tasks-json (a workflow tool's task JSON); csv
    and xlsx (task sheets); mpxj (read: .mpp, .xer, PMXML, ... through MPXJ) and mspdi
    (MSPDI XML), which need the extra plansync[mpxj] and Java 17+.

    A plan converted into a seed is validated and written canonically. A summary on
    stderr says what was converted and what the target cannot hold, by kind and count.
    --to that contradicts the output's name is refused (exit 2); an input that cannot be
    read exits 1 naming the row and column, cell or JSON pointer; an output that cannot be
    written exits 3. Put `--` before a SOURCE that starts with `-`.
    """
    from plansync.convert import input_format

    check_output(output)
    fmt = input_format(source, source_format, limits)
    target = output_format(output, to, fmt)
    if target == "xlsx" and output == "-" and sys.stdout.isatty():
        raise UsageError("an .xlsx workbook is binary and stdout is a terminal",
                         hint="write it to a file with -o plan.xlsx")
    converted = convert(source, source_format=fmt, target_format=target, program=program,
                        project=project, parts=parts, initial=initial, start=start,
                        limits=limits)
    write_output(output, converted.data)
    for line in summary_lines(escape(source), fmt, escape(output), target, converted.counts,
                              converted.report):
        echo(line, err=True)
    return EXIT_OK
