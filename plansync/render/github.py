"""GitHub Actions workflow annotations."""

from __future__ import annotations

from plansync.errors import Problem
from plansync.render.safe import escape


def _escape(value: str, *, prop: bool = False) -> str:
    """Workflow-command escaping, after control characters (ANSI colours in the log, say)
    are written out as escapes; a newline in a message stays a real line break (%0A)."""
    value = "\n".join(escape(line) for line in value.split("\n"))
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def problems(found: list[Problem], files: list[str]) -> str:
    """`::error file=F,line=L,col=C::MESSAGE` per problem."""
    lines = []
    for p in found:
        where = f"file={_escape(p.file, prop=True)}"
        if p.line:
            where += f",line={p.line},col={p.column}"
        text = p.message + (f" (at {p.pointer})" if p.pointer else "")
        text += f" - {p.hint}" if p.hint else ""
        lines.append(f"::error {where}::{_escape(text)}")
    return "\n".join(lines)
