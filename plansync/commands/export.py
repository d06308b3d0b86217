"""plansync export PROGRAM [--project CODE] [-o FILE] [--format F] [--wbs W] [--initial-state]"""

from __future__ import annotations

import click

from plansync.commands.common import check_output, echo, output_kind, write_output
from plansync.commands.common_instance import instance_option
from plansync.commands.convert import wbs_option
from plansync.errors import EXIT_OK, UsageError
from plansync.render.safe import escape
from plansync.seed.canonical import canonical_bytes


def since_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    import re

    if value is not None and not re.fullmatch(
            r"[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)?", value):
        raise click.BadParameter(f"{value!r} is not YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ")
    return value


@click.command("export")
@click.argument("program")
@click.option("--project", metavar="CODE", help="Export one project, wrapped in a program "
              "of its own (code <program>-<project>).")
@instance_option
@click.option("-o", "--output", metavar="FILE", help="Write here (atomically) instead of "
              "stdout.")
@click.option("--format", "fmt", type=click.Choice(["json", "yaml", "csv", "xlsx",
                                                   "tasks-json", "mspdi"]), default=None,
              help="Output format (default: from the -o name, else json): a seed file, a "
              "task sheet (csv, xlsx), task JSON or MSPDI XML (see plansync convert).")
@click.option("--wbs", "parts", metavar="WBS", multiple=True, callback=wbs_option,
              help="Export only this subtree of the project (repeatable); links leaving it "
              "are dropped and counted.")
@click.option("--initial-state", "initial", is_flag=True,
              help="Leave progress out (status, percent complete, actual dates).")
@click.option("--timeline", is_flag=True, help="The program with its history: a version 2 "
              "document (the state before its first kept event, and the events since).")
@click.option("--since", metavar="DATE", default=None, callback=since_option,
              help="With --timeline: keep the events at or after DATE (YYYY-MM-DD or "
              "YYYY-MM-DDTHH:MM:SSZ); the state before them is the document's program block.")
def command(program: str, project: str | None, instance: str | None, output: str | None,
            fmt: str | None, parts: tuple[str, ...], initial: bool, timeline: bool,
            since: str | None) -> int:
    """Export a program (by code or UUID) as its canonical seed file.

    Export -> import into a clean instance -> export gives the same bytes. Internal IDs,
    short IDs, server_version and schedule results never appear in the file. --format that
    contradicts the -o name (--format yaml -o x.seed.json) is refused (exit 2); an -o that
    cannot be written (a missing folder, a folder, no permission) exits 3.
    """
    from plansync.instance.address import opened, resolve_address

    if since and not timeline:
        raise UsageError("--since goes with --timeline")
    if timeline and (project or parts or initial or fmt not in (None, "json", "yaml")):
        raise UsageError("--timeline exports a whole program as a seed file",
                         hint="drop --project, --wbs, --initial-state and other formats")
    check_output(output)
    if fmt is None:
        from plansync.convert import implied_output

        implied = implied_output(output)
        if implied and implied[0] not in ("seed-json", "seed-yaml"):
            fmt = implied[0]
    if fmt in (None, "json", "yaml"):
        fmt = output_kind(output, fmt, "--format") or "json"
    with opened(resolve_address(instance)) as target:
        doc = (target.export_timeline(program, since) if timeline
               else target.export_project(program, project) if project
               else target.export_program(program))
    if parts or initial or fmt not in ("json", "yaml"):
        from plansync.convert import export_plan, output_format
        from plansync.convert.report import seed_counts, summary_lines

        wanted = output_format(output, fmt, "seed-json")
        converted = export_plan(doc, wanted, name=program, project=None, parts=parts,
                                initial=initial)
        write_output(output, converted.data)
        for line in summary_lines(escape(program), "instance", escape(output or "-"),
                                  converted.target_format, seed_counts(converted.doc),
                                  converted.report):
            echo(line, err=True)
        return EXIT_OK
    if fmt == "yaml":
        from plansync.seed import yamlio

        data = yamlio.dump_plain(doc).encode("utf-8")
    else:
        data = canonical_bytes(doc)
    write_output(output, data)
    return EXIT_OK
