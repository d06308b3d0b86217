"""plansync pull [PROGRAM...] [--commit]"""

from __future__ import annotations

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


@click.command("pull")
@click.argument("programs", nargs=-1)
@instance_option
@click.option("--commit", "do_commit", is_flag=True,
              help="Commit the updated seed files (with pygit2), with a message that "
              "summarises the semantic change.")
@click.option("--force", is_flag=True,
              help="Overwrite seed files that have uncommitted edits.")
@click.option("--dir", "folder", default=None, type=click.Path(file_okay=False),
              help="Where to write programs that have no seed file yet (default: the "
              "repository root).")
@limit_options
def command(programs: tuple[str, ...], instance: str | None, do_commit: bool, force: bool,
            folder: str | None, limits: Limits) -> int:
    """Write the instance's state of programs over their seed files.

    Without PROGRAM, every program that has a seed file in the repository and exists on the
    instance is pulled. JSON files get the canonical bytes; YAML files keep their comments
    wherever the entity they sit on still exists. A program without a seed file gets
    <code>.seed.json. The pull is recorded as the last sync, so the next `sync` sees no drift.
    A seed file with uncommitted edits is never overwritten without --force.
    """
    from plansync import gitrepo
    from plansync.instance.address import opened, resolve_address
    from plansync.sync import (
        content_digest,
        instance_ref,
        load_seeds,
        recorded_state,
        state_entry,
    )

    root = gitrepo.workdir(".")
    refused: list[Problem] = []
    plan = load_seeds(gitrepo.worktree_seed_files(root, [], limits, refused), limits)
    problems = refused + plan.problems  # a FIFO, or an invalid file: which program is it?
    if problems:  # never guess: a program whose file cannot be read would get a second file
        echo_problems(problems, sorted({p.file for p in problems}), "text")
        click.echo("plansync: nothing was pulled (fix the files above first)", err=True)
        return EXIT_FINDINGS
    by_code = {seed.doc["program"]["code"]: (path, seed) for path, seed in plan.seeds.items()}
    address = resolve_address(instance, root)
    ref = instance_ref(address)
    with opened(address) as target:
        wanted = list(programs) or [c for c in by_code if target.server_version(c) is not None]
        state = recorded_state(gitrepo.read_state(root, ref), target) or {"programs": {}}
        written, lines = [], []
        targets = {code: by_code.get(code, (_new_path(root, folder, code), None))
                   for code in wanted}
        exports = {}
        for code, (path, seed) in targets.items():  # refuse before writing anything
            if target.server_version(code) is None:
                raise UsageError(f"no program {code!r} on the instance",
                                 hint="`plansync programs` lists what it holds")
            exports[code] = exported = target.export_program(code)
            if seed is not None and _same_state(seed, exported):
                continue
            if not force and gitrepo.has_local_edits(root, path):
                raise PlansyncError(f"{path} has uncommitted edits; pull would overwrite them",
                                    hint="commit or stash them first, or pass --force")
            if seed is not None and seed.doc.get("version") == 2:
                raise PlansyncError(
                    f"{path} is a version 2 timeline and the instance's state of {code!r} "
                    "differs from its final state; pull writes final states only, which would "
                    "drop the file's events", hint=f"to replace the timeline with the state "
                    f"on purpose: plansync export {code} -o {path}")
        for code, (path, seed) in targets.items():
            exported = exports[code]
            changed, line = _write(root, path, seed, exported)
            lines.append(line)
            if changed:
                written.append(path)
            state["programs"][code] = state_entry(target.server_version(code),
                                                  content_digest(exported), path)
        state.update(instance=target.identity(), commit=gitrepo.head_commit(root))
    click.echo("\n".join(lines) or "nothing to pull")
    if do_commit and written:
        oid = gitrepo.commit_files(root, written, "plansync pull\n\n" + "\n".join(lines) + "\n")
        state["commit"] = oid
        click.echo(f"committed {oid[:10]}")
    gitrepo.write_state(root, ref, state, "plansync pull\n")
    return EXIT_OK


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


def _same_state(seed: Seed, exported: dict[str, Any]) -> bool:
    from plansync.seed.events import final_state

    return canonical_bytes(final_state(seed.doc)) == canonical_bytes(exported)


def _write(root: Path, path: str, seed: Seed | None, exported: dict[str, Any]
           ) -> tuple[bool, str]:
    from plansync.diff import diff_documents, summary
    from plansync.seed import yamlio

    code = exported["program"]["code"]
    if seed is not None and _same_state(seed, exported):
        return False, f"{code}: {escape(path)} is up to date"
    target = root / path
    if seed is not None and seed.kind == "yaml":
        yamlio.merge_into_tree(seed.tree, exported)
        data = yamlio.dump(seed.tree).encode("utf-8")
    else:
        data = canonical_bytes(exported)
    write_atomic(target, data)
    if seed is None:
        return True, f"{code}: wrote {escape(path)} (new file)"
    counts = summary(diff_documents(seed.doc, exported))
    what = "; ".join(f"{kind} " + " ".join(f"{op} {n}" for op, n in ops.items() if n)
                     for kind, ops in counts.items())
    return True, f"{code}: wrote {escape(path)} ({what})"
