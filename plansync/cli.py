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
    from plansync.render.safe import escape  # here: its patterns cost start-up time

    click.echo(f"plansync: error: {escape(message)}", err=True)
    if hint:
        click.echo(f"  hint: {escape(hint)}", err=True)


class _Group(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)  # in COMMANDS order: the order of the docs

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from COMMANDS's summaries, without importing every command."""
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

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


# Subcommands load when they run (or are asked for): `plansync --help` and every command
# start without importing the others. name -> (module, the start of its help).
COMMANDS = {
    "validate": ("validate", "Check seed files (or the seed files below folders)"),
    "fmt": ("fmt", "Write seed files in canonical form"),
    "convert": ("convert", "Convert a plan between seed files and other tools' formats"),
    "check": ("check", "Everything a commit of seed files needs, in one process"),
    "import": ("import_", "Import seed files into an instance"),
    "export": ("export", "Export a program (by code or UUID) as its canonical seed file"),
    "programs": ("programs", "List the programs on an instance"),
    "roundtrip": ("roundtrip", "Import each file into an instance"),
    "schedule": ("schedule", "Schedule a plan with the critical path method"),
    "diff": ("diff", "Show what changed between two plans"),
    "gantt": ("gantt", "Draw a program's schedule as a Gantt chart: SVG, HTML or Mermaid"),
    "sync": ("sync", "Bring the instance in step with the repository's seed files"),
    "pull": ("pull", "Bring the instance's changes into the seed files"),
    "delete": ("delete", "Delete a program (by code or id) and everything in it"),
    "watch": ("watch", "Keep the instance in step with the seed files"),
    "history": ("history", "A seed file's Git history as a version 2 document"),
    "git": ("git", "Git integration"),
    "hooks": ("hooks", "Git hooks that keep seed files valid"),
    "serve": ("serve", "Serve an instance to a team over REST"),
    "users": ("users", "Accounts of a team instance"),
    "tokens": ("tokens", "API tokens of a team instance"),
    "migrate": ("migrate", "Apply the instance database's pending schema migrations"),
}


class _Commands(dict[str, Any]):
    """cli.commands: the subcommands by name, each module imported on first use."""

    def __getitem__(self, name: str) -> Any:
        found = dict.__getitem__(self, name)
        if found is None:
            from importlib import import_module

            found = import_module(f"plansync.commands.{COMMANDS[name][0]}").command
            dict.__setitem__(self, name, found)
        return found

    def get(self, name: str, default: Any = None) -> Any:
        if name not in self:  # noqa: SIM401 - dict.get would skip the lazy import
            return default
        return self[name]

    def values(self) -> list[Any]:  # type: ignore[override]
        return [self[name] for name in self]

    def items(self) -> list[tuple[str, Any]]:  # type: ignore[override]
        return [(name, self[name]) for name in self]


cli.commands = _Commands.fromkeys(COMMANDS)  # type: ignore[assignment]


def main(argv: list[str] | None = None) -> None:
    """Console entry point: usage errors exit 2 (click's own convention)."""
    cli.main(args=argv, prog_name="plansync")
