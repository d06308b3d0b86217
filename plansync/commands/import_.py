"""plansync import FILE... [--instance I] [--create-users] [--dry-run]"""

from __future__ import annotations

import os
import stat

import click

from plansync.commands.common import color_option, echo_problems, limit_options, status
from plansync.commands.common_instance import instance_option
from plansync.errors import EXIT_FINDINGS, EXIT_OK, InstanceError, Problem
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
    from plansync.instance.base import StateMoved

    files = find_seed_files(list(paths))
    text = "json" if fmt == "json" else "text"
    address = resolve_address(instance)
    known = {} if create_users else unchanged_files(files, limits, address)
    seeds, problems = _validated([f for f in files if f not in known], limits)
    codes = [code for code, _ in known.values()]
    if len(set(codes)) < len(codes) or set(codes) & {s.doc["program"]["code"] for s in seeds}:
        seeds, problems = _validated(files, limits)  # a program twice: say where
        known = {}
    problems.extend(duplicate_programs(seeds))
    if problems:
        echo_problems(problems, files, text)
        click.echo("plansync: nothing was imported", err=True)
        return EXIT_FINDINGS
    made = [s.path for s in seeds] + list(known)
    docs = [seed.doc for seed in seeds]
    del seeds  # their texts (as big as the files) are not needed any more
    with opened(address, create=not dry_run) as target:
        status(f"importing {len(files)} file(s)")
        reports = target.import_documents(docs, create_users=create_users, dry_run=dry_run,
                                          actor=who()) if docs or not known else []
        if known:
            try:
                reports += target.confirm_unchanged(list(known.values()), dry_run=dry_run)
            except StateMoved:  # changed since we looked: import those files in full
                more, problems = _validated(list(known), limits)
                if problems:
                    echo_problems(problems, files, text)
                    click.echo("plansync: the other files were imported", err=True)
                    return EXIT_FINDINGS
                reports += target.import_documents([s.doc for s in more], dry_run=dry_run,
                                                   actor=who())
    order = {path: i for i, path in enumerate(files)}  # reports in the order of the files
    if len(made) == len(reports):
        reports = [r for _, r in sorted(zip(made, reports, strict=True),
                                        key=lambda pair: order.get(pair[0], 0))]
    if fmt == "json":
        click.echo(dumps([r.as_dict() for r in reports]))
    else:
        click.echo("\n".join(import_report(r) for r in reports))
    return EXIT_OK


def unchanged_files(files: list[str], limits: Limits, address: str
                    ) -> dict[str, tuple[str, str]]:
    """Path -> (program code, hash) of the JSON files whose bytes are exactly a program's
    current state on `target` (the canonical bytes of what it holds): importing them changes
    nothing, so they are neither parsed nor validated again (they were valid when imported)."""
    import hashlib

    digests: dict[str, str] = {}
    for path in files:
        if not path.endswith(".json"):
            continue
        try:
            info = os.stat(path)
            if not stat.S_ISREG(info.st_mode) or info.st_size > limits.max_bytes:
                continue  # the validation says what is wrong with it
            with open(path, "rb") as handle:
                data = handle.read(limits.max_bytes + 1)
            if len(data) <= limits.max_bytes:
                digests[path] = hashlib.sha256(data).hexdigest()
        except OSError:
            continue  # the validation reports it
    if not digests:
        return {}
    from plansync.instance.address import opened

    try:
        with opened(address) as target:  # an instance not made yet holds no program
            found = target.programs_by_digest(digests.values())
    except InstanceError:
        return {}  # unreachable: the import that follows says so
    return {path: (found[d], d) for path, d in digests.items() if d in found}


def _validated(files: list[str], limits: Limits) -> tuple[list[Seed], list[Problem]]:
    seeds: list[Seed] = []
    problems: list[Problem] = []
    for path in files:
        status(f"validating {path}")
        result = validate_file(path, limits)
        problems.extend(result.problems)
        if result.seed is not None and not result.problems:
            seeds.append(result.seed)
    return seeds, problems
