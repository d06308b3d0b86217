"""People in an "Assigned to" cell: `Name <email>` read (`parse_people`) and written back
(`person`, `quote_name`) so that the two agree.
"""

from __future__ import annotations

import re
from typing import Any

from plansync.convert.plan import EMAIL
from plansync.convert.sheet.table import sheet_text


def parse_people(raw: str) -> list[tuple[str, str]] | None:
    """`Ana Lima <ana@example.com>, Bo <bo@example.com>` -> [(name, email), ...] (commas or
    semicolons between; a name with a comma in double quotes); a name alone is a person
    without an email, an address alone a person named by it. None if one is malformed."""
    out = []
    rest, pos = raw + ",", 0
    while pos < len(rest):  # part after part, nothing skipped: a stray quote is an error
        split = _PEOPLE_SPLIT.match(rest, pos)
        if split is None:
            return None
        pos = split.end()
        part = split[1].strip()
        if not part:
            continue
        match = _PERSON.fullmatch(part)
        if not match:
            return None
        raw_name = (match["name"] or match["alone"] or "").strip()
        quoted = raw_name.startswith('"')
        name = _unquote(raw_name) if quoted else raw_name
        email = (match["email"] or "").strip()
        if not email and not quoted and "@" in name:
            name, email = "", name
        if email and not EMAIL.fullmatch(email):
            return None
        out.append((name, email))
    return out or None


_QUOTED = r'"(?:[^"\\]|\\[\s\S])*"'
_PEOPLE_SPLIT = re.compile(rf'((?:{_QUOTED}|<[^<>]*>|[^,;"<>])*)[,;]')
_PERSON = re.compile(rf'(?:(?P<name>{_QUOTED}|[^<>"]*?)\s*<(?P<email>[^<>]*)>|'
                     rf'(?P<alone>{_QUOTED}|[^<>"]+))')
_NEEDS_QUOTES = re.compile(r'[,;<>"\\@]')


def _unquote(quoted: str) -> str:
    """`"Device lab (40 phones, 12 tablets)"` -> the name; `\\"` and `\\\\` are `"` and `\\`."""
    return re.sub(r"\\([\s\S])", r"\1", quoted[1:-1]).strip()


def quote_name(name: str) -> str:
    """A name as `parse_people` reads it back: in double quotes when it holds a separator,
    a bracket, a quote, a backslash or an @."""
    if _NEEDS_QUOTES.search(name):
        return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return name


def person(resource: dict[str, Any] | None, code: str) -> str:
    """`Name <email>` (or the name alone) as `parse_people` reads it back."""
    if resource is None:
        return code
    name = quote_name(written_name(resource))
    return f"{name} <{resource['email']}>" if resource.get("email") else name


def written_name(resource: dict[str, Any]) -> str:
    """A resource's name as a sheet holds it: trimmed, its code when that leaves nothing."""
    return sheet_text(resource.get("name", "")) or resource["code"]
