"""plansync export PROGRAM [--project CODE] [-o FILE] [--format json|yaml]"""

from __future__ import annotations

import click

from plansync.commands.common import check_output, output_kind, write_output
from plansync.commands.common_instance import instance_option
from plansync.errors import EXIT_OK
from plansync.seed.canonical import canonical_bytes


@click.command("export")
@click.argument("program")
@click.option("--project", metavar="CODE", help="Export one project, wrapped in a program "
              "of its own (code <program>-<project>).")
@instance_option
@click.option("-o", "--output", metavar="FILE", help="Write here (atomically) instead of "
              "stdout.")
@click.option("--format", "fmt", type=click.Choice(["json", "yaml"]), default=None,
              help="Output format (default: from the -o name, else json).")
def command(program: str, project: str | None, instance: str | None, output: str | None,
            fmt: str | None) -> int:
    """Export a program (by code or UUID) as its canonical seed file.

    Export -> import into a clean instance -> export gives the same bytes. Internal IDs,
    short IDs, server_version and schedule results never appear in the file. --format that
    contradicts the -o name (--format yaml -o x.seed.json) is refused (exit 2); an -o that
    cannot be written (a missing folder, a folder, no permission) exits 3.
    """
    from plansync.instance.address import opened, resolve_address

    check_output(output)
    fmt = output_kind(output, fmt, "--format") or "json"
    with opened(resolve_address(instance)) as target:
        doc = (target.export_project(program, project) if project
               else target.export_program(program))
    if fmt == "yaml":
        from plansync.seed import yamlio

        data = yamlio.dump_plain(doc).encode("utf-8")
    else:
        data = canonical_bytes(doc)
    write_output(output, data)
    return EXIT_OK
