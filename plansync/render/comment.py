"""The pull-request comment: a diff as GitHub renders markdown (CommonMark and tables).

One summary line ("3 added, 2 removed, 5 changed, 4 moved in 2 programs"), then per program:
the schedule impact when it matters (new and resolved warnings, finish dates, critical path
joins and leaves, the leaf tasks that moved most, a Mermaid gantt of the critical path and of
the tasks that moved, before and after), then one table of every change with explicit words
and emoji, task names beside keys and full old and new values (long ones folded in
<details>). Lists and tables longer than ten lines fold into <details>; nothing is ever
dropped. An empty diff is one line: "No plan changes".

GitHub refuses comments over 65,536 characters: `comments(sections, max_chars)` cuts the
comment into numbered comments at section boundaries (a long table between rows, its header
repeated). Every comment starts with a hidden marker, `<!-- plansync-diff:N -->`, by which a
bot finds its comments again.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from plansync.diff.changes import OPS, Change
from plansync.diff.context import Context
from plansync.render.diff import (
    WARNING_WORDS,
    Section,
    added_task_note,
    days_between,
    duration_note,
    impact_changed,
    label,
    plural,
)
from plansync.render.markdown import FOLD, cell, md_code, md_text, value_cell
from plansync.render.mermaid import diff_gantt

GITHUB_LIMIT = 65_536  # characters of one GitHub comment
MARKER = "<!-- plansync-diff:{n} -->"
MIN_CHARS = 2_000  # the smallest --max-comment-chars that still holds a row and its header
OP_WORDS = {"add": "➕ added", "remove": "➖ removed", "change": "✏️ changed", "move": "🔀 moved"}
OP_VERBS = {"add": "added", "remove": "removed", "change": "changed", "move": "moved"}
WARNING_ICONS = {"unschedulable": "⛔", "missed-constraint": "🔴", "missed-deadline": "🔴",
                 "negative-float": "🟠", "other": "⚠️"}
CHANGE_HEADER = ("| change | kind | key | name | field | before | after |\n"
                 "| --- | --- | --- | --- | --- | --- | --- |")


# --- blocks: what the splitter moves as a whole, or cuts between rows


@dataclass
class Block:
    """Markdown that stays in one comment (`text`), or a table that may be cut between rows:
    `head` (the title, the opening of its <details> and the header rows), `rows`, `tail`.
    `title` is what a continued table's summary says; `keep_with_next` keeps a heading with
    what follows it."""

    text: str = ""
    rows: list[str] = field(default_factory=list)
    head: str = ""
    tail: str = ""
    title: str = ""
    columns: int = 0
    keep_with_next: bool = False

    def render(self) -> str:
        if not self.rows:
            return self.text
        return self.head + "\n".join(self.rows) + self.tail


def _table(title: str, header: str, rows: list[str]) -> Block:
    """A table block: folded in <details> past FOLD rows."""
    columns = header.split("\n", 1)[0].count("|") - 1
    if len(rows) > FOLD:
        return Block(rows=rows, head=f"<details><summary>{html.escape(title, quote=False)}"
                     f"</summary>\n\n{header}\n", tail="\n\n</details>", title=title,
                     columns=columns)
    return Block(rows=rows, head=f"**{md_text(title)}**\n\n{header}\n", title=title,
                 columns=columns)


# --- the comment


def summary_line(sections: list[Section]) -> str:
    """"3 added, 2 removed, 5 changed, 4 moved in 2 programs" (entities; several field
    changes of one entity count once)."""
    counts = dict.fromkeys(OPS, 0)
    for s in sections:
        seen: set[tuple[str, str | None, str]] = set()
        for c in s.changes:
            if c.op == "change":
                if (c.kind, c.project, c.key) in seen:
                    continue
                seen.add((c.kind, c.project, c.key))
            counts[c.op] += 1
    programs = {s.program for s in sections}
    parts = [f"{n:,} {OP_VERBS[op]}" for op, n in counts.items() if n]
    where = f" in {plural(len(programs), 'program')}"
    return ", ".join(parts) + where


def blocks(sections: list[Section]) -> list[Block]:
    """The comment as blocks, in order."""
    sections = [s for s in sections if s.changes]
    if not sections:
        return [Block("**No plan changes**")]
    out = [Block(f"## Plan changes: {summary_line(sections)}")]
    for s in sections:
        where = f" · {md_code(s.path)}" if s.path else ""
        out.append(Block(f"### Program {md_code(s.program)}{where}", keep_with_next=True))
        out += _impact_blocks(s)
        out.append(_changes_block(s))
    return out


def _impact_blocks(s: Section) -> list[Block]:
    impact = s.impact
    if impact is None:
        return []
    if not impact_changed(impact):
        return [Block("Schedule: no change to finish dates, the critical path or warnings.")]
    out = [Block("#### Schedule impact", keep_with_next=True)]
    for key, title in (("new", "New warnings"), ("resolved", "Resolved warnings")):
        found = impact["warnings"][key]
        if found:
            rows = [f"| {WARNING_ICONS[w['kind']]} {WARNING_WORDS[w['kind']]} | "
                    f"{cell(md_code(w['task'])) if w['task'] else ''} | "
                    f"{cell(md_text(w['name'] or ''))} | {cell(md_text(w['message']))} |"
                    for w in found]
            out.append(_table(f"{title} ({len(found):,})",
                              "| warning | task | name | message |\n| --- | --- | --- | --- |",
                              rows))
    out.append(_finish_table(impact))
    for key, title in (("joined_critical", "Joined the critical path"),
                       ("left_critical", "Left the critical path")):
        found = impact[key]
        if found:
            rows = [f"| {cell(md_code(e['task']))} | {cell(md_text(e['name']))} |"
                    for e in found]
            out.append(_table(f"{title} ({len(found):,})", "| task | name |\n| --- | --- |",
                              rows))
    if impact["moved"]:
        total = impact.get("moved_total", len(impact["moved"]))
        title = (f"Moved most ({len(impact['moved'])} of {total:,} leaf tasks that moved)"
                 if total > len(impact["moved"]) else f"Moved ({total:,} leaf tasks)")
        rows = [f"| {cell(md_code(m['task']))} | {cell(md_text(m['name']))} | "
                f"{m['old_start']} → {m['new_start']} | {m['old_finish']} → {m['new_finish']} "
                f"| {m['days']:+d} |" for m in impact["moved"]]
        out.append(_table(title, "| task | name | start | finish | days |\n"
                                 "| --- | --- | --- | --- | ---: |", rows))
    if impact.get("gantt"):
        out.append(Block("**Critical path and moved tasks, before and after**\n\n"
                         + diff_gantt(impact["gantt"], f"{s.program}: before and after")))
    return out


def _finish_table(impact: dict[str, Any]) -> Block:
    rows = []
    finishes = [("program", impact["program"]["finish"])]
    finishes += [(f"project {md_code(code)}", value["finish"])
                 for code, value in impact["projects"].items()]
    for name, (old, new) in finishes:
        if old is None or new is None:
            shift = "added" if old is None else "removed"
        else:
            days = days_between(old, new)
            shift = f"{days:+d} days" if days else "unchanged"
        rows.append(f"| {cell(name)} | {old or '—'} | {new or '—'} | {shift} |")
    return _table("Finish", "| finish | before | after | shift |\n| --- | --- | --- | ---: |",
                  rows)


def _changes_block(s: Section) -> Block:
    rows = [change_row(c, s.context) for c in s.changes]
    return _table(f"{plural(len(rows), 'change')} in {s.program}", CHANGE_HEADER, rows)


def change_row(change: Change, context: Context | None = None) -> str:
    """One row of the changes table: | change | kind | key | name | field | before | after |."""
    context = context or Context()
    op = OP_WORDS[change.op]
    name = ""
    if change.kind == "task":
        name = context.name(change.project, change.key) or ""
    elif isinstance(change.new or change.old, dict):
        entity = change.new if change.op == "add" else change.old
        name = label(entity).strip().strip('"') if "name" in entity or "title" in entity else ""
    key = _key(change)
    before = after = ""
    fld = md_text(change.field) if change.field else ""
    if change.op == "add":
        after = _entity_cell(change, change.new, context)
    elif change.op == "remove":
        before = _entity_cell(change, change.old, context)
    elif change.op == "change":
        before, after = value_cell(change.old), value_cell(change.new)
        note = duration_note(change, context) if change.kind == "task" else ""
        if note:
            after += f" ({md_text(note)})"
    elif change.kind == "task":
        before, after = value_cell(change.old), value_cell(change.new)
    else:
        before = value_cell(" -> ".join(change.old))
        after = value_cell(" -> ".join(change.new))
    cells = [op, cell(md_text(change.kind)), cell(key), cell(md_text(name)), cell(fld), before,
             after]
    return "| " + " | ".join(cells) + " |"


def _key(change: Change) -> str:
    if change.project is None or change.kind == "project":
        return md_code(change.key)
    return md_code(f"{change.project}:{change.key}")


_HIDDEN = frozenset({"wbs", "name", "title", "code", "email", "from", "to"})


def _entity_cell(change: Change, entity: Any, context: Context) -> str:
    """An added or removed entity: for a task its duration and predecessors first, then
    every other field as JSON (folded when long)."""
    parts = []
    if change.kind == "task" and change.op == "add":
        note = added_task_note(change, context)
        if note:
            parts.append(cell(md_text(note)))
    if change.kind == "dependency" and isinstance(entity, dict):
        lag = entity.get("lag", 0)
        parts.append(md_code(f"{entity.get('type', 'FS')}" + (f" {lag:+g}" if lag else "")))
        return cell("; ".join(parts))
    if isinstance(entity, dict):
        rest = {k: v for k, v in entity.items() if k not in _HIDDEN}
        if change.kind == "task" and change.op == "add":
            rest.pop("duration", None)
        if rest:
            parts.append(value_cell(rest))
    return "; ".join(parts)


# --- splitting


def comments(sections: list[Section], max_chars: int | None = GITHUB_LIMIT) -> list[str]:
    """The comment for `sections`, cut into as many comments as needed to keep each within
    `max_chars` characters (None: one comment, whatever its size). Each comment starts with
    its hidden marker; from the second on, with a line saying which part it is."""
    parts = split(blocks(sections), max_chars)
    total = len(parts)
    out = []
    for n, part in enumerate(parts, 1):
        head = MARKER.format(n=n)
        if total > 1:
            head += f"\n_Plan changes, comment {n} of {total}_"
        out.append(head + "\n\n" + "\n\n".join(part) + "\n")
    return out


_RESERVE = 120  # the marker and the "comment N of M" line


def split(items: list[Block], max_chars: int | None) -> list[list[str]]:
    """Blocks packed into parts of at most max_chars characters (with the marker line), a
    table cut between rows where it does not fit (its header repeated, its summary saying
    "continued"), a heading kept with what follows it."""
    if max_chars is None:
        return [[b.render() for b in items]]
    if max_chars < MIN_CHARS:
        raise ValueError(f"max_chars must be at least {MIN_CHARS}")
    budget = max_chars - _RESERVE
    parts: list[list[str]] = [[]]
    sizes = [0]
    pending: list[str] = []  # headings waiting for what follows them

    def put(text: str) -> None:
        cost = len(text) + 2
        if sizes[-1] + cost + sum(len(p) + 2 for p in pending) > budget and parts[-1]:
            parts.append([])
            sizes.append(0)
        for p in pending:
            parts[-1].append(p)
            sizes[-1] += len(p) + 2
        pending.clear()
        parts[-1].append(text)
        sizes[-1] += cost

    for block in items:
        if block.keep_with_next:
            pending.append(block.render())
            continue
        text = block.render()
        room = budget - sizes[-1] - sum(len(p) + 2 for p in pending) - 2
        if len(text) <= room or (not block.rows and len(text) <= budget):
            put(text)
            continue
        if not block.rows:
            put(text[: budget - 200] + "\n\n_(cut: too long for one comment)_")
            continue
        for chunk in _chunks(block, budget, room):
            put(chunk)
    for p in pending:
        put(p)
    return [p for p in parts if p]


def _chunks(block: Block, budget: int, room: int) -> list[str]:
    """A table cut into pieces: the first fits `room`, the others a whole comment."""
    out: list[str] = []
    rows = [_fit(r, block, budget) for r in block.rows]
    start = 0
    first = True
    while start < len(rows):
        head = block.head if first else _continued(block)
        tail = block.tail if first else "\n\n</details>"
        space = (room if first else budget) - len(head) - len(tail) - 4
        end, size = start, 0
        while end < len(rows) and size + len(rows[end]) + 1 <= space:
            size += len(rows[end]) + 1
            end += 1
        if end == start:
            if first and room < budget:  # nothing fits here: start on a new comment
                first = False
                out.append("")
                continue
            end = start + 1
        out.append(head + "\n".join(rows[start:end]) + tail)
        start, first = end, False
    return [c for c in out if c]


def _continued(block: Block) -> str:
    title = html.escape(f"{block.title} (continued)", quote=False)
    header = block.head.split("\n\n", 1)[1] if "\n\n" in block.head else block.head
    return f"<details><summary>{title}</summary>\n\n{header}"


def _fit(row: str, block: Block, budget: int) -> str:
    """A row too long for any comment is replaced by a note that says so."""
    if len(row) + len(block.head) + len(block.tail) + 300 <= budget:
        return row
    note = (f"this row is {len(row):,} characters, too long for a comment: run "
            "`plansync diff` to see it")
    cells = [c.strip() for c in re.split(r"(?<!\\)\|", row.strip())[1:-1]]
    keep = [c for c in cells[:min(3, block.columns - 1)]]
    if sum(len(c) for c in keep) > 500:
        keep = []
    cells = [*keep, note] + [""] * max(block.columns - len(keep) - 1, 0)
    return "| " + " | ".join(cells) + " |"
