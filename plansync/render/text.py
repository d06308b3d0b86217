"""Human-readable text output (colour is added by the CLI only on a TTY)."""

from __future__ import annotations

from plansync.errors import Problem


def location(problem: Problem) -> str:
    if problem.line:
        return f"{problem.file}:{problem.line}:{problem.column}"
    return problem.file


def problem_line(problem: Problem) -> str:
    where = f" (at {problem.pointer})" if problem.pointer else ""
    hint = f"\n  hint: {problem.hint}" if problem.hint else ""
    return f"{location(problem)}: error: {problem.message}{where}{hint}"


def problems(found: list[Problem], files: list[str]) -> str:
    """One `FILE:LINE:COL: error: MESSAGE (at /pointer)` line per problem, then a summary."""
    lines = [problem_line(p) for p in found]
    bad = len({p.file for p in found})
    if found:
        lines.append(f"{len(found)} problem(s) in {bad} of {len(files)} file(s)")
    else:
        lines.append(f"{len(files)} file(s) valid")
    return "\n".join(lines)
