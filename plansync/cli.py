"""The `plansync` command line: parse options, call the core, hand results to a renderer.

Errors become exit codes here and nowhere else: 0 ok, 1 findings, 2 usage, 3 operational,
4 unexpected (traceback only with --traceback), 130 interrupted.
"""

from __future__ import annotations

import errno
import sys
import traceback
from dataclasses import asdict
from typing import Any

import click

from plansync import __version__
from plansync.errors import (
    EXIT_OPERATIONAL,
    EXIT_UNEXPECTED,
    EXIT_USAGE,
    PlansyncError,
    Problem,
    SeedError,
)
from plansync.render.safe import escape

EXIT_INTERRUPTED = 130
_KINDS = {1: "invalid", EXIT_USAGE: "usage", EXIT_OPERATIONAL: "operational",
          EXIT_UNEXPECTED: "unexpected", EXIT_INTERRUPTED: "interrupted"}


def wants_json(args: list[str]) -> bool:
    """Whether the command line asks for `--format json` (before any `--`)."""
    for i, arg in enumerate(args):
        if arg == "--":
            return False
        if arg == "--format=json" or (arg == "--format" and args[i + 1:i + 2] == ["json"]):
            return True
    return False


def report_error(ctx: click.Context, code: int, message: str, hint: str = "",
                 problems: list[Problem] | None = None, kind: str = "") -> None:
    """One error on stderr: `plansync: error: ...` lines, or with --format json one JSON
    object {"error": {"kind", "exit_code", "message", "hint", "problems"}}."""
    if ctx.meta.get("plansync.json"):
        error: dict[str, Any] = {"kind": kind or _KINDS.get(code, "error"), "exit_code": code,
                                 "message": message, "hint": hint}
        if problems:
            error["problems"] = [asdict(p) for p in problems]
        from plansync.render.json_out import dumps

        click.echo(dumps({"error": error}, indent=None), err=True)
        return
    if problems:
        from plansync.render.text import problem_line

        for problem in problems:
            click.echo(problem_line(problem), err=True)
        return
    click.echo(f"plansync: error: {escape(message)}", err=True)
    if hint:
        click.echo(f"  hint: {escape(hint)}", err=True)


class _Group(click.Group):
    """Maps our errors to exit codes for every way the CLI is run (console script, tests)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["plansync.json"] = wants_json(args)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            code = super().invoke(ctx)
        except PlansyncError as exc:
            if isinstance(exc, SeedError):
                files = sorted({p.file for p in exc.problems})
                report_error(ctx, exc.exit_code, f"{len(exc.problems)} problem(s) in "
                             f"{', '.join(files)}", "fix the problems listed", exc.problems,
                             exc.kind)
            else:
                report_error(ctx, exc.exit_code, exc.message, exc.hint, None, exc.kind)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            report_error(ctx, EXIT_INTERRUPTED, "interrupted")
            ctx.exit(EXIT_INTERRUPTED)
        except click.ClickException as exc:
            if not ctx.meta.get("plansync.json"):
                raise
            report_error(ctx, exc.exit_code, exc.format_message(),
                         "see --help" if exc.exit_code == EXIT_USAGE else "")
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort):
            raise
        except OSError as exc:  # a file the OS refused, wherever it was met: not a bug
            if exc.errno == errno.EPIPE:
                raise  # stdout closed early (`| head`): click ends quietly
            where = f"{exc.filename}: " if exc.filename else ""
            report_error(ctx, EXIT_OPERATIONAL, f"{where}{exc.strerror or exc}",
                         "check the path and its permissions", kind="file")
            ctx.exit(EXIT_OPERATIONAL)
        except Exception:
            if ctx.params.get("traceback"):
                traceback.print_exc()
            report_error(ctx, EXIT_UNEXPECTED, f"unexpected error: {sys.exc_info()[1]!r}",
                         "this is a bug: run again with `plansync --traceback ...` and report "
                         "it")
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
        delete,
        diff,
        export,
        fmt,
        gantt,
        git,
        hooks,
        import_,
        migrate,
        programs,
        pull,
        roundtrip,
        schedule,
        serve,
        sync,
        tokens,
        users,
        validate,
        watch,
    )

    for module in (validate, fmt, convert, import_, export, programs, roundtrip, schedule,
                   gantt, diff, sync, pull, delete, watch, git, hooks, serve, users, tokens,
                   migrate):
        cli.add_command(module.command)


_register()


def main(argv: list[str] | None = None) -> None:
    """Console entry point: usage errors exit 2 (click's own convention)."""
    cli.main(args=argv, prog_name="plansync")
