"""The `plansync` command line: parse options, call the core, hand results to a renderer.

Errors become exit codes here and nowhere else: 0 ok, 1 findings, 2 usage, 3 operational,
4 unexpected (traceback only with --traceback), 130 interrupted.
"""

from __future__ import annotations

import sys
import traceback
from typing import Any

import click

from plansync import __version__
from plansync.errors import EXIT_UNEXPECTED, PlansyncError


class _Group(click.Group):
    """Maps our errors to exit codes for every way the CLI is run (console script, tests)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            code = super().invoke(ctx)
        except PlansyncError as exc:
            click.echo(f"plansync: error: {exc.message}", err=True)
            if exc.hint:
                click.echo(f"  hint: {exc.hint}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except Exception:
            if ctx.params.get("traceback"):
                traceback.print_exc()
            else:
                click.echo(f"plansync: unexpected error: {sys.exc_info()[1]!r} "
                           "(run with --traceback for details)", err=True)
            ctx.exit(EXIT_UNEXPECTED)
        ctx.exit(code if isinstance(code, int) else 0)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="plansync")
@click.option("--traceback", is_flag=True, help="Show a traceback for unexpected errors.")
def cli(traceback: bool) -> None:
    """plansync: project plans as code.

    Seed files (*.seed.json, *.seed.yaml) hold a program's plan; plansync validates them,
    formats them canonically, and keeps them in step with a project-management instance.
    """


def _register() -> None:
    from plansync.commands import (
        convert,
        diff,
        export,
        fmt,
        git,
        hooks,
        import_,
        programs,
        pull,
        roundtrip,
        schedule,
        serve,
        sync,
        tokens,
        users,
        validate,
    )

    for module in (validate, fmt, convert, import_, export, programs, roundtrip, schedule,
                   diff, sync, pull, git, hooks, serve, users, tokens):
        cli.add_command(module.command)


_register()


def main(argv: list[str] | None = None) -> None:
    """Console entry point: usage errors exit 2 (click's own convention)."""
    cli.main(args=argv, prog_name="plansync")
