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
    SeedError,
    UsageError,
)
from plansync.fileio import write_atomic
from plansync.seed.canonical import canonical_bytes
from plansync.seed.load import Limits, Seed, read_bounded


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
    from plansync.sync import content_digest, instance_ref, load_seeds, state_entry

    root = gitrepo.workdir(".")
    refused: list[Problem] = []
    plan = load_seeds(gitrepo.worktree_seed_files(root, [], limits, refused), limits)
    if refused:  # a FIFO or device named like a seed file: never read it, never write it
        echo_problems(refused, [p.file for p in refused], "text")
        click.echo("plansync: nothing was pulled (fix the files above first)", err=True)
        return EXIT_FINDINGS
    by_code = {seed.doc["program"]["code"]: (path, seed) for path, seed in plan.seeds.items()}
    address = resolve_address(instance, root)
    ref = instance_ref(address)
    with opened(address) as target:
        wanted = list(programs) or [c for c in by_code if target.server_version(c) is not None]
        state = gitrepo.read_state(root, ref) or {"programs": {}}
        written, lines = [], []
        targets = {code: by_code.get(code, (_new_path(root, folder, code), None))
                   for code in wanted}
        for code, (path, _) in targets.items():  # refuse before writing anything
            if target.server_version(code) is None:
                raise UsageError(f"no program {code!r} on the instance",
                                 hint="`plansync programs` lists what it holds")
            if not force and gitrepo.has_local_edits(root, path):
                raise PlansyncError(f"{path} has uncommitted edits; pull would overwrite them",
                                    hint="commit or stash them first, or pass --force")
        for code, (path, seed) in targets.items():
            exported = target.export_program(code)
            changed, line = _write(root, path, seed, exported)
            lines.append(line)
            if changed:
                written.append(path)
            state["programs"][code] = state_entry(target.server_version(code),
                                                  content_digest(exported), path)
        state.update(instance=address, commit=gitrepo.head_commit(root))
    click.echo("\n".join(lines) or "nothing to pull")
    if do_commit and written:
        oid = gitrepo.commit_files(root, written, "plansync pull\n\n" + "\n".join(lines) + "\n")
        state["commit"] = oid
        click.echo(f"committed {oid[:10]}")
    gitrepo.write_state(root, ref, state, "plansync pull\n")
    return EXIT_OK


def _new_path(root: Path, folder: str | None, code: str) -> str:
    base = Path(folder).resolve() if folder else root
    return (base / f"{code}.seed.json").relative_to(root).as_posix()


def _write(root: Path, path: str, seed: Seed | None, exported: dict[str, Any]
           ) -> tuple[bool, str]:
    from plansync.diff import diff_documents, summary
    from plansync.seed import yamlio

    target = root / path
    if seed is not None and seed.kind == "yaml":
        yamlio.merge_into_tree(seed.tree, exported)
        data = yamlio.dump(seed.tree).encode("utf-8")
    else:
        data = canonical_bytes(exported)
    if _unchanged(target, data):
        return False, f"{exported['program']['code']}: {path} is up to date"
    write_atomic(target, data)
    counts = summary(diff_documents(seed.doc, exported)) if seed is not None else {}
    what = "; ".join(f"{kind} " + " ".join(f"{op} {n}" for op, n in ops.items() if n)
                     for kind, ops in counts.items()) or "new file"
    return True, f"{exported['program']['code']}: wrote {path} ({what})"


def _unchanged(target: Path, data: bytes) -> bool:
    """Whether `target` already holds `data` (a FIFO or device there is refused, not read)."""
    if not target.exists():
        return False
    try:
        return read_bounded(str(target), len(data)) == data
    except SeedError as exc:
        if exc.problems[0].code == "too-large":  # longer than data: it differs
            return False
        raise
