"""plansync diff OLD NEW | plansync diff [REV [REV]] [-- PATH...]"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import click

from plansync.commands.common import color_option, echo, echo_problems, use_color
from plansync.errors import (
    EXIT_FINDINGS,
    EXIT_OK,
    InputError,
    PlansyncError,
    Problem,
    SeedError,
    UsageError,
)
from plansync.render.safe import escape
from plansync.seed.events import final_state
from plansync.seed.load import SEED_SUFFIXES
from plansync.seed.validate import validate_bytes

# Arguments with these endings are files, never revisions.
FILE_SUFFIXES = (*SEED_SUFFIXES, ".json", ".yaml", ".yml")


class _DiffCommand(click.Command):
    """Keeps what follows `--` apart: those are paths, not revisions (as in git diff)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if "--" in args:
            cut = args.index("--")
            ctx.meta["plansync.paths"] = args[cut + 1:]
            args = args[:cut]
        return super().parse_args(ctx, args)


@dataclass
class _Pair:
    """One seed file on both sides (a side is None where the file does not exist)."""

    path: str
    old: dict[str, Any] | None
    new: dict[str, Any] | None


FORMATS = ("text", "markdown", "json")


@click.command("diff", cls=_DiffCommand)
@click.argument("args", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text",
              show_default=True, help="Output format (markdown: for a pull-request comment).")
@click.option("--schedule/--no-schedule", "with_schedule", default=True, show_default=True,
              help="Include the schedule impact (finish dates, critical path).")
@color_option
@click.option("--git-external", is_flag=True, hidden=True,
              help="Called by git as diff.plansync.command (see `plansync git setup`).")
@click.pass_context
def command(ctx: click.Context, args: tuple[str, ...], fmt: str, with_schedule: bool,
            git_external: bool) -> int:
    """Show what changed between two plans, by natural keys, not by lines.

    `plansync diff OLD NEW` compares two seed files. `plansync diff [REV [REV]] [-- PATH...]`
    compares the seed files of the Git repository like `git diff`: no REV compares HEAD with
    the working tree, one REV that revision with the working tree, two REVs each other.
    Renumbered tasks are reported as moves; the schedule impact shows finish dates before and
    after, tasks that joined or left the critical path, and the tasks that moved most.
    Exit 0 when there is no difference, 1 when there is one, 2 when an argument is wrong or
    an input is not a valid plan (its problems go to stderr), 3 when a file cannot be read.
    """
    if git_external:
        return _git_external(args, with_schedule)
    paths: list[str] = ctx.meta.get("plansync.paths", [])
    if len(args) > 2:
        raise UsageError("too many arguments", hint="plansync diff OLD NEW, or "
                         "plansync diff [REV [REV]] [-- PATH...]")
    if not paths and any(_is_file_argument(a) for a in args):
        if len(args) != 2:
            raise UsageError(f"{escape(args[0])} is a file: diff compares two files",
                             hint="plansync diff OLD NEW; to compare a file with HEAD: "
                             "plansync diff -- FILE")
        pairs, problems = _file_pairs(args[0], args[1])
    else:
        pairs, problems = _git_pairs(list(args), paths)
    if problems:
        raise InputError(problems)
    output, changed = render(pairs, fmt, with_schedule, use_color())
    if output:
        echo(output)
    return EXIT_FINDINGS if changed else EXIT_OK


def _is_file_argument(arg: str) -> bool:
    """A path that exists, or a name only a file has (a revision never ends in .json)."""
    return os.path.exists(arg) or arg.lower().endswith(FILE_SUFFIXES)


def _side(name: str, data: bytes | None, problems: list[Problem]) -> dict[str, Any] | None:
    if data is None:
        return None
    result = validate_bytes(name, data)
    problems.extend(result.problems)
    if result.seed is None or result.problems:
        return None
    doc: dict[str, Any] = final_state(result.seed.doc)
    return doc


def _read(path: str) -> bytes:
    from plansync.seed.load import Limits, read_bounded

    try:
        return read_bounded(path, Limits.from_env().max_bytes)
    except SeedError as exc:
        raise PlansyncError(f"cannot read {escape(path)}: {exc.problems[0].message}",
                            hint=exc.problems[0].hint) from exc


