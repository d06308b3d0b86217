"""Renderers of a semantic diff and its schedule impact: text, markdown (a pull-request
comment) and JSON. Each takes (changes, impact, *, color) and returns the output as a str.

`RENDERERS` maps a --format name to its function and also feeds the CLI's choices.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from typing import Any, Protocol

import click

from plansync.diff import KINDS, Change, summary
from plansync.render.safe import escape

Impact = dict[str, Any]
MAX_VALUE = 60  # characters of a value shown inline before it is cut with …
MAX_LIST = 20  # task keys listed inline (critical path changes) before "and N more"
FOLD = 10  # markdown groups longer than this fold into <details>
_COLORS = {"add": "green", "remove": "red", "change": "yellow", "move": "cyan"}
_SIGNS = {"add": "+", "remove": "-", "change": "~", "move": ">"}


class DiffRenderer(Protocol):
    def __call__(self, changes: list[Change], impact: Impact | None, *, color: bool) -> str: ...


# --- shared wording


def compact(value: Any, limit: int = MAX_VALUE) -> str:
    """A value as one line of JSON (non-ASCII kept, control characters escaped), cut with …
    past `limit` characters; an absent value is "(none)"."""
    if value is None:
        return "(none)"
    text = escape(json.dumps(value, ensure_ascii=False))
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
        return f" ({entity['role']})"
    parts = [str(entity[k]) for k in ("type",) if k in entity]
    parts += [f"lag {entity['lag']}"] if "lag" in entity else []
    return f" ({', '.join(parts)})" if parts else ""


def shift(old: str | None, new: str | None) -> str:
    """"2026-04-22 -> 2026-04-28 (+6 days)"; a missing side reads "(none)"."""
    if old is None or new is None:
        return f"{old or '(none)'} -> {new or '(none)'}"
    days = (date.fromisoformat(new) - date.fromisoformat(old)).days
    return f"{old} -> {new} ({days:+d} day{'' if abs(days) == 1 else 's'})"


def impact_changed(impact: Impact | None) -> bool:
    """Whether the schedule impact has anything to show."""
    if impact is None:
        return False
    old, new = impact["program"]["finish"]
    return old != new or any(impact[k] for k in ("projects", "joined_critical",
                                                 "left_critical", "moved"))


def _by_program(changes: list[Change]) -> dict[str, list[Change]]:
    groups: dict[str, list[Change]] = {}
    for c in changes:
        groups.setdefault(c.program, []).append(c)
    return groups


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _listed(keys: list[str], limit: int = MAX_LIST, quote: Callable[[str], str] = str) -> str:
    shown = ", ".join(quote(k) for k in keys[:limit])
    return shown + (f" and {len(keys) - limit} more" if len(keys) > limit else "")


# --- text


def change_line(change: Change) -> str:
    """One line: `~ task lm:1.2 duration: 3 -> 5`, `+ task lm:1.4 "Write the spec"`,
    `- dependency lm:1.1 -> 1.2`, `> task lm:1.3 -> 1.4 (moved)`."""
    what = f"{_SIGNS[change.op]} {change.kind}"
    head = f"{what} {where(change)}"
    if change.op == "add":
        return head + label(change.new)
    if change.op == "remove":
        return head + label(change.old)
    if change.op == "change":
        return (f"{head} {escape(change.field)}: {compact(change.old)} -> "
                f"{compact(change.new)}")
    if change.kind == "task":
        return f"{what} {moved_from(change)} -> {change.new} (moved)"
    return f"{what} {moved_from(change)} now {moved_to(change)} (moved)"


def moved_from(change: Change) -> str:
    """Where a moved entity was: "lm:1.3", or "lm:1.1 -> 1.3" for a dependency."""
    old = change.old if change.kind == "task" else f"{change.old[0]} -> {change.old[1]}"
    return escape(f"{change.project}:{old}")


def moved_to(change: Change) -> str:
    """Where a moved entity is now, without its project: "1.4", or "1.1 -> 1.4"."""
    new = str(change.new) if change.kind == "task" else f"{change.new[0]} -> {change.new[1]}"
    return escape(new)


def text(changes: list[Change], impact: Impact | None, *, color: bool = False) -> str:
    """A header line per program ("apollo: 3 changes"), a line per change, then the schedule
    impact when it shows anything. Colour (green add, red remove, yellow change, cyan move)
    only with color=True."""
    lines: list[str] = []
    for program, group in _by_program(changes).items():
        lines.append(f"{escape(program)}: {_plural(len(group), 'change')}")
        for c in group:
            line = "  " + change_line(c)
            lines.append(click.style(line, fg=_COLORS[c.op]) if color else line)
    if not changes:
        lines.append("no changes")
    if impact is not None and impact_changed(impact):
        lines += _text_impact(impact)
    return "\n".join(lines)


def _text_impact(impact: Impact) -> list[str]:
    lines = ["schedule:"]
    old, new = impact["program"]["finish"]
    lines.append(f"  finish {shift(old, new)}")
    for code, value in impact["projects"].items():
        lines.append(f"  {escape(code)} finish {shift(*value['finish'])}")
    if impact["joined_critical"]:
        lines.append("  joined the critical path: " + _listed(impact["joined_critical"],
                                                              quote=escape))
    if impact["left_critical"]:
        lines.append("  left the critical path: " + _listed(impact["left_critical"],
                                                            quote=escape))
    if impact["moved"]:
        lines.append("  moved most:")
        lines += [f"    {escape(m['task'])} {compact(m['name'])}: finish "
                  f"{shift(m['old_finish'], m['new_finish'])}" for m in impact["moved"]]
    return lines


# --- markdown


def md_text(value: str) -> str:
    """Plain text safe in markdown: control characters escaped, specials backslash-escaped
    (in a table, add cell())."""
    value = escape(value.replace("\n", " "))
    return re.sub(r"([\\`*_{}\[\]<>()#+!~&])", r"\\\1", value)


def md_code(value: str) -> str:
    """An inline code span holding `value` exactly (control characters escaped), whatever
    backticks it contains."""
    value = escape(value.replace("\n", " "))
    fence = "`" * (max((len(run) for run in re.findall(r"`+", value)), default=0) + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def cell(value: str) -> str:
    """A table cell: `|` escaped (code spans included, as GitHub tables require)."""
    return value.replace("|", "\\|")


def _md_line(change: Change) -> str:
    sign = _SIGNS[change.op]
    if change.op in ("add", "remove"):
        entity = change.new if change.op == "add" else change.old
        extra = label(entity).strip()
        return f"- {sign} {md_code(where(change))}" + (f" {md_code(extra)}" if extra else "")
    if change.op == "change":
        return (f"- {sign} {md_code(where(change))} {md_text(str(change.field))}: "
                f"{md_code(compact(change.old))} → {md_code(compact(change.new))}")
    return f"- {sign} {md_code(moved_from(change))} → {md_code(moved_to(change))} (moved)"


def markdown(changes: list[Change], impact: Impact | None, *, color: bool = False) -> str:
    """A pull-request comment: heading, summary table, schedule impact, then the changes by
    kind (a kind with more than 10 changes folds into <details>). `color` is ignored."""
    programs = list(_by_program(changes))
    title = ", ".join(md_code(p) for p in programs)
    parts = [f"### plansync diff{': ' + title if title else ''}"]
    if not changes:
        parts.append("No changes.")
    else:
        parts.append(_md_summary(changes))
    if impact is not None and impact_changed(impact):
        parts += _md_impact(impact)
    if changes:
        parts += _md_details(changes)
    return "\n\n".join(parts) + "\n"


def _md_summary(changes: list[Change]) -> str:
    rows = ["| kind | added | removed | changed | moved |", "| --- | ---: | ---: | ---: | ---: |"]
    rows += [f"| {kind} | {n['add']} | {n['remove']} | {n['change']} | {n['move']} |"
             for kind, n in summary(changes).items()]
    return "\n".join(rows)


def _md_impact(impact: Impact) -> list[str]:
    rows = ["| finish | before | after | shift |", "| --- | --- | --- | ---: |"]
    finishes = [("program", impact["program"]["finish"])]
    finishes += [(f"project {md_code(code)}", value["finish"])
                 for code, value in impact["projects"].items()]
    for name, (old, new) in finishes:
        rows.append(f"| {cell(name)} | {old or '—'} | {new or '—'} | {_days(old, new)} |")
    parts = ["#### Schedule impact", "\n".join(rows)]
    for key, title in (("joined_critical", "Joined the critical path"),
                       ("left_critical", "Left the critical path")):
        if impact[key]:
            parts.append(f"**{title}:** " + _listed(impact[key], quote=md_code))
    if impact["moved"]:
        parts.append(_md_moved(impact["moved"]))
    return parts


def _days(old: str | None, new: str | None) -> str:
    if old is None or new is None:
        return "added" if old is None else "removed"
    days = (date.fromisoformat(new) - date.fromisoformat(old)).days
    return f"{days:+d} d" if days else "0"


def _md_moved(moved: list[dict[str, Any]]) -> str:
    rows = ["Tasks whose dates moved most:", "",
            "| task | name | start | finish | days |", "| --- | --- | --- | --- | ---: |"]
    for m in moved:
        rows.append(f"| {cell(md_code(m['task']))} | {cell(md_text(m['name']))} | "
                    f"{m['old_start']} → {m['new_start']} | {m['old_finish']} → "
                    f"{m['new_finish']} | {m['days']:+d} |")
    return "\n".join(rows)


def _md_details(changes: list[Change]) -> list[str]:
    parts = ["#### Changes"]
    for kind in KINDS:
        lines = [_md_line(c) for c in changes if c.kind == kind]
        if not lines:
            continue
        body = "\n".join(lines)
        heading = _plural(len(lines), f"{kind} change")
        if len(lines) > FOLD:
            parts.append(f"<details><summary>{heading}</summary>\n\n{body}\n\n</details>")
        else:
            parts.append(f"**{heading}**\n\n{body}")
    return parts


# --- json


def json_(changes: list[Change], impact: Impact | None, *, color: bool = False) -> str:
    """{"changes": [Change.as_dict(), ...], "schedule": impact or null}, indented."""
    from plansync.render.json_out import dumps

    return dumps({"changes": [c.as_dict() for c in changes], "schedule": impact})


RENDERERS: dict[str, DiffRenderer] = {"text": text, "markdown": markdown, "json": json_}
