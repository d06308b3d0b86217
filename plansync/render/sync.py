"""What a sync did or would do, per program: text, markdown and JSON.

Each program's changes come in two lists kept apart: "changed in the files" (base -> the
seed file) and "changed on the instance since the last sync" (base -> the instance), with task
names beside their keys and old -> new values; a conflict shows base / mine / theirs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from plansync.render.diff import change_line, compact, where
from plansync.render.safe import escape
from plansync.render.text import accounts_lines

VERBS = {
    "create": ("created", "would create"),
    "update": ("updated", "would update"),
    "merge": ("merged: the instance has both sides, the merged file was written back (commit "
              "it)", "would merge (the instance gets both sides, the file the merge)"),
    "forced": ("overwritten with the file (forced)", "would overwrite with the file (forced)"),
    "unchanged": ("unchanged", "unchanged"),
    "prune": ("deleted from the instance (pruned: its seed file is gone)",
              "would delete from the instance (pruned: its seed file is gone)"),
    "orphan": ("orphaned on the instance: its seed file is gone (--prune deletes it)",) * 2,
    "drift": ("REFUSED: changed on the instance since the last sync, not in the files",) * 2,
    "diverged": ("REFUSED: differs from the instance, and there is no record of a last sync to "
                 "tell whose change it is",) * 2,
    "conflict": ("REFUSED: changed both in the files and on the instance, in conflicting "
                 "ways",) * 2,
    "moved": ("REFUSED: changed on the instance while this sync ran; nothing was written",) * 2,
}
HINTS = {
    "drift": "`plansync pull` takes the instance's version into the file; `plansync sync "
             "--force` overwrites the instance with the file",
    "diverged": "`plansync pull --force` takes the instance's version; `plansync sync --force` "
                "overwrites the instance with the file",
    "conflict": "decide each conflict above in the file (or on the instance), then sync again; "
                "`--force` overwrites the instance with the file",
    "moved": "run the sync again: it will compare with the instance's new version",
}


def _named(item: Any) -> Callable[[Any], str]:
    """change -> its line, with the task's name beside its key for field changes."""
    def line(change: Any) -> str:
        text = change_line(change)
        name = item.names.get((change.project, change.key)) if change.kind == "task" else None
        if change.op == "change" and name:
            head = f"{change.kind} {where(change)}"
            text = text.replace(head, f"{head} {compact(name)}", 1)
        return text

    return line


def text(plan: Any, dry_run: bool) -> str:
    out = []
    for item in plan.programs:
        verb = VERBS[item.action][1 if dry_run else 0]
        version = f", server_version {item.instance_version}" if item.instance_version else ""
        out.append(f"{item.program} ({escape(item.path or '-')}): {verb}{version}")
        line = _named(item)
        for title, changes in (("changed in the files", item.mine),
                               ("changed on the instance since the last sync", item.theirs)):
            if changes and item.action != "unchanged":
                out.append(f"  {title}:")
                out.extend(f"    {line(c)}" for c in changes)
        if item.conflicts:
            out.append("  conflicts (base / mine = the file / theirs = the instance):")
            out.extend(f"    {conflict_line(c)}" for c in item.conflicts)
        out.extend(accounts_lines(item.report.created_users if item.report else [],
                                  item.pending))
        if item.action in HINTS:
            out.append(f"  hint: {HINTS[item.action]}")
    return "\n".join(out)


def conflict_line(conflict: Any) -> str:
    what = f"{conflict.kind} {_where(conflict)}"
    if conflict.field is None:
        return f"{what}: {escape(conflict.reason)}"
    return (f"{what} {escape(conflict.field)}: base {compact(conflict.base)}, mine "
            f"{compact(conflict.mine)}, theirs {compact(conflict.theirs)}")


def _where(conflict: Any) -> str:
    if conflict.project is None or conflict.kind == "project":
        return escape(conflict.key)
    return escape(f"{conflict.project}:{conflict.key}")


