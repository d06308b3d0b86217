"""Human-readable text output (colour is added by the CLI only on a TTY).

Everything that comes from a file (file names, messages quoting values, names, emails) goes
through `plansync.render.safe.escape`: no control character reaches the terminal.
"""

from __future__ import annotations

from plansync.errors import Problem
from plansync.instance.base import ImportReport, ProgramSummary
from plansync.render.safe import escape


def location(problem: Problem) -> str:
    if problem.line:
        return f"{escape(problem.file)}:{problem.line}:{problem.column}"
    return escape(problem.file)


def problem_line(problem: Problem) -> str:
    where = f" (at {escape(problem.pointer)})" if problem.pointer else ""
    hint = f"\n  hint: {escape(problem.hint)}" if problem.hint else ""
    return f"{location(problem)}: error: {escape(problem.message)}{where}{hint}"


def problems(found: list[Problem], files: list[str]) -> str:
    """One `FILE:LINE:COL: error: MESSAGE (at /pointer)` line per problem, then a summary."""
    lines = [problem_line(p) for p in found]
    bad = len({p.file for p in found})
    if found:
        lines.append(f"{len(found)} problem(s) in {bad} of {len(files)} file(s)")
    else:
        lines.append(f"{len(files)} file(s) valid")
    return "\n".join(lines)


def import_report(report: ImportReport) -> str:
    """A few lines per program: status, server_version, counts per kind, pending members."""
    dry = " (dry run: nothing written)" if report.dry_run else ""
    lines = [f"{escape(report.program)}: {report.status}, server_version "
             f"{report.server_version}{dry}"]
    rows = [(k, c) for k, c in report.counts.items() if c.changed or c.unchanged]
    if rows:
        lines.append(f"  {'kind':<16}{'created':>9}{'updated':>9}{'deleted':>9}{'unchanged':>11}")
        for kind, c in rows:
            lines.append(f"  {kind:<16}{c.created:>9}{c.updated:>9}{c.deleted:>9}"
                         f"{c.unchanged:>11}")
    lines.extend(accounts_lines(report.created_users, []))
    lines.extend(f"  warning: {escape(w)}" for w in report.warnings)
    lines.extend(accounts_lines([], report.pending))
    return "\n".join(lines)


def accounts_lines(created: list[str], pending: list[str]) -> list[str]:
    """Accounts an import created, and memberships still waiting for one."""
    lines = ["  created accounts: " + ", ".join(map(escape, created))] if created else []
    if pending:
        lines.append("  pending memberships (no account yet; they take effect when one exists): "
                     + ", ".join(map(escape, pending)))
    return lines


def programs_table(programs: list[ProgramSummary]) -> str:
    if not programs:
        return "no programs"
    width = max(len(p.code) for p in programs)
    lines = [f"{'code':<{width}}  {'projects':>8}  {'tasks':>7}  {'version':>7}  name"]
    lines += [f"{escape(p.code):<{width}}  {p.projects:>8}  {p.tasks:>7}  "
              f"{p.server_version:>7}  {escape(p.name)}" for p in programs]
    return "\n".join(lines)
