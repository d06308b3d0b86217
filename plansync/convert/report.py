"""What a conversion kept and what it dropped: never drop silently."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from plansync.errors import ConvertError, Problem
from plansync.seed import locate


@dataclass
class Report:
    """Counts by kind of what the target could not hold (`dropped`), of what the source
    computes and plansync recomputes (`recomputed`) and of values converted approximately
    (`approximated`). Kinds are plural nouns ("buckets", "task priorities")."""

    dropped: Counter[str] = field(default_factory=Counter)
    recomputed: Counter[str] = field(default_factory=Counter)
    approximated: Counter[str] = field(default_factory=Counter)
    # Where in the source a part of the converted plan comes from: a pointer into the plan
    # ("/program/projects/0/dependencies/3") -> (line, column, pointer into the source, what
    # to say first: "row 5, column 3 (Dependencies)"); problems the plan breaks name it.
    sources: dict[str, tuple[int, int, str, str]] = field(default_factory=dict)

    def drop(self, kind: str, count: int = 1) -> None:
        if count:
            self.dropped[kind] += count

    def recompute(self, kind: str, count: int = 1) -> None:
        if count:
            self.recomputed[kind] += count

    def approximate(self, kind: str, count: int = 1) -> None:
        if count:
            self.approximated[kind] += count

    def as_json(self) -> dict[str, Any]:
        return {"dropped": dict(self.dropped), "recomputed": dict(self.recomputed),
                "approximated": dict(self.approximated)}


def counted(counts: Counter[str] | dict[str, int]) -> str:
    """`buckets 2, labels 3` in the order the kinds were met."""
    return ", ".join(f"{kind} {n}" for kind, n in counts.items() if n)


def seed_counts(doc: dict[str, Any]) -> dict[str, int]:
    """What a seed document holds, by kind (for the summary line)."""
    program = doc.get("program", {})
    projects = program.get("projects", [])
    tasks = [t for p in projects for t in p.get("tasks", [])]
    counts = {
        "projects": len(projects),
        "tasks": len(tasks),
        "dependencies": sum(len(p.get("dependencies", [])) for p in projects),
        "assignments": sum(len(t.get("assignees", [])) for t in tasks),
        "resources": len(program.get("resources", [])),
        "calendars": len(program.get("calendars", [])),
        "sprints": sum(len(p.get("sprints", [])) for p in projects),
        "baselines": sum(len(p.get("baselines", [])) for p in projects),
        "risks": sum(len(p.get("risks", [])) for p in projects),
    }
    return {k: v for k, v in counts.items() if v or k in ("projects", "tasks")}


def summary_lines(source: str, source_format: str, target: str, target_format: str,
                  counts: dict[str, int], report: Report) -> list[str]:
    """The summary printed on stderr: what was converted, then what was not carried."""
    lines = [f"converted {source} ({source_format}) -> {target} ({target_format}): "
             f"{counted(counts)}"]
    if report.dropped:
        lines.append(f"  dropped ({target_format} cannot hold them): {counted(report.dropped)}")
    else:
        lines.append("  nothing dropped")
    if report.approximated:
        lines.append(f"  converted approximately: {counted(report.approximated)}")
    if report.recomputed:
        lines.append("  not copied (computed by the source; `plansync schedule` recomputes "
                     f"them): {counted(report.recomputed)}")
    return lines


def located(file: str, message: str, hint: str, *, line: int = 0, column: int = 0,
            pointer: str = "", code: str = "convert") -> Problem:
    return Problem(file, line, column, pointer, code, message, hint)


class PointerProblems:
    """For a reader of a JSON text (`name`, `text`, `problems`): `fail` records a problem at a
    JSON pointer, located at its line and column; `check` raises all of them at once."""

    name: str
    text: str
    problems: list[Problem]

    def fail(self, pointer: str, message: str, hint: str) -> None:
        line, col = locate.line_col(self.text, locate.offset_of(self.text, pointer))
        self.problems.append(located(self.name, message, hint, line=line, column=col,
                                     pointer=pointer))

    def check(self) -> None:
        if self.problems:
            raise ConvertError(self.problems)
