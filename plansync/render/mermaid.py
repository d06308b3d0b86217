"""Mermaid `gantt` charts (GitHub renders ```mermaid blocks): a schedule's bars, or the bars of
a diff before and after. Task names are made safe for Mermaid's line syntax (no `:`, `;`,
`#` or backticks, which end or comment a task line)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

_UNSAFE = re.compile(r"[:;#`\\<>{}\[\]\"%]|[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def safe(text: str, limit: int = 60) -> str:
    """Text for a Mermaid title, section or task name: unsafe characters become spaces, a
    project:wbs key keeps its look with a ratio sign (U+2236), long text is cut with …"""
    text = re.sub(r"(\w):(\w)", "\\1\u2236\\2", text)
    text = " ".join(_UNSAFE.sub(" ", text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def end(finish: str) -> str:
    """Mermaid ends a bar at the start of its end date: the day after an inclusive finish."""
    return (date.fromisoformat(finish) + timedelta(days=1)).isoformat()


def diff_gantt(bars: list[dict[str, Any]], title: str) -> str:
    """Before and after bars of each task (see plansync.diff.impact: "gantt"): before in
    grey (done), after in red when critical (crit), else blue (active)."""
    lines = ["```mermaid", "gantt", f"    title {safe(title, 100)}", "    dateFormat YYYY-MM-DD",
             "    axisFormat %Y-%m-%d"]
    for i, bar in enumerate(bars):
        lines.append(f"    section {safe(bar['task'] + ' ' + bar['name'])}")
        if bar["before"]:
            start, finish = bar["before"]
            lines.append(f"    before :done, b{i}, {start}, {end(finish)}")
        if bar["after"]:
            start, finish = bar["after"]
            tag = "crit" if bar["critical"] else "active"
            lines.append(f"    after :{tag}, a{i}, {start}, {end(finish)}")
    lines.append("```")
    return "\n".join(lines)


def schedule_gantt(title: str, rows: list[Any]) -> str:
    """A schedule's rows (plansync.schedule.report.ScheduleRow) as one section per project:
    critical tasks in red, summaries and milestones marked."""
    lines = ["```mermaid", "gantt", f"    title {safe(title, 100)}", "    dateFormat YYYY-MM-DD",
             "    axisFormat %Y-%m-%d"]
    project = None
    for i, row in enumerate(rows):
        if row.project != project:
            project = row.project
            lines.append(f"    section {safe(project)}")
        tags = []
        if row.critical:
            tags.append("crit")
        if row.milestone:
            tags.append("milestone")
        elif row.summary:
            tags.append("done")
        label = safe(f"{row.wbs} {row.name}")
        stop = row.early_finish if row.milestone else end(row.early_finish)
        lines.append(f"    {label} :{', '.join([*tags, f't{i}'])}, {row.early_start}, {stop}")
    lines.append("```")
    return "\n".join(lines)
