"""Options and output helpers shared by the commands."""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import click
from click.core import ParameterSource

from plansync.errors import INTERNAL, FileError, InternalError, Problem, UsageError
from plansync.fileio import write_atomic
from plansync.render.problems import PROBLEM_RENDERERS
from plansync.render.safe import escape
from plansync.seed.load import Limits
from plansync.sizes import DEPTH_HELP, SIZE_HELP, human_size, parse_depth, parse_size

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

ENV_MAX_FILE_SIZE = "PLANSYNC_MAX_FILE_SIZE"
ENV_MAX_DEPTH = "PLANSYNC_MAX_DEPTH"


def _bound(parse: Callable[[str], int], what: str) -> Callable[..., int]:
    """A click callback: the option's (or its environment variable's) value, parsed."""

    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> int:
        try:
            return parse(str(value))
        except ValueError:
            source = ctx.get_parameter_source(param.name or "")
            if source is ParameterSource.ENVIRONMENT and isinstance(param, click.Option):
                raise click.BadParameter(
                    f"{value!r} is not {what} (fix or unset the variable)",
                    param_hint=f"environment variable {param.envvar}") from None
            raise click.BadParameter(f"{value!r} is not {what}") from None

    return callback


def limit_options(func: F) -> F:
    """Add --max-file-size and --max-depth (also read from PLANSYNC_MAX_FILE_SIZE and
    PLANSYNC_MAX_DEPTH when the option is not given); the command receives `limits: Limits`.
    Nothing is read from the environment until the command runs."""
    defaults = Limits()

    def wrapper(*args: Any, max_file_size: int, max_depth: int, **kwargs: Any) -> Any:
        return func(*args, limits=Limits(max_file_size, max_depth), **kwargs)

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    wrapped: Any = click.option(
        "--max-depth", metavar="N", envvar=ENV_MAX_DEPTH, default=str(defaults.max_depth),
        show_default=True, callback=_bound(parse_depth, DEPTH_HELP),
        help=f"Refuse documents nested deeper (env {ENV_MAX_DEPTH}).",
    )(wrapper)
    wrapped = click.option(
        "--max-file-size", metavar="SIZE", envvar=ENV_MAX_FILE_SIZE,
        default=human_size(defaults.max_bytes), show_default=True,
        callback=_bound(parse_size, SIZE_HELP),
        help=f"Refuse larger files; 65536, 64M, 1G (env {ENV_MAX_FILE_SIZE}).",
    )(wrapped)
    return wrapped  # type: ignore[no-any-return]


# --- colour: only on a terminal, never with NO_COLOR, unless --color/--no-color says so


def _set_color(ctx: click.Context, param: click.Parameter, value: bool | None) -> None:
    if value is not None:
        ctx.meta["plansync.color"] = value
        ctx.color = value


def color_option(func: F) -> F:
    """--color/--no-color (default: colour only on a terminal and when NO_COLOR is not set);
    read it with use_color()."""
    return click.option(
        "--color/--no-color", default=None, expose_value=False, callback=_set_color,
        is_eager=True, help="Colour the output (default: only on a terminal, and never when "
        "NO_COLOR is set).")(func)


def use_color(*, err: bool = False) -> bool:
    """Whether to colour output going to stdout (or stderr with err=True): --color or
    --no-color when given, else no when NO_COLOR is set and not empty, else only on a TTY."""
    ctx = click.get_current_context(silent=True)
    choice = ctx.meta.get("plansync.color") if ctx is not None else None
    if choice is not None:
        return bool(choice)
    if os.environ.get("NO_COLOR"):
        return False
    stream = sys.stderr if err else sys.stdout
    return stream.isatty()


def style(text: str, *, err: bool = False, **styles: Any) -> str:
    """`text` styled (click.style) when use_color() says so, else as it is."""
    return click.style(text, **styles) if use_color(err=err) else text


def echo(text: str, *, err: bool = False, nl: bool = True) -> None:
    """Print text whose styles were already decided (by use_color): never stripped or added."""
    click.echo(text, err=err, nl=nl, color=True)


# --- output


def echo_problems(problems: list[Problem], files: list[str], fmt: str, *,
                  err: bool = False) -> None:
    """Problems in a --format (text coloured on a terminal), on stdout or with err=True on
    stderr. The renderers escape what came from the files."""
    out = PROBLEM_RENDERERS[fmt](problems, files)
    if fmt == "text" and problems and use_color(err=err):
        out = out.replace(": error: ", ": " + click.style("error", fg="red", bold=True) + ": ")
    if out:
        echo(out, err=err)
    failed = sorted({p.file for p in problems if p.code == INTERNAL})
    if failed:
        raise InternalError(f"plansync failed on {len(failed)} file(s): "
                            f"{', '.join(map(escape, failed))}",
                            hint="this is a bug in plansync; the other files were checked "
                            "and reported above")


def progress(items: list[T], label: str) -> Iterator[T]:
    """Yield items, showing a progress bar on stderr only for a TTY and for longer jobs."""
    if not sys.stderr.isatty() or len(items) < 20:
        yield from items
        return
    with click.progressbar(items, label=label, file=sys.stderr,
                           color=use_color(err=True)) as bar:
        yield from bar


def check_output(output: str | None) -> None:
    """Refuse, before any work, an -o that cannot be written: a folder, or a file in a folder
    that does not exist (FileError, exit 3). The write itself reports anything else."""
    if not output or output == "-":
        return
    if output.endswith(("/", os.sep)) or os.path.isdir(output):
        raise FileError.of("write", output, _os_error(errno.EISDIR))
    parent = os.path.dirname(output) or "."
    if not os.path.isdir(parent):
        code = errno.ENOTDIR if os.path.exists(parent) else errno.ENOENT
        raise FileError.of("write", output, _os_error(code))


def _os_error(code: int) -> OSError:
    return OSError(code, os.strerror(code))


def output_kind(output: str | None, wanted: str | None, option: str) -> str | None:
    """The kind ("json" or "yaml") an -o name implies, refusing an explicit `wanted` kind
    that contradicts it (UsageError, exit 2): YAML must not land in a .json file."""
    if not output or output == "-":
        return wanted
    lower = output.lower()
    implied = ("yaml" if lower.endswith((".yaml", ".yml"))
               else "json" if lower.endswith(".json") else None)
    if wanted and implied and wanted != implied:
        raise UsageError(f"{option} {wanted} contradicts the output name {escape(output)}",
                         hint=f"name the file .{'seed.json' if wanted == 'json' else 'seed.yaml'}"
                         f", or drop {option}")
    return wanted or implied


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
        echo(style(escape(message), err=True, dim=True), err=True)


def staged_option(func: F) -> F:
    """--staged: check what Git's index holds (what `git commit` records), not the files."""
    return click.option(
        "--staged", is_flag=True, help="Check the content staged in Git's index (what the "
        "next commit records) instead of the working files; no PATH: every staged seed "
        "file.")(func)


def seed_paths(paths: tuple[str, ...]) -> list[str]:
    """The seed files named or found below the folders named; at least one PATH is needed."""
    from plansync.seed.validate import find_seed_files

    if not paths:
        raise UsageError("no PATH given", hint="name seed files or folders that hold them "
                         "(or, where there is one, use --staged)")
    return find_seed_files(list(paths))


class PathsAfterDashes(click.Command):
    """A command that keeps what follows `--` apart, as paths (as git diff and git log do):
    the command reads them from ctx.meta["plansync.paths"]."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if "--" in args:
            cut = args.index("--")
            ctx.meta["plansync.paths"] = args[cut + 1:]
            args = args[:cut]
        return super().parse_args(ctx, args)
