"""plansync import FILE... [--instance I] [--create-users] [--dry-run]"""

from __future__ import annotations

import click

from plansync.commands.common import color_option, echo_problems, limit_options, status
from plansync.commands.common_instance import instance_option
from plansync.errors import EXIT_FINDINGS, EXIT_OK, Problem
from plansync.render.json_out import dumps
from plansync.render.text import import_report
from plansync.seed.load import Limits, Seed
from plansync.seed.validate import duplicate_programs, find_seed_files, validate_file


def who() -> str:
    """The user's email for the history (Git's user.email where there is a repository)."""
    from plansync import gitrepo

    try:
        return gitrepo.identity(".")[1]
    except gitrepo.GitError:
        import getpass

        return f"{getpass.getuser()}@plansync.invalid"


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@instance_option
@click.option("--create-users", is_flag=True,
              help="Create accounts for member and resource emails that have none.")
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format of the report.")
@color_option
@limit_options
def command(paths: tuple[str, ...], instance: str | None, create_users: bool, dry_run: bool,
            fmt: str, limits: Limits) -> int:
    """Import seed files into an instance, all of them as one all-or-nothing transaction.

    Every file is validated first: if any is invalid, nothing is imported; if any import
    fails, none of the files is. A program with the same code is replaced (the minimal
    change, keyed by natural keys), never duplicated; importing the same file twice changes
    nothing. Without --create-users no account is created: memberships for unknown emails
    are kept as pending and listed.
    """
    from plansync.instance.address import opened, resolve_address

    files = find_seed_files(list(paths))
    seeds: list[Seed] = []
    problems: list[Problem] = []
    for path in files:
        status(f"validating {path}")
        result = validate_file(path, limits)
        problems.extend(result.problems)
        if result.seed is not None and not result.problems:
            seeds.append(result.seed)
    problems.extend(duplicate_programs(seeds))
    if problems:
        echo_problems(problems, files, "json" if fmt == "json" else "text")
        click.echo("plansync: nothing was imported", err=True)
        return EXIT_FINDINGS
    with opened(resolve_address(instance), create=not dry_run) as target:
        status(f"importing {len(seeds)} file(s)")
        reports = target.import_documents([seed.doc for seed in seeds],
                                          create_users=create_users, dry_run=dry_run,
                                          actor=who())
    if fmt == "json":
        click.echo(dumps([r.as_dict() for r in reports]))
    else:
        click.echo("\n".join(import_report(r) for r in reports))
    return EXIT_OK
