"""plansync convert IN -o OUT"""

from __future__ import annotations

import click

from plansync.commands.common import check_output, limit_options, output_kind, write_output
from plansync.errors import EXIT_OK, UsageError
from plansync.render.safe import escape
from plansync.seed.convert import converted_bytes
from plansync.seed.load import Limits


@click.command("convert")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", required=True,
              help="Output file (.seed.json or .seed.yaml/.yml), or - for stdout with --to.")
@click.option("--to", "to", type=click.Choice(["json", "yaml"]),
              help="Output kind when it cannot be told from the output name (it must not "
              "contradict the name).")
@limit_options
def command(source: str, output: str, to: str | None, limits: Limits) -> int:
    """Convert a seed file between YAML and JSON.

    YAML -> JSON gives the canonical JSON bytes; JSON -> YAML gives the same data in the
    style fmt writes. The source must be valid; the output is written atomically. --to that
    contradicts the output's name (--to yaml -o x.seed.json) is refused (exit 2); an output
    that cannot be written exits 3. Put `--` before a SOURCE that starts with `-`.
    """
    check_output(output)
    kind = output_kind(output, to, "--to")
    if kind is None:
        what = "-" if output == "-" else escape(output)
        raise UsageError(f"cannot tell the output kind of {what}",
                         hint="name it .seed.json or .seed.yaml, or add --to json or --to yaml")
    data = converted_bytes(source, kind, limits)
    write_output(output, data)
    return EXIT_OK
