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
    out = []
    for item in plan.programs:
        verb = VERBS[item.action][1 if dry_run else 0]
        out.append(f"### `{escape(item.program)}` ({_code(item.path or '-')}): {verb}\n")
        line = _named(item)
        for title, changes in (("Changed in the files", item.mine),
                               ("Changed on the instance since the last sync", item.theirs)):
            if changes and item.action != "unchanged":
                out.append(f"**{title}**\n")
                out.extend(f"- {_code(line(c))}" for c in changes)
                out.append("")
        if item.conflicts:
            out.append("**Conflicts** (base / mine = the file / theirs = the instance)\n")
            out.extend(f"- {_code(conflict_line(c))}" for c in item.conflicts)
            out.append("")
        if item.action in HINTS:
            out.append(f"_{HINTS[item.action]}_\n")
    return "\n".join(out).rstrip() + "\n"


def _code(text: str) -> str:
    """Inline code that survives any backticks inside it (CommonMark)."""
    longest = 0
    run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


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
