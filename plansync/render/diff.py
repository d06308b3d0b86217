"""Renderers of a semantic diff and its schedule impact: text, markdown (a pull-request
comment, in plansync/render/comment.py) and JSON.

A diff is rendered as `Section`s, one per seed file (its program's changes, the schedule impact
and the context that names tasks). `RENDERERS` maps a --format name to a function of
(sections, color) and feeds the CLI's choices; `text`, `markdown` and `json_` render one
program's changes directly.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import click

from plansync.diff.changes import Change
from plansync.diff.context import Context
from plansync.diff.impact import changed as impact_changed
from plansync.render.safe import escape

Impact = dict[str, Any]
MAX_VALUE = 60  # characters of a value shown inline in text before it is cut with …
_COLORS = {"add": "green", "remove": "red", "change": "yellow", "move": "cyan"}
_SIGNS = {"add": "+", "remove": "-", "change": "~", "move": ">"}
WARNING_WORDS = {"unschedulable": "cannot be scheduled", "missed-constraint": "missed constraint",
                 "missed-deadline": "missed deadline", "negative-float": "negative float",
                 "other": "warning"}

__all__ = ["RENDERERS", "Section", "change_line", "compact", "impact_changed", "json_",
           "markdown", "text", "where"]


@dataclass(frozen=True)
class Section:
    """One seed file's diff: its path (None for two files given by name), its program, its
    changes, the schedule impact (None when not computed) and the context naming tasks."""

    path: str | None
    program: str
    changes: list[Change]
    impact: Impact | None = None
    context: Context = field(default_factory=Context)


# --- shared wording


def compact(value: Any, limit: int | None = MAX_VALUE) -> str:
    """A value as one line of JSON (non-ASCII kept, control characters escaped); past `limit`
    characters it is cut with … (a cut string keeps its closing quote); absent: "(none)"."""
    if value is None:
        return "(none)"
    text = escape(json.dumps(value, ensure_ascii=False))
    if limit is None or len(text) <= limit:
        return text
    if isinstance(value, str):
        return text[: limit - 2] + "…\""
    return text[: limit - 1] + "…"


def where(change: Change) -> str:
    """The entity as people name it: "lm:1.2", "lm:1.1 -> 1.2", "ana@example.com", "lm"."""
    if change.project is None or change.kind == "project":
        return escape(change.key)
    return escape(f"{change.project}:{change.key}")


def label(entity: Any) -> str:
    """What to show after an added or removed entity: its name or title, a member's role,
    a dependency's type and lag when not the defaults."""
    if not isinstance(entity, dict):
        return ""
    for name in ("name", "title"):
        if isinstance(entity.get(name), str):
            return " " + compact(entity[name])
    if "role" in entity:
        return f" ({escape(entity['role'])})"
    parts = [escape(entity[k]) for k in ("type",) if k in entity]
    parts += [f"lag {entity['lag']}"] if "lag" in entity else []
    return f" ({', '.join(parts)})" if parts else ""


def days_between(old: str, new: str) -> int:
    return (date.fromisoformat(new) - date.fromisoformat(old)).days


def shift(old: str | None, new: str | None) -> str:
    """"2026-04-22 -> 2026-04-28 (+6 days)"; a missing side reads "(none)"."""
    if old is None or new is None:
        return f"{old or '(none)'} -> {new or '(none)'}"
    days = days_between(old, new)
    return f"{old} -> {new} ({days:+d} day{'' if abs(days) == 1 else 's'})"


def number(value: float | None) -> str:
    if value is None:
        return "(none)"
    return f"{value:g}"


def duration_note(change: Change, context: Context) -> str:
    """"effective 7.5 -> 20 days" for a change of a task's duration or estimate whose
    effective duration is not what the field values say."""
    pair = context.durations.get((change.project or "", change.key))
    if pair is None or change.op != "change" or change.field not in (
            "duration", "estimate", "milestone"):
        return ""
    old, new = pair
    if old == new and change.field == "milestone":
        return ""
    if change.field == "duration" and old == change.old and new == change.new:
        return ""
    return f"effective {number(old)} -> {number(new)} days"


def added_task_note(change: Change, context: Context) -> str:
    """"2 days, after 1.3, gs:1 SS +2" for an added task."""
    key = (change.project or "", change.key)
    parts = []
    pair = context.durations.get(key)
    if pair is not None and pair[1] is not None:
        parts.append("milestone" if pair[1] == 0 else
                     f"{number(pair[1])} day{'' if pair[1] == 1 else 's'}")
    predecessors = context.after.get(key)
    if predecessors:
        parts.append("after " + ", ".join(predecessors))
    return ", ".join(parts)


def by_program(changes: list[Change]) -> dict[str, list[Change]]:
    groups: dict[str, list[Change]] = {}
    for c in changes:
        groups.setdefault(c.program, []).append(c)
    return groups


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


# --- text


