"""plansync pull [PROGRAM...] [--commit]"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from plansync.commands.common import echo_problems, limit_options
from plansync.commands.common_instance import instance_option
from plansync.errors import (
    EXIT_FINDINGS,
    EXIT_OK,
    PlansyncError,
    Problem,
    UsageError,
)
from plansync.fileio import write_atomic
from plansync.render.safe import escape
from plansync.seed.canonical import canonical_bytes
from plansync.seed.load import Limits, Seed
from plansync.sync import load_seeds


@click.command("pull")
@click.argument("programs", nargs=-1)
@instance_option
@click.option("--commit", "do_commit", is_flag=True,
              help="Commit the seed files pull wrote (with pygit2), and record the pull as "
              "the last sync on the instance.")
@click.option("--force", is_flag=True,
              help="Take the instance's version where pull would refuse: over uncommitted "
              "edits, and where there is no record of a last sync.")
@click.option("--dir", "folder", default=None, type=click.Path(file_okay=False),
              help="Where to write programs that have no seed file yet (default: the "
              "repository root).")
@limit_options
def command(programs: tuple[str, ...], instance: str | None, do_commit: bool, force: bool,
            folder: str | None, limits: Limits) -> int:
    """Bring the instance's changes into the seed files, three ways.

    Without PROGRAM, every program that has a seed file in the repository and exists on the
    instance is pulled. Compared with the record of the last sync: changed only on the
    instance, the file takes the instance's version; changed only in the file (not synced
    yet), it is left alone (sync sends it); changed on both sides, the two are merged by
    natural keys and fields, and a conflict refuses with the base / mine / theirs values. JSON
    files get canonical bytes; YAML files keep their comments wherever the entity they sit on
    still exists. Nothing is written unless every program can be pulled. The pull is recorded
    as the last sync only with --commit (otherwise at the next sync, once the file holds it).
    """
    from plansync import gitrepo
    from plansync.instance.address import opened, resolve_address
    from plansync.instance.base import SyncStamp

    root = gitrepo.workdir(".")
    refused: list[Problem] = []
    plan = load_seeds(gitrepo.worktree_seed_files(root, [], limits, refused), limits)
    problems = refused + plan.problems  # a FIFO, or an invalid file: which program is it?
    if problems:  # never guess: a program whose file cannot be read would get a second file
        echo_problems(problems, sorted({p.file for p in problems}), "text")
        click.echo("plansync: nothing was pulled (fix the files above first)", err=True)
        return EXIT_FINDINGS
    by_code = {seed.doc["program"]["code"]: (path, seed) for path, seed in plan.seeds.items()}
    with opened(resolve_address(instance, root)) as target:
        wanted = list(programs) or [c for c in by_code if target.server_version(c) is not None]
        steps = []
        for code in wanted:  # decide every program before writing any
            path, seed = by_code.get(code, (None, None))
            steps.append(_step(root, target, code, path, seed, folder, force))
        blocked = [s for s in steps if s.refusal]
        if blocked:
            _refuse(blocked)
            return EXIT_FINDINGS
        written = []
        for step in steps:
            if step.data is not None:
                write_atomic(root / step.path, step.data)
                written.append(step.path)
        click.echo("\n".join(escape(s.line) for s in steps) or "nothing to pull")
        if do_commit and written:
            oid = gitrepo.commit_files(root, written, "plansync pull\n\n" +
                                       "\n".join(s.line for s in steps) + "\n")
            repository, account = gitrepo.identity(root)
            for step in steps:  # record the instance's state as the last sync
                if step.data is not None and step.exported is not None:
                    held = oid if step.merge is None else None  # a merge's file holds more
                    target.import_document(step.exported, expected_version=step.version,
                                           record=SyncStamp(step.path, held, account,
                                                            repository))
            click.echo(f"committed {oid[:10]}")
    return EXIT_OK


@dataclass
class _Step:
    """What pull does with one program: bytes to write (None: nothing), a line to print, or
    a refusal; and the instance's document and version the step was decided on."""

    code: str
    path: str
    line: str = ""
    data: bytes | None = None
    refusal: str = ""
    merge: Any = None
    exported: dict[str, Any] | None = None
    version: int | None = None


