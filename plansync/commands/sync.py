"""plansync sync [DIR] [--dry-run] [--force]"""

from __future__ import annotations

from typing import Any

import click

from plansync.commands.common import color_option, echo_problems, limit_options, status
from plansync.commands.common_instance import instance_option
from plansync.errors import EXIT_FINDINGS, EXIT_OK, Problem, UsageError
from plansync.render.json_out import dumps
from plansync.render.safe import escape
from plansync.seed.load import Limits


@click.command("sync")
@click.argument("folder", required=False, type=click.Path(exists=True, file_okay=False))
@instance_option
@click.option("--dry-run", is_flag=True, help="Show the plan (create, update, unchanged, "
              "refused for drift); write nothing.")
@click.option("--force", is_flag=True, help="Overwrite programs that changed on the instance "
              "since the last sync (drift).")
@click.option("--create-users", is_flag=True, help="Create accounts for unknown emails.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@color_option
@limit_options
def command(folder: str | None, instance: str | None, dry_run: bool, force: bool,
            create_users: bool, fmt: str, limits: Limits) -> int:
    """Import the repository's seed files whose content differs from the instance.

    Every seed file (below FOLDER, default: the whole repository) is validated first; an
    invalid one stops the sync before anything is imported. Each program is then created,
    updated or left alone. A program changed on the instance since the last sync (drift) is
    refused, with the semantic diff instance -> file: use --force to overwrite it, or
    `plansync pull` to take the instance's version. What was synced is recorded in the
    repository under refs/plansync/<instance>.
    """
    from plansync import gitrepo
    from plansync.instance.address import opened, resolve_address
    from plansync.sync import (
        apply_sync,
        instance_ref,
        load_seeds,
        new_state,
        plan_sync,
        recorded_state,
    )

    root = gitrepo.workdir(folder or ".")
    prefixes = [] if folder is None else [gitrepo.repo_path(folder, root)]
    status("validating the seed files")
    refused: list[Problem] = []
    files = gitrepo.worktree_seed_files(root, prefixes, limits, refused)
    if not files and not refused:
        raise UsageError(f"no seed files in {folder or root}",
                         hint="sync a folder that holds *.seed.json or *.seed.yaml files "
                         "(Git-ignored files are skipped)")
    plan = load_seeds(files, limits)
    plan.problems[:0] = refused
    if plan.problems:
        echo_problems(plan.problems, list(plan.seeds), "text")
        click.echo("plansync: nothing was synced (fix the files above first)", err=True)
        return EXIT_FINDINGS
    address = resolve_address(instance, root)
    ref = instance_ref(address)
    with opened(address, create=not dry_run) as target:
        state = recorded_state(gitrepo.read_state(root, ref), target)
        status(f"comparing {len(plan.seeds)} program(s) with the instance")
        plan_sync(plan, target, state, force)
        if not dry_run:
            status("importing the changed programs")
            try:
                apply_sync(plan, target, create_users=create_users)
            finally:  # record what did get imported, even if a later import failed
                recorded = new_state(plan, target, gitrepo.head_commit(root), state)
                if recorded != state:
                    gitrepo.write_state(root, ref, recorded, _message(plan))
    _echo(plan, fmt, dry_run)
    return EXIT_FINDINGS if plan.refused else EXIT_OK


def _message(plan: Any) -> str:
    done = [f"{p.program}: {p.action}" for p in plan.programs]
    return "plansync sync\n\n" + "\n".join(done) + "\n"


def _echo(plan: Any, fmt: str, dry_run: bool) -> None:
    from plansync.diff import summary
    from plansync.render.diff import RENDERERS
    from plansync.render.text import accounts_lines

    if fmt == "json":
        click.echo(dumps({"dry_run": dry_run, "programs": [
            {"program": p.program, "path": p.path, "action": p.action,
             "server_version": p.instance_version, "summary": summary(p.changes),
             "pending_memberships": p.pending,
             "created_users": p.report.created_users if p.report else [],
             "changes": [c.as_dict() for c in p.changes]} for p in plan.programs]}))
        return
    verbs = {"create": "created", "update": "updated", "forced": "overwritten (forced)",
             "unchanged": "unchanged", "drift": "REFUSED: changed on the instance since the "
             "last sync"}
    if dry_run:
        verbs.update(create="would create", update="would update",
                     forced="would overwrite (forced)")
    for p in plan.programs:
        version = f", server_version {p.instance_version}" if p.instance_version else ""
        counts = _short(summary(p.changes))
        click.echo(f"{p.program} ({escape(p.path)}): {verbs[p.action]}{version}{counts}")
        for line in accounts_lines(p.report.created_users if p.report else [], p.pending):
            click.echo(line)
        if p.action == "drift":
            click.echo(RENDERERS["text"](p.changes, None, color=False))
            click.echo("  hint: `plansync sync --force` overwrites the instance with the file; "
                       "`plansync pull` takes the instance's version into the file", err=True)


def _short(counts: dict[str, dict[str, int]]) -> str:
    signs = {"add": "+", "remove": "-", "change": "~", "move": ">"}
    parts = []
    for kind, by_op in counts.items():
        text = " ".join(f"{signs[op]}{n}" for op, n in by_op.items() if n)
        if text:
            parts.append(f"{kind} {text}")
    return (": " + "; ".join(parts)) if parts else ""