def change_line(change: Change, context: Context | None = None) -> str:
    """One line: `~ task lm:1.2 "Structure" duration: 3 -> 5`, `+ task lm:1.4 "Write the
    spec" (2 days, after 1.3)`, `- dependency lm:1.1 -> 1.2`, `> task lm:1.3 -> 1.4 (moved)`."""
    context = context or Context()
    what = f"{_SIGNS[change.op]} {change.kind}"
    head = f"{what} {where(change)}"
    if change.op == "add":
        note = added_task_note(change, context) if change.kind == "task" else ""
        return head + label(change.new) + (f" ({escape(note)})" if note else "")
    if change.op == "remove":
        return head + label(change.old)
    if change.op == "change":
        name = context.name(change.project, change.key) if change.kind == "task" else None
        named = f" {compact(name)}" if name and change.field != "name" else ""
        note = duration_note(change, context) if change.kind == "task" else ""
        return (f"{head}{named} {escape(change.field)}: {compact(change.old)} -> "
                f"{compact(change.new)}" + (f" ({note})" if note else ""))
    if change.kind == "task":
        name = context.name(change.project, change.key)
        return f"{what} {moved_from(change)} -> {change.new}" + (
            f" {compact(name)}" if name else "") + " (moved)"
    return f"{what} {moved_from(change)} now {moved_to(change)} (moved)"


def moved_from(change: Change) -> str:
    """Where a moved entity was: "lm:1.3", or "lm:1.1 -> 1.3" for a dependency."""
    old = change.old if change.kind == "task" else f"{change.old[0]} -> {change.old[1]}"
    return escape(f"{change.project}:{old}")


def moved_to(change: Change) -> str:
    """Where a moved entity is now, without its project: "1.4", or "1.1 -> 1.4"."""
    new = str(change.new) if change.kind == "task" else f"{change.new[0]} -> {change.new[1]}"
    return escape(new)


def text(changes: list[Change], impact: Impact | None, *, color: bool = False,
         context: Context | None = None) -> str:
    """A header line per program ("apollo: 3 changes"), a line per change, then the schedule
    impact when it shows anything. Colour (green add, red remove, yellow change, cyan move)
    only with color=True."""
    lines: list[str] = []
    for program, group in by_program(changes).items():
        lines.append(f"{escape(program)}: {plural(len(group), 'change')}")
        for c in group:
            line = "  " + change_line(c, context)
            lines.append(click.style(line, fg=_COLORS[c.op]) if color else line)
    if not changes:
        lines.append("no changes")
    if impact is not None and impact_changed(impact):
        lines += text_impact(impact)
    return "\n".join(lines)


def _task_label(entry: dict[str, Any]) -> str:
    name = entry.get("name")
    return escape(entry["task"]) + (f" {compact(name, None)}" if name else "")


def text_impact(impact: Impact) -> list[str]:
    """The schedule impact as indented lines; every list complete."""
    lines = ["schedule:"]
    old, new = impact["program"]["finish"]
    if old != new:
        lines.append(f"  finish {shift(old, new)}")
    for code, value in impact["projects"].items():
        lines.append(f"  {escape(code)} finish {shift(*value['finish'])}")
    for key, title in (("new", "new warnings"), ("resolved", "resolved warnings")):
        if impact["warnings"][key]:
            lines.append(f"  {title}:")
            lines += [f"    {WARNING_WORDS[w['kind']]}: {escape(w['message'])}"
                      for w in impact["warnings"][key]]
    for key, title in (("joined_critical", "joined the critical path"),
                       ("left_critical", "left the critical path")):
        if impact[key]:
            lines.append(f"  {title}:")
            lines += [f"    {_task_label(e)}" for e in impact[key]]
    if impact["moved"]:
        total = impact.get("moved_total", len(impact["moved"]))
        of = f" ({len(impact['moved'])} of {total:,} leaf tasks that moved)" \
            if total > len(impact["moved"]) else ""
        lines.append(f"  moved most{of}:")
        lines += [f"    {_task_label(m)}: finish {shift(m['old_finish'], m['new_finish'])}"
                  for m in impact["moved"]]
    return lines


def text_sections(sections: list[Section], color: bool) -> str:
    parts = []
    for s in sections:
        body = text(s.changes, s.impact, color=color, context=s.context)
        parts.append(body if s.path is None else f"diff {escape(s.path)}\n{body}")
    return "\n".join(parts)


# --- markdown (the comment: plansync/render/comment.py)


def markdown(changes: list[Change], impact: Impact | None, *, color: bool = False,
             context: Context | None = None) -> str:
    """One program's changes as one pull-request comment (no size limit). `color` is
    ignored."""
    from plansync.render.comment import comments

    program = changes[0].program if changes else ""
    section = Section(None, program, changes, impact, context or Context())
    return comments([section] if changes else [], max_chars=None)[0]


# --- json


def json_(changes: list[Change], impact: Impact | None, *, color: bool = False,
          context: Context | None = None) -> str:
    """{"changes": [Change.as_dict(), ...], "schedule": impact or null}, indented."""
    from plansync.render.json_out import dumps

    return dumps({"changes": [c.as_dict() for c in changes], "schedule": impact})


def json_sections(sections: list[Section]) -> str:
    """{"changes": [...all sections' changes...], "schedule": {program: impact}}."""
    from plansync.render.json_out import dumps

    return dumps({"changes": [c.as_dict() for s in sections for c in s.changes],
                  "schedule": {s.program: s.impact for s in sections
                               if s.impact is not None}})


RENDERERS: dict[str, Callable[[list[Section], bool], str]] = {
    "text": text_sections,
    "json": lambda sections, color: json_sections(sections),
}
