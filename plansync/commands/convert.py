"""plansync convert IN -o OUT"""

from __future__ import annotations

import click

from plansync.commands.common import limit_options, write_output
from plansync.errors import EXIT_OK, UsageError
from plansync.seed.convert import converted_bytes
from plansync.seed.load import Limits, kind_of


@click.command("convert")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", required=True,
              help="Output file (.seed.json or .seed.yaml/.yml), or - for stdout with --to.")
@click.option("--to", "to", type=click.Choice(["json", "yaml"]),
              help="Output kind when it cannot be told from the output name.")
@limit_options
def command(source: str, output: str, to: str | None, limits: Limits) -> int:
    """Convert a seed file between YAML and JSON.

    YAML -> JSON gives the canonical JSON bytes; JSON -> YAML gives the same data in the
    style fmt writes. The source must be valid; the output is written atomically.
    """
    kind = to or (None if output == "-" else kind_of(output))
    if kind is None:
        raise UsageError("cannot tell the output kind of -", hint="add --to json or --to yaml")
    data = converted_bytes(source, kind, limits)
    write_output(output, data)
    return EXIT_OK
