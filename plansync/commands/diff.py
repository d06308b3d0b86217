"""plansync diff OLD NEW | plansync diff [REV [REV]] [-- PATH...]"""

from __future__ import annotations

import os
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import click

from plansync.commands.common import (
    PathsAfterDashes,
    check_output,
    color_option,
    echo,
    echo_problems,
    use_color,
)
from plansync.commands.diff_sides import Pair, SecondFailed, read, side, sides
from plansync.errors import (
    EXIT_FINDINGS,
    EXIT_OK,
    InputError,
    Problem,
    UsageError,
)
from plansync.render.safe import escape
from plansync.seed.load import SEED_SUFFIXES

# Arguments with these endings are files, never revisions.
FILE_SUFFIXES = (*SEED_SUFFIXES, ".json", ".yaml", ".yml")

FORMATS = ("text", "markdown", "markdown-json", "json")
GITHUB_LIMIT = 65_536  # plansync.render.comment.GITHUB_LIMIT, kept out of start-up
MIN_COMMENT_CHARS = 2_000  # plansync.render.comment.MIN_CHARS


@click.command("diff", cls=PathsAfterDashes)
@click.argument("args", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text",
              show_default=True, help="Output format. markdown: a pull-request comment "
              "(several when it is too long); markdown-json: those comments as a JSON array.")
@click.option("--schedule/--no-schedule", "with_schedule", default=True, show_default=True,
              help="Include the schedule impact (finish dates, warnings, critical path).")
@click.option("--max-comment-chars", type=click.IntRange(MIN_COMMENT_CHARS), default=GITHUB_LIMIT,
              show_default=True, help="Cut the markdown into numbered comments of at most this "
              "many characters (GitHub refuses longer comments).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write to this file instead of stdout; markdown cut into several comments "
              "goes to numbered files (comment.md: comment.1.md, comment.2.md, ...).")
@color_option
@click.option("--git-external", is_flag=True, hidden=True,
              help="Called by git as diff.plansync.command (see `plansync git setup`).")
@click.pass_context
def command(ctx: click.Context, args: tuple[str, ...], fmt: str, with_schedule: bool,
            max_comment_chars: int, output: str | None, git_external: bool) -> int:
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
    check_output(output)
    paths: list[str] = ctx.meta.get("plansync.paths", [])
    if len(args) > 2:
        raise UsageError("too many arguments", hint="plansync diff OLD NEW, or "
                         "plansync diff [REV [REV]] [-- PATH...]")
    files = not paths and any(_is_file_argument(a) for a in args)
    if files and len(args) != 2:
        raise UsageError(f"{escape(args[0])} is a file: diff compares two files",
                         hint="plansync diff OLD NEW; to compare a file with HEAD: "
                         "plansync diff -- FILE")
    try:
        with ExitStack() as stack:  # the second process of big files, if any
            sections = _sections(args, paths, files, with_schedule, stack)
    except SecondFailed:  # killed, out of memory: the sources are still there
        click.echo("plansync: the second process of the diff stopped; diffing again in one "
                   "process", err=True)
        sections = _sections(args, paths, files, with_schedule, None)
    changed = any(s.changes for s in sections)
    color = use_color() and output is None
    if fmt in ("markdown", "markdown-json"):
        from plansync.render.comment import comments

        parts = comments(sections, max_comment_chars)
        if fmt == "markdown-json":
            from plansync.render.json_out import dumps

            _emit([dumps(parts)], output)
        else:
            _emit(parts, output)
    else:
        from plansync.render.diff import RENDERERS

        text = RENDERERS[fmt](sections, color)
        if text or output:
            _emit([text + "\n" if text else ""], output)
    return EXIT_FINDINGS if changed else EXIT_OK


def _sections(args: tuple[str, ...], paths: list[str], files: bool, with_schedule: bool,
              stack: ExitStack | None) -> list[Any]:
    """The diff's sections; big files in two processes when `stack` holds the second."""
    if files:
        pairs, problems = _file_pairs(args[0], args[1], with_schedule, stack)
    else:
        pairs, problems = _git_pairs(list(args), paths, with_schedule, stack)
    if problems:
        raise InputError(problems)
    return compare(pairs, with_schedule, git=not files)


def _emit(parts: list[str], output: str | None) -> None:
    """Print the parts, or write them to `output` (several: numbered files)."""
    if output is None:
        echo("\n".join(p.rstrip("\n") for p in parts))
        return
    from plansync.fileio import write_atomic

    if len(parts) == 1:
        names = [output]
    else:
        stem, dot, suffix = output.rpartition(".")
        names = [f"{stem}.{n}.{suffix}" if dot else f"{output}.{n}"
                 for n in range(1, len(parts) + 1)]
    for name, part in zip(names, parts, strict=True):
        write_atomic(name, part.encode("utf-8"))
    if len(parts) > 1:
        click.echo(f"wrote {len(parts)} comments: {', '.join(escape(n) for n in names)}",
                   err=True)


def _is_file_argument(arg: str) -> bool:
    """A path that exists, or a name only a file has (a revision never ends in .json)."""
    return os.path.exists(arg) or arg.lower().endswith(FILE_SUFFIXES)


