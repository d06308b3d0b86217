"""plansync gantt FILE|PROGRAM [-o out.svg|out.html|out.md] [--project CODE] [--critical]"""

from __future__ import annotations

from typing import Any

import click

from plansync.commands.common import check_output, limit_options, status
from plansync.commands.common_instance import instance_option
from plansync.commands.schedule import (
    chosen_rows,
    conventions_option,
    scheduling_errors,
    with_plan,
)
from plansync.errors import EXIT_OK, UsageError
from plansync.render.safe import escape
from plansync.seed.load import Limits

FORMATS = ("svg", "html", "mermaid")  # plansync.render.gantt.RENDERERS
SUFFIXES = {".svg": "svg", ".html": "html", ".htm": "html", ".md": "mermaid", ".mmd": "mermaid"}


@click.command("gantt")
@click.argument("source", metavar="FILE|PROGRAM")
@instance_option
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write to this file (.svg, .html, .md) instead of stdout.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="svg: a picture any browser shows, no JavaScript; html: a self-contained "
              "page holding it; mermaid: a ```mermaid gantt block (GitHub renders it). "
              "Default: from the -o name, else mermaid.")
@click.option("--project", metavar="CODE", help="Draw only this project's tasks.")
@click.option("--critical", is_flag=True, help="Draw only the tasks on the critical path.")
@conventions_option
@limit_options
def command(source: str, instance: str | None, output: str | None, fmt: str | None,
            project: str | None, critical: bool, conventions: str | None,
            limits: Limits) -> int:
    """Draw a program's schedule as a Gantt chart: SVG, HTML or Mermaid.

    FILE is a seed file (validated first); PROGRAM is the code (or UUID) of a program on the
    instance. Bars run from early start to early finish; critical tasks are red, summaries
    thin and dark, milestones diamonds. See docs/scheduling.md for the dates.
    """
    from plansync.render.gantt import RENDERERS
    from plansync.schedule.cpm import Schedule, schedule

    named = _format_of(output) if output else None
    if fmt and named and fmt != named:
        raise UsageError(f"--format {fmt} contradicts the output name {escape(output)}",
                         hint=f"name the file {_suffix(fmt)}, or drop --format")
    fmt = fmt or named or "mermaid"
    check_output(output)

    def scheduled(doc: dict[str, Any]) -> Schedule:
        status("scheduling")
        with scheduling_errors():
            return schedule(doc, conventions)

    result = with_plan(source, instance, limits, scheduled)
    rows = chosen_rows(result, project, critical)
    title = f"{result.program}: {result.start} - {result.finish}" if result.start else \
        result.program
    text = RENDERERS[fmt](title, rows)
    if output:
        from plansync.fileio import write_atomic

        write_atomic(output, text.encode("utf-8"))
        click.echo(f"wrote {escape(output)} ({fmt}, {len(rows):,} tasks)", err=True)
    else:
        click.echo(text, nl=False)
    return EXIT_OK


def _format_of(output: str) -> str | None:
    lower = output.lower()
    for suffix, fmt in SUFFIXES.items():
        if lower.endswith(suffix):
            return fmt
    raise UsageError(f"cannot tell the format of {escape(output)} from its name",
                     hint="name it .svg, .html or .md, or give --format")


def _suffix(fmt: str) -> str:
    return {"svg": ".svg", "html": ".html", "mermaid": ".md"}[fmt]
