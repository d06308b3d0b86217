"""A program's schedule as a picture: SVG (no JavaScript needed to view it), a self-contained
HTML page holding that SVG, or a Mermaid `gantt` block (plansync/render/mermaid.py).

The SVG has one row per task in document order: the wbs and name on the left, a bar from early
start to early finish (inclusive days) on a day scale, critical tasks in red, other tasks in
blue, summary tasks as a thin dark bar, milestones as a diamond; month (or week) ticks on top.
"""

from __future__ import annotations

import html
from datetime import date, timedelta
from typing import Any

from plansync.render.mermaid import schedule_gantt
from plansync.render.safe import escape

LABEL_W = 280  # the label column, in px
ROW_H = 22  # one task row
BAR_H = 14  # a bar's height (a summary's is 6)
HEADER_H = 48  # title and ticks
MAX_W = 1400  # the day scale is at most this wide (days are at least 2 px)
CRITICAL = "#d73a49"
NORMAL = "#2f6fdd"
SUMMARY = "#24292e"
GRID = "#e1e4e8"


def day_width(days: int) -> float:
    """Pixels per day for a schedule spanning `days` days: 24 px, less for long schedules
    (the scale fits MAX_W), never under 2 px."""
    return max(2.0, min(24.0, MAX_W / max(days, 1)))


def span(rows: list[Any]) -> tuple[date, date]:
    """The first and last day of the rows' early dates."""
    first = min(date.fromisoformat(r.early_start) for r in rows)
    last = max(date.fromisoformat(r.early_finish) for r in rows)
    return first, last


def svg(title: str, rows: list[Any]) -> str:
    """The rows of a schedule (plansync.schedule.report.ScheduleRow) as an SVG document."""
    if not rows:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{LABEL_W}" height="{HEADER_H}">'
                f'<text x="8" y="20" font-family="sans-serif" font-size="14">{_x(title)}: no '
                "tasks</text></svg>\n")
    first, last = span(rows)
    days = (last - first).days + 1
    dw = day_width(days)
    width = LABEL_W + days * dw + 20
    height = HEADER_H + len(rows) * ROW_H + 10
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height}" '
           f'viewBox="0 0 {width:.0f} {height}" font-family="sans-serif" font-size="12">',
           f"<title>{_x(title)}</title>",
           f'<rect x="0" y="0" width="{width:.0f}" height="{height}" fill="#ffffff"/>',
           f'<text x="8" y="18" font-size="14" font-weight="bold">{_x(title)}</text>']
    out += _ticks(first, days, dw, height)
    several = len({r.project for r in rows}) > 1
    for i, row in enumerate(rows):
        y = HEADER_H + i * ROW_H
        label = f"{row.project}:{row.wbs} {row.name}" if several else f"{row.wbs} {row.name}"
        label = label if len(label) <= 42 else label[:41] + "…"
        weight = ' font-weight="bold"' if row.summary else ""
        out.append(f'<text x="8" y="{y + 15}"{weight}>{_x(label)}</text>')
        start = date.fromisoformat(row.early_start)
        finish = date.fromisoformat(row.early_finish)
        x = LABEL_W + (start - first).days * dw
        w = ((finish - start).days + 1) * dw
        tip = (f"{row.project}:{row.wbs} {row.name}: {row.early_start} - {row.early_finish}"
               f"{' (critical)' if row.critical else ''}")
        if row.milestone:
            cx, cy, r = x + dw / 2, y + ROW_H / 2, BAR_H / 2
            color = CRITICAL if row.critical else SUMMARY
            out.append(f'<polygon points="{cx:.1f},{cy - r:.1f} {cx + r:.1f},{cy:.1f} '
                       f'{cx:.1f},{cy + r:.1f} {cx - r:.1f},{cy:.1f}" fill="{color}">'
                       f"<title>{_x(tip)}</title></polygon>")
        elif row.summary:
            out.append(f'<rect x="{x:.1f}" y="{y + 8}" width="{w:.1f}" height="6" '
                       f'fill="{SUMMARY}"><title>{_x(tip)}</title></rect>')
        else:
            color = CRITICAL if row.critical else NORMAL
            out.append(f'<rect x="{x:.1f}" y="{y + (ROW_H - BAR_H) / 2:.0f}" width="{w:.1f}" '
                       f'height="{BAR_H}" rx="2" fill="{color}"><title>{_x(tip)}</title></rect>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _ticks(first: date, days: int, dw: float, height: int) -> list[str]:
    """A vertical grid line and a date on top at each month's first day (each Monday when
    the schedule is shorter than two months)."""
    out = []
    weekly = days < 60
    for n in range(days):
        day = first + timedelta(days=n)
        if (weekly and day.weekday() == 0) or (not weekly and day.day == 1) or n == 0:
            x = LABEL_W + n * dw
            out.append(f'<line x1="{x:.1f}" y1="{HEADER_H - 8}" x2="{x:.1f}" y2="{height}" '
                       f'stroke="{GRID}" stroke-width="1"/>')
            out.append(f'<text x="{x + 2:.1f}" y="{HEADER_H - 12}" font-size="10" '
                       f'fill="#586069">{day.isoformat()}</text>')
    return out


def _x(text: str) -> str:
    """Text for XML: control characters escaped (plansync.render.safe), then &, < and >."""
    return html.escape(escape(text), quote=False)


def html_page(title: str, rows: list[Any]) -> str:
    """A self-contained HTML page: the SVG inline and a legend, no script, no external
    resource."""
    legend = (f'<span style="color:{CRITICAL}">■ critical</span> · '
              f'<span style="color:{NORMAL}">■ task</span> · '
              f'<span style="color:{SUMMARY}">▬ summary</span> · ◆ milestone')
    return ("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{_x(title)}</title>\n"
            "<style>body{font-family:sans-serif;margin:1em}</style>\n</head>\n<body>\n"
            f"<h1>{_x(title)}</h1>\n<p>{legend}</p>\n{svg(title, rows)}</body>\n</html>\n")


def mermaid(title: str, rows: list[Any]) -> str:
    return schedule_gantt(title, rows) + "\n"


RENDERERS = {"svg": svg, "html": html_page, "mermaid": mermaid}
SUFFIXES = {".svg": "svg", ".html": "html", ".htm": "html", ".md": "mermaid",
            ".mmd": "mermaid"}