def _file_pairs(old: str, new: str) -> tuple[list[_Pair], list[Problem]]:
    for path in (old, new):
        if not os.path.exists(path):
            raise UsageError(f"no such file: {escape(path)}",
                             hint="plansync diff OLD NEW compares two seed files")
        if os.path.isdir(path):
            raise UsageError(f"{escape(path)} is a folder: diff compares two seed files",
                             hint="to compare folders in Git: plansync diff [REV [REV]] "
                             "-- FOLDER")
    problems: list[Problem] = []
    pair = _Pair(new, _side(old, _read(old), problems), _side(new, _read(new), problems))
    return [pair], problems


def _git_pairs(revs: list[str], paths: list[str]) -> tuple[list[_Pair], list[Problem]]:
    from plansync import gitrepo

    root = gitrepo.workdir(".")
    prefixes = [gitrepo.repo_path(p, root) for p in paths]
    old_rev = revs[0] if revs else "HEAD"
    old = gitrepo.seed_blobs(root, old_rev, prefixes)
    refused: list[Problem] = []
    if len(revs) == 2:
        new, new_label = gitrepo.seed_blobs(root, revs[1], prefixes), revs[1] + ":"
    else:
        new, new_label = gitrepo.worktree_seed_files(root, prefixes, problems=refused), ""
    problems: list[Problem] = refused
    pairs = [_Pair(path, _side(f"{old_rev}:{path}", old.get(path), problems),
                   _side(f"{new_label}{path}", new.get(path), problems))
             for path in sorted(old.keys() | new.keys())]
    return pairs, problems


def changes_of(pair: _Pair) -> list[Any]:
    """The semantic changes of one file pair (a whole program added or removed is one)."""
    from plansync.diff import Change, diff_documents

    if pair.old is not None and pair.new is not None:
        return diff_documents(pair.old, pair.new)
    if pair.new is not None:
        code = pair.new["program"]["code"]
        return [Change("add", "program", code, None, code, None, None, pair.new["program"])]
    if pair.old is not None:
        code = pair.old["program"]["code"]
        return [Change("remove", "program", code, None, code, None, pair.old["program"], None)]
    return []


def render(pairs: list[_Pair], fmt: str, with_schedule: bool, color: bool) -> tuple[str, bool]:
    """The output for all pairs, and whether anything differs."""
    from plansync.diff import schedule_impact
    from plansync.render.diff import RENDERERS

    results = []
    for pair in pairs:
        changes = changes_of(pair)
        if not changes:
            continue
        impact = None
        if with_schedule and pair.old is not None and pair.new is not None:
            impact = schedule_impact(pair.old, pair.new, changes)
        results.append((pair, changes, impact))
    if fmt == "json":
        data = {"changes": [c.as_dict() for _, changes, _ in results for c in changes],
                "schedule": {(p.new or p.old or {})["program"]["code"]: impact
                             for p, _, impact in results if impact is not None}}
        from plansync.render.json_out import dumps

        return dumps(data), bool(results)
    parts = []
    for pair, changes, impact in results:
        body = RENDERERS[fmt](changes, impact, color=color)
        parts.append(body if len(pairs) == 1 else _file_header(pair.path, fmt) + body)
    return "\n".join(parts), bool(results)


def _file_header(path: str, fmt: str) -> str:
    from plansync.render.diff import md_code

    return f"### {md_code(path)}\n\n" if fmt == "markdown" else f"diff {escape(path)}\n"


def _git_external(args: tuple[str, ...], with_schedule: bool) -> int:
    """git's external diff protocol: path old-file old-hex old-mode new-file new-hex new-mode.
    Always exits 0 (a non-zero exit makes git stop the whole diff)."""
    if len(args) < 7:
        raise UsageError("--git-external expects the 7 arguments git passes")
    path, old_file, new_file = args[0], args[1], args[4]
    problems: list[Problem] = []
    old = None if old_file == "/dev/null" else _side(f"a/{path}", _read(old_file), problems)
    new = None if new_file == "/dev/null" else _side(f"b/{path}", _read(new_file), problems)
    click.echo(f"plansync diff a/{escape(path)} b/{escape(path)}")
    if problems:
        echo_problems(problems, [path], "text")
        return EXIT_OK
    color = click.get_current_context().meta.get("plansync.color", False)
    output, _ = render([_Pair(path, old, new)], "text", with_schedule, bool(color))
    echo(output or "(no semantic change)")
    return EXIT_OK