def _step(root: Path, target: Any, code: str, path: str | None, seed: Seed | None,
          folder: str | None, force: bool) -> _Step:
    from plansync import gitrepo
    from plansync.diff import diff_documents, summary
    from plansync.seed.events import final_state
    from plansync.sync import content_digest, find_base, rewrite_seed

    version = target.server_version(code)
    if version is None:
        raise UsageError(f"no program {code!r} on the instance",
                         hint="`plansync programs` lists what it holds")
    step = _Step(code, path or _new_path(root, folder, code), version=version)
    theirs = step.exported = target.export_program(code)
    if seed is None:
        step.data, step.line = canonical_bytes(theirs), f"{code}: wrote {step.path} (new file)"
        return step
    mine = final_state(seed.doc)
    if canonical_bytes(mine) == canonical_bytes(theirs):
        step.line = f"{code}: {step.path} is up to date"
        return step
    found = find_base(target.sync_history(code), mine, content_digest(mine), target,
                      gitrepo.History(root))
    base = None if found is None else found[1]
    if base is not None and canonical_bytes(base) == canonical_bytes(theirs):
        step.line = (f"{code}: {step.path} has changes not synced yet; nothing to pull "
                     "(`plansync sync` sends them)")
        return step
    if base is None and not force:
        step.refusal = (f"{step.path} differs from the instance and there is no record of a "
                        "last sync to tell whose change it is; pass --force to take the "
                        "instance's version")
        return step
    if base is None or canonical_bytes(base) == canonical_bytes(mine):
        result, what = theirs, "took the instance's changes"
    else:
        from plansync.merge import merge_documents

        step.merge = merge_documents(base, mine, theirs)
        if step.merge.conflicts:
            step.refusal = (f"{step.path} and the instance changed the same things in "
                            "different ways since the last sync")
            return step
        result, what = step.merge.merged, "merged the instance's changes with the file's"
        if canonical_bytes(result) == canonical_bytes(mine):
            step.line = (f"{code}: {step.path} already holds the instance's changes, and has "
                         "its own not synced yet (`plansync sync` sends them)")
            return step
    if not force and gitrepo.has_local_edits(root, step.path):
        step.refusal = (f"{step.path} has uncommitted edits; commit or stash them first, or "
                        "pass --force")
        return step
    written: dict[str, Any] = result
    if seed.doc.get("version") == 2:  # a timeline stays a timeline: the instance's
        if step.merge is not None:
            step.refusal = (f"{step.path} is a version 2 timeline with changes of its own not "
                            "synced yet, and the instance changed too; sync the file first "
                            "(its timeline replaces the instance's), or pull with --force to "
                            "take the instance's timeline")
            if not force:
                return step
            step.refusal, step.merge = "", None
            result, what = theirs, "took the instance's changes"
        written = target.export_timeline(code)
    counts = summary(diff_documents(mine, result))
    changed = "; ".join(f"{kind} " + " ".join(f"{op} {n}" for op, n in ops.items() if n)
                        for kind, ops in counts.items())
    step.data = rewrite_seed(root / step.path, seed, written)
    step.line = f"{code}: wrote {step.path} ({what}: {changed})"
    return step


def _refuse(blocked: list[_Step]) -> None:
    from plansync.render.sync import conflict_line

    for step in blocked:
        click.echo(f"plansync: {escape(step.code)}: {escape(step.refusal)}", err=True)
        for conflict in step.merge.conflicts if step.merge else []:
            click.echo(f"  {conflict_line(conflict)}", err=True)
    click.echo("plansync: nothing was pulled", err=True)


def _new_path(root: Path, folder: str | None, code: str) -> str:
    """Where a program without a seed file goes. The code comes from the instance: never
    trust it as a path (it must be a code, and the file must land inside the repository)."""
    from plansync.seed.schema import is_code

    if not is_code(code):
        raise PlansyncError(f"the instance names a program {escape(code)!r}, which is not a "
                            "valid program code; refusing to use it as a file name",
                            hint="pass a PROGRAM that exists, or fix the instance")
    base = Path(folder).resolve() if folder else root.resolve()
    target = (base / f"{code}.seed.json").resolve()
    if not target.is_relative_to(root.resolve()):
        raise UsageError(f"--dir {escape(str(folder))} is outside the repository {root}",
                         hint="pull writes seed files into the repository")
    return target.relative_to(root.resolve()).as_posix()