def markdown(plan: Any, dry_run: bool) -> str:
    """A job summary (or a pull-request comment of a dry run) as GitHub renders it: one line
    of counts, then per program its outcome, tables of what changed in the files and on the
    instance (words and emoji, task names, full values; folded past ten rows) and, for a
    conflict, the three-way view: base / mine (the file) / theirs (the instance)."""
    from plansync.diff.context import Context
    from plansync.render.comment import CHANGE_HEADER, change_row
    from plansync.render.markdown import cell, md_code, md_text, value_cell

    counts: dict[str, int] = {}
    for item in plan.programs:
        counts[item.action] = counts.get(item.action, 0) + 1
    words = {"create": "created", "update": "updated", "merge": "merged", "forced": "forced",
             "unchanged": "unchanged", "prune": "pruned", "orphan": "orphaned"}
    parts = [f"{n} {words.get(action, 'refused')}" for action, n in counts.items()]
    refused = sum(n for action, n in counts.items() if action in HINTS)
    head = ("Dry run: " if dry_run else "") + (", ".join(parts) or "no programs")
    out = [f"**{'⛔ ' if refused else '✅ '}{md_text(head)}**\n"]
    for item in plan.programs:
        verb = VERBS[item.action][1 if dry_run else 0]
        out.append(f"### {md_code(item.program)} ({md_code(item.path or '-')}): "
                   f"{md_text(verb)}\n")
        context = Context(names={(p or "", k): v for (p, k), v in item.names.items()})
        for title, changes in (("Changed in the files", item.mine),
                               ("Changed on the instance since the last sync", item.theirs)):
            if changes and item.action != "unchanged":
                rows = "\n".join(change_row(c, context) for c in changes)
                out.append(_folded(f"{title} ({len(changes)})", f"{CHANGE_HEADER}\n{rows}",
                                   len(changes)))
        if item.conflicts:
            rows = "\n".join(
                f"| {cell(md_text(c.kind))} | {cell(md_code(_where(c)))} | "
                f"{cell(md_text(c.field or '(whole entity)'))} | {value_cell(c.base)} | "
                f"{value_cell(c.mine)} | {value_cell(c.theirs)} | {cell(md_text(c.reason))} |"
                for c in item.conflicts)
            header = ("| kind | key | field | base | mine (the file) | theirs (the instance) | "
                      "why |\n| --- | --- | --- | --- | --- | --- | --- |")
            out.append(_folded(f"Conflicts ({len(item.conflicts)})", f"{header}\n{rows}",
                               len(item.conflicts)))
        if item.pending:
            out.append("Pending memberships (no account yet): "
                       + ", ".join(md_code(str(p)) for p in item.pending) + "\n")
        if item.action in HINTS:
            out.append(f"_{md_text(HINTS[item.action])}_\n")
    return "\n".join(out).rstrip() + "\n"


def _folded(title: str, body: str, rows: int) -> str:
    from plansync.render.markdown import md_text

    if rows > 10:
        return f"<details><summary>{title}</summary>\n\n{body}\n\n</details>\n"
    return f"**{md_text(title)}**\n\n{body}\n"


def as_json(plan: Any, dry_run: bool) -> str:
    from plansync.render.json_out import dumps

    return dumps({"dry_run": dry_run, "programs": [{
        "program": item.program, "path": item.path, "action": item.action,
        "server_version": item.instance_version,
        "changed_in_files": [c.as_dict() for c in item.mine],
        "changed_on_instance": [c.as_dict() for c in item.theirs],
        "conflicts": [asdict(c) for c in item.conflicts],
        "pending_memberships": item.pending,
        "created_users": item.report.created_users if item.report else [],
    } for item in plan.programs]})


RENDERERS: dict[str, Callable[[Any, bool], str]] = {
    "text": text, "markdown": markdown, "json": as_json}
