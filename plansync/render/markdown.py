"""Markdown pieces as GitHub renders them (CommonMark and tables): text and code spans that
say exactly what a file holds, table cells, full values folded when long."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from plansync.render.safe import escape

FOLD = 10  # lists and tables longer than this fold into <details>
LONG = 80  # values longer than this fold into <details> inside their cell


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
    pad = " " if value.startswith("`") or value.endswith("`") or not value.strip() else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def cell(value: str) -> str:
    """A table cell: `|` escaped (code spans included, as GitHub tables require)."""
    return value.replace("|", "\\|")


def entities(text: str) -> str:
    """Text inside HTML where markdown is still parsed (a <summary> in a table cell): every
    ASCII punctuation character as a numeric entity, so nothing in it is markup."""
    return "".join(f"&#{ord(c)};" if c in _PUNCTUATION else c for c in text)


_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def value_cell(value: Any) -> str:
    """A full value as JSON in a code span; longer than LONG characters, folded into
    <details> whose summary shows its beginning and length. Absent: empty."""
    if value is None:
        return ""
    text = json.dumps(value, ensure_ascii=False)
    if len(text) <= LONG:
        return cell(md_code(text))
    head = entities(escape(text[:40]))
    return cell(f"<details><summary>{head}… ({len(text):,} characters)</summary>"
                f"{md_code(text)}</details>")


def fold(title: str, body: str, lines: int) -> str:
    """`body` under a bold title, or folded into <details> past FOLD lines."""
    if lines > FOLD:
        return f"<details><summary>{html.escape(title, quote=False)}</summary>\n\n{body}\n\n" \
               "</details>"
    return f"**{md_text(title)}**\n\n{body}"
