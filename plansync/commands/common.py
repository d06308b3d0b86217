"""Options and output helpers shared by the commands."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import click

from plansync.errors import INTERNAL, InternalError, Problem
from plansync.fileio import write_atomic
from plansync.render import PROBLEM_RENDERERS
from plansync.seed.load import MAX_DEPTH_CAP, Limits

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


def parse_size(value: str) -> int:
    """Bytes from "65536", "64M", "1G", "512k" (binary units)."""
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    text = value.strip().lower().removesuffix("b").removesuffix("i")
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def _limits_callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    if param.name == "max_file_size":
        try:
            size = parse_size(str(value))
        except (ValueError, OverflowError):  # "x", "1e999k"
            raise click.BadParameter(f"not a size: {value}") from None
        if size < 0:
            raise click.BadParameter(f"not a size: {value}")
        return size
    return value


def limit_options(func: F) -> F:
    """Add --max-file-size and --max-depth; the command receives `limits: Limits`.

    Their environment variables are read when the command runs (click's envvar), so a bad
    value is a usage error of that command, not a crash on start-up.
    """
    defaults = Limits()

    def wrapper(*args: Any, max_file_size: int, max_depth: int, **kwargs: Any) -> Any:
        return func(*args, limits=Limits(max_file_size, max_depth), **kwargs)

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    wrapped: Any = click.option(
        "--max-depth", type=click.IntRange(1, MAX_DEPTH_CAP), default=defaults.max_depth,
        envvar="PLANSYNC_MAX_DEPTH", show_default=True,
        help=f"Refuse documents nested deeper; at most {MAX_DEPTH_CAP} "
        "(env PLANSYNC_MAX_DEPTH).",
    )(wrapper)
    wrapped = click.option(
        "--max-file-size", default=str(defaults.max_bytes), show_default=True,
        envvar="PLANSYNC_MAX_FILE_SIZE", metavar="SIZE", callback=_limits_callback,
        help="Refuse larger files; 65536, 64M, 1G (env PLANSYNC_MAX_FILE_SIZE).",
    )(wrapped)
    return wrapped  # type: ignore[no-any-return]


def echo_problems(problems: list[Problem], files: list[str], fmt: str) -> None:
    """Render the problems; then, if plansync itself failed on a file (an `internal-error`
    problem: a bug), raise InternalError so that the run exits 4 after reporting all."""
    out = PROBLEM_RENDERERS[fmt](problems, files)
    if fmt == "text" and problems:
        click.echo(_colour_text(out), err=False, color=None)
    elif out:
        click.echo(out)
    failed = sorted({p.file for p in problems if p.code == INTERNAL})
    if failed:
        raise InternalError(f"plansync failed on {len(failed)} file(s): {', '.join(failed)}",
                            hint="this is a bug in plansync; the other files were checked "
                            "and reported above")


def _colour_text(out: str) -> str:
    if not sys.stdout.isatty():
        return out
    return out.replace(": error: ", ": " + click.style("error", fg="red", bold=True) + ": ")


def progress(items: list[T], label: str) -> Iterator[T]:
    """Yield items, showing a progress bar on stderr only for a TTY and for longer jobs."""
    if not sys.stderr.isatty() or len(items) < 20:
        yield from items
        return
    with click.progressbar(items, label=label, file=sys.stderr) as bar:
        yield from bar




def write_output(output: str | None, data: bytes) -> None:
    """Bytes to a file (atomically), or to stdout when `output` is None or "-"."""
    if output and output != "-":
        write_atomic(output, data)
        return
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


def status(message: str) -> None:
    """A progress line on stderr before work that may take a while; only on a terminal."""
    if sys.stderr.isatty():
        click.echo(click.style(message, dim=True), err=True)