def _file_pairs(old: str, new: str, with_schedule: bool = False,
                stack: ExitStack | None = None) -> tuple[list[Pair], list[Problem]]:
    for path in (old, new):
        if not os.path.exists(path):
            raise UsageError(f"no such file: {escape(path)}",
                             hint="plansync diff OLD NEW compares two seed files")
        if os.path.isdir(path):
            raise UsageError(f"{escape(path)} is a folder: diff compares two seed files",
                             hint="to compare folders in Git: plansync diff [REV [REV]] "
                             "-- FOLDER")
    return sides([(new, old, Path(old), new, Path(new))], with_schedule, stack)


def _git_pairs(revs: list[str], paths: list[str], with_schedule: bool = False,
               stack: ExitStack | None = None) -> tuple[list[Pair], list[Problem]]:
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
    # the blobs move out of the dicts: sides() lets go of each file's once it is read
    pairs, problems = sides([(path, f"{old_rev}:{path}", old.pop(path, None),
                              f"{new_label}{path}", new.pop(path, None))
                             for path in sorted(old.keys() | new.keys())], with_schedule, stack)
    return pairs, refused + problems


def changes_of(pair: Pair) -> list[Any]:
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


def compare(pairs: list[Pair], with_schedule: bool, git: bool = True) -> list[Any]:
    """One plansync.render.diff.Section per pair that differs: changes, schedule impact,
    context."""
    from plansync.diff import schedule_impact
    from plansync.diff.context import describe
    from plansync.render.diff import Section

    sections = []
    for pair in pairs:
        changes = changes_of(pair)
        if not changes:
            continue
        impact = None
        context = describe(pair.old, pair.new, changes)
        program = (pair.new or pair.old or {})["program"]["code"]
        if with_schedule and pair.old is not None and pair.new is not None:
            if pair.before is None:
                impact = schedule_impact(pair.old, pair.new, changes)
            else:  # the old side was scheduled in the second process meanwhile
                impact = _impact_taking(pair, changes)
        sections.append(Section(pair.path if git else None, program, changes, impact, context))
    return sections


def _impact_taking(pair: Pair, changes: list[Any]) -> Any:
    """The impact of a pair whose old side was scheduled in the second process; the pair
    lets go of both documents, so that the new one's memory serves its schedule."""
    from plansync.diff.impact import compare as compare_sides
    from plansync.diff.impact import scheduled_taking, touches_schedule

    assert pair.new is not None
    holder = [pair.new]
    pair.old = pair.new = None
    after = scheduled_taking(holder) if any(map(touches_schedule, changes)) else None
    before = pair.before()
    return compare_sides(before, after or before, changes)


def render(pairs: list[Pair], fmt: str, with_schedule: bool, color: bool) -> tuple[str, bool]:
    """The text or JSON output for all pairs, and whether anything differs."""
    from plansync.render.diff import RENDERERS

    sections = compare(pairs, with_schedule, git=False)
    return RENDERERS[fmt](sections, color), bool(sections)


def _git_external(args: tuple[str, ...], with_schedule: bool) -> int:
    """git's external diff protocol: path old-file old-hex old-mode new-file new-hex new-mode.
    Always exits 0 (a non-zero exit makes git stop the whole diff). A side that is not a
    valid plan: its problems, then the plain line diff, so the change is still shown."""
    if len(args) < 7:
        raise UsageError("--git-external expects the 7 arguments git passes")
    path, old_file, new_file = args[0], args[1], args[4]
    problems: list[Problem] = []
    old_data = b"" if old_file == "/dev/null" else read(old_file)
    new_data = b"" if new_file == "/dev/null" else read(new_file)
    old = None if old_file == "/dev/null" else side(f"a/{path}", old_data, problems)
    new = None if new_file == "/dev/null" else side(f"b/{path}", new_data, problems)
    click.echo(f"plansync diff a/{escape(path)} b/{escape(path)}")
    if problems:
        echo_problems(problems, [path], "text")
        click.echo("(not a valid plan on one side: the line diff follows)")
        echo(_line_diff(path, old_data, new_data, old_file == "/dev/null",
                        new_file == "/dev/null"))
        return EXIT_OK
    color = click.get_current_context().meta.get("plansync.color", False)
    output, _ = render([Pair(path, old, new)], "text", with_schedule, bool(color))
    echo(output or "(no semantic change)")
    return EXIT_OK


def _line_diff(path: str, old: bytes, new: bytes, added: bool, removed: bool) -> str:
    """A unified line diff, as `git diff --no-ext-diff` would show it (text escaped)."""
    import difflib

    from plansync.render.safe import escape_text

    a = old.decode("utf-8", "replace").splitlines(keepends=True)
    b = new.decode("utf-8", "replace").splitlines(keepends=True)
    lines = difflib.unified_diff(a, b, "/dev/null" if added else f"a/{path}",
                                 "/dev/null" if removed else f"b/{path}")
    return escape_text("".join(line if line.endswith("\n") else line + "\n"
                               for line in lines)).rstrip("\n")
