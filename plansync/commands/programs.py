"""plansync programs [--instance I] [--format text|json]"""

from __future__ import annotations

from dataclasses import asdict

import click

from plansync.commands.common_instance import instance_option
from plansync.errors import EXIT_OK
from plansync.render.json_out import dumps
from plansync.render.text import programs_table


@click.command("programs")
@instance_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
def command(instance: str | None, fmt: str) -> int:
    """List the programs on an instance: code, name, projects, tasks, server_version."""
    from plansync.instance.address import opened, resolve_address

    with opened(resolve_address(instance)) as target:
        found = target.programs()
    if fmt == "json":
        click.echo(dumps([asdict(p) for p in found]))
    else:
        click.echo(programs_table(found))
    return EXIT_OK
