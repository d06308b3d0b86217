"""plansync history [REV_RANGE] [-- PATH] [-o FILE]"""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from plansync.commands.common import PathsAfterDashes, limit_options, write_output
from plansync.errors import EXIT_OK, UsageError
from plansync.render.safe import escape
from plansync.seed.load import Limits


@click.command("history", cls=PathsAfterDashes)
@click.argument("revisions", metavar="[REV_RANGE]", required=False, default="HEAD")
@click.option("-o", "--output", metavar="FILE", help="Write here (atomically) instead of "
              "stdout (.seed.yaml/.yml: YAML).")
@limit_options
@click.pass_context
def command(ctx: click.Context, revisions: str, output: str | None, limits: Limits) -> int:
    """A seed file's Git history as a version 2 document: its timeline.

    The program block is the file as its first commit in REV_RANGE (REV, or FROM..TO along
    the first-parent line; default HEAD) left it; each later commit that changed the file adds
    one event per semantic change, dated at the commit's time, by its author's email. Import
    it and the instance's history is the file's Git history. Give the file after `--` when
    the repository holds several seed files; commits where the file was invalid are skipped
    (and said on stderr).
    """
    from plansync import gitrepo
    from plansync.history import timeline_of
    from plansync.instance.store import actor_of
    from plansync.seed.canonical import canonical_bytes
    from plansync.seed.events import final_state
    from plansync.seed.validate import validate_bytes

    root = gitrepo.workdir(".")
    path = _path(ctx.meta.get("plansync.paths", []), root, revisions)
    versions: list[tuple[str, str, dict[str, Any]]] = []
    for commit, time, email, data in gitrepo.file_versions(root, revisions, path):
        result = validate_bytes(path, data, limits)
        if result.seed is None or result.problems:
            click.echo(f"plansync: skipped {commit[:10]}: {escape(path)} is invalid there",
                       err=True)
            continue
        at = dt.datetime.fromtimestamp(time, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        versions.append((at, actor_of(email), final_state(result.seed.doc)))
    if not versions:
        raise UsageError(f"{escape(path)} has no valid version in {escape(revisions)}")
    doc = timeline_of(versions)
    if output and output.endswith((".yaml", ".yml")):
        from plansync.seed import yamlio

        data = yamlio.dump_plain(doc).encode("utf-8")
    else:
        data = canonical_bytes(doc)
    write_output(output, data)
    return EXIT_OK


def _path(paths: list[str], root: Any, revisions: str) -> str:
    from plansync import gitrepo

    if len(paths) > 1:
        raise UsageError("history follows one seed file", hint="give one path after --")
    if paths:
        return gitrepo.repo_path(paths[0], root)
    last = revisions.partition("..")[2] or revisions.partition("..")[0] or "HEAD"
    found = sorted(gitrepo.seed_blobs(root, last, []))
    if len(found) != 1:
        raise UsageError(f"the repository holds {len(found)} seed files at {escape(last)}",
                         hint="name the one to follow: plansync history -- PATH")
    return found[0]
