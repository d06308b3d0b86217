"""plansync sync [DIR] [--dry-run] [--force] [--prune] [--plan-out F | --plan F]"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from plansync.commands.common import (
    color_option,
    echo_problems,
    limit_options,
    status,
    write_output,
)
from plansync.commands.common_instance import instance_option
from plansync.errors import EXIT_FINDINGS, EXIT_OK, Problem, Refused, UsageError
from plansync.seed.load import Limits

EXIT_PENDING = 2  # --detailed-exitcode: there are (or were) changes


@click.command("sync")
@click.argument("folder", required=False, type=click.Path(exists=True, file_okay=False))
@instance_option
@click.option("--dry-run", is_flag=True, help="Show the plan, field by field; write nothing.")
@click.option("--force", is_flag=True, help="Overwrite the instance with the files where it "
              "changed since the last sync (drift, conflicts, no record of a last sync).")
@click.option("--prune", is_flag=True, help="Delete programs synced before from here whose "
              "seed file is gone (orphans).")
@click.option("--allow-dirty", is_flag=True, help="Sync seed files with uncommitted edits "
              "too (the record then names no commit).")
@click.option("--create-users", is_flag=True, help="Create accounts for unknown emails.")
@click.option("--plan-out", "plan_out", metavar="FILE", help="Write the plan to FILE (JSON) "
              "and change nothing; apply it later with --plan.")
@click.option("--plan", "plan_in", metavar="FILE", type=click.Path(dir_okay=False),
              help="Apply exactly the plan saved in FILE; refused if the files or the "
              "instance moved since it was made.")
@click.option("--detailed-exitcode", is_flag=True, help="Exit 0 when files and instance "
              "were in step, 2 when there are (or were) changes, 1 on an error or refusal.")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]),
              default="text", show_default=True, help="Output format.")
@color_option
@limit_options
def command(folder: str | None, instance: str | None, dry_run: bool, force: bool,
            prune: bool, allow_dirty: bool, create_users: bool, plan_out: str | None,
            plan_in: str | None, detailed_exitcode: bool, fmt: str, limits: Limits) -> int:
    """Bring the instance in step with the repository's seed files, three ways.

    For each program sync compares the file, the instance, and the record of the last sync
    (kept by the instance): changed only in the file, it updates the instance; changed only on
    the instance, it refuses (drift: `plansync pull` takes it); changed on both sides, it
    merges by natural keys and fields (the instance gets the merge, the merged file is written
    back for you to commit), and refuses a conflict with the base / mine / theirs values.
    Every seed file (below FOLDER, default: the whole repository) is validated first, and
    must be committed (or --allow-dirty). Exit 0 when done, 1 when something was refused
    (or, with --dry-run, when anything would change).
    """
    from plansync import gitrepo
    from plansync.instance.address import opened, resolve_address
    from plansync.sync import (
        apply_sync,
        load_seeds,
        plan_file,
        plan_sync,
        stale_reasons,
        write_merged,
    )

    if plan_out and (plan_in or dry_run):
        raise UsageError("--plan-out makes a plan; it goes without --plan and --dry-run")
    root = gitrepo.workdir(folder or ".")
    address = resolve_address(instance, root)
    prefixes = [] if folder is None else [gitrepo.repo_path(folder, root)]
    status("validating the seed files")
    refused: list[Problem] = []
    files = gitrepo.worktree_seed_files(root, prefixes, limits, refused)
    if not files and not refused:
        raise UsageError(f"no seed files in {folder or root}",
                         hint="sync a folder that holds *.seed.json or *.seed.yaml files "
                         "(Git-ignored files are skipped)")
    settled = {} if create_users else _settled(files, address)
    plan = load_seeds({p: d for p, d in files.items() if p not in settled}, limits,
                      settled.values())
    plan.problems[:0] = refused
    if plan.problems:
        echo_problems(plan.problems, list(files), "text")
        click.echo("plansync: nothing was synced (fix the files above first)", err=True)
        return EXIT_FINDINGS
    dirty = gitrepo.uncommitted(root, sorted(files))
    if dirty and not allow_dirty:
        raise Refused(f"uncommitted seed files: {', '.join(dirty)}; a sync records the commit "
                      "its files come from", hint="commit them first, or pass --allow-dirty "
                      "(the record then names no commit)")
    commit = None if dirty else gitrepo.head_commit(root)
    repository, account = gitrepo.identity(root)
    writes = not (dry_run or plan_out)
    with opened(address, create=writes) as target:
        status(f"comparing {len(plan.seeds)} changed program(s) with the instance "
               f"({len(settled)} in step)" if settled else
               f"comparing {len(plan.seeds)} program(s) with the instance")
        plan_sync(plan, target, force=force, prune=prune, prefixes=prefixes,
                  repository=repository, history=gitrepo.History(root), settled=settled)
        saved = plan_file(plan, target.identity(), files, commit)
        if plan_in:
            reasons = stale_reasons(_read_plan(plan_in), saved)
            if reasons:
                raise Refused(f"the saved plan {plan_in} is stale: " + "; ".join(reasons),
                              hint="make a new plan (sync --plan-out) and review it")
        if plan_out:
            write_output(plan_out, (json.dumps(saved, indent=2) + "\n").encode())
        elif writes:
            status("importing the changed programs")
            apply_sync(plan, target, commit=commit, account=account, repository=repository,
                       create_users=create_users)
            write_merged(root, plan, target)
    _echo(plan, fmt, dry_run or bool(plan_out))
    return _exit_code(plan, dry_run or bool(plan_out), detailed_exitcode)


def _settled(files: dict[str, bytes], address: str) -> dict[str, Any]:
    """The files in step with the instance and its last sync record (sync.settled_files): read
    before validating, so that only the files that changed are validated."""
    from plansync.errors import InstanceError
    from plansync.instance.address import opened
    from plansync.sync import settled_files

    try:
        with opened(address) as target:  # none yet: nothing is settled
            return settled_files(files, target)
    except InstanceError:
        return {}  # unreachable: the sync that follows says so


def _read_plan(path: str) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read the plan {path}: {exc}",
                         hint="pass a file written by sync --plan-out") from exc
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        raise UsageError(f"{path} is not a plan written by sync --plan-out")
    return data


def _exit_code(plan: Any, dry_run: bool, detailed: bool) -> int:
    if plan.refused:
        return EXIT_FINDINGS
    if detailed:
        return EXIT_PENDING if plan.changes else EXIT_OK
    return EXIT_FINDINGS if dry_run and plan.changes else EXIT_OK


def _echo(plan: Any, fmt: str, dry_run: bool) -> None:
    from plansync.render.sync import RENDERERS

    click.echo(RENDERERS[fmt](plan, dry_run))
