"""plansync delete PROGRAM [--instance I] [--if-version N]"""

from __future__ import annotations

import click

from plansync.commands.common_instance import instance_option
from plansync.errors import EXIT_OK, UsageError
from plansync.render.safe import escape


@click.command("delete")
@click.argument("program")
@instance_option
@click.option("--if-version", "if_version", type=click.IntRange(1), default=None,
              metavar="N", help="Delete only if the program is still at server_version N.")
@click.option("--yes", is_flag=True,
              help="Confirm: the program and everything in it goes (its seed files stay).")
def command(program: str, instance: str | None, if_version: int | None, yes: bool) -> int:
    """Delete a program (by code or id) and everything in it from an instance.

    One transaction; the seed files in the repository are not touched (`sync --prune` deletes
    the programs whose seed file is gone). Over HTTP it needs the owner role or staff.
    """
    from plansync.instance.address import opened, resolve_address

    if not yes:
        raise UsageError(f"deleting {escape(program)} removes it and everything in it from "
                         "the instance", hint="pass --yes to confirm")
    with opened(resolve_address(instance)) as target:
        target.delete_program(program, expected_version=if_version)
    click.echo(f"deleted {escape(program)}")
    return EXIT_OK
