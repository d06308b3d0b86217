"""Planned dates and working days, as converters read and write them: a day as written,
working-day counts on a calendar, what a planned start and finish say of a task, and the dates
a sheet or task JSON file holds for a plan."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from plansync.convert.plan import MON_FRI, wbs_renumbered
from plansync.convert.report import Report
from plansync.seed.model import WEEKDAYS, wbs_key


def parse_day(text: str) -> dt.date | None:
    """A calendar date from `YYYY-MM-DD`, optionally followed by a time (`T09:00:00`,
    ` 09:00`, with or without a zone): the calendar day as written. None if unreadable."""
    text = text.strip()
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?",
                         text)
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def project_calendar(doc: dict[str, Any], project: dict[str, Any]) -> tuple[tuple[str, ...],
                                                                             tuple[str, ...]]:
    """(workdays, holidays) of the calendar `project` is scheduled on."""
    calendars = sorted(doc["program"].get("calendars", []), key=lambda c: c["code"])
    chosen = project.get("calendar")
    for calendar in calendars:
        if chosen is None or calendar["code"] == chosen:
            return (tuple(calendar.get("workdays", MON_FRI)),
                    tuple(calendar.get("holidays", [])))
    return MON_FRI, ()


class Workdays:
    """Working-day arithmetic on one calendar (inclusive date ranges)."""

    def __init__(self, workdays: Iterable[str] = MON_FRI, holidays: Iterable[str] = ()) -> None:
        self.weekdays = frozenset(WEEKDAYS.index(d) for d in workdays)
        self.holidays = frozenset(dt.date.fromisoformat(h) for h in holidays)

    def works(self, day: dt.date) -> bool:
        return day.weekday() in self.weekdays and day not in self.holidays

    def count(self, start: dt.date, finish: dt.date) -> int:
        """Working days in [start, finish]."""
        days = (finish - start).days + 1
        if days <= 0:
            return 0
        if not self.holidays and days > 28:  # whole weeks at once
            weeks, rest = divmod(days, 7)
            total = weeks * len(self.weekdays)
            first = start + dt.timedelta(days=weeks * 7)
            return total + sum(self.works(first + dt.timedelta(days=i)) for i in range(rest))
        return sum(self.works(start + dt.timedelta(days=i)) for i in range(days))


MAX_DURATION = 100000  # working days, as the seed format allows


def planned_order_problem(start: dt.date | None, finish: dt.date | None
                          ) -> tuple[str, str] | None:
    """(message, hint) when a planned finish comes before the planned start."""
    if start and finish and finish < start:
        return (f"the planned finish {finish} is before the planned start {start}",
                "correct one of the two dates")
    return None


def read_planned(task: dict[str, Any], start: dt.date | None, finish: dt.date | None,
                 leaf: bool, workdays: Workdays) -> tuple[str, str] | None:
    """What a planned start and finish (in order, see planned_order_problem) say of a task read
    from a sheet or a task JSON file: the start is a "start no earlier than" constraint; a leaf
    with both dates lasts the working days between them, else the finish is a deadline.
    (message, hint) of a duration beyond what the format allows, reported at the finish."""
    if start:
        task["constraint"] = {"type": "start_no_earlier_than", "date": start.isoformat()}
    if start and finish and leaf:
        task["duration"] = workdays.count(start, finish)
        if task["duration"] > MAX_DURATION:
            return (f"from {start} to {finish} is {task['duration']:,} working days, more "
                    f"than a task may last ({MAX_DURATION:,})",
                    "correct the planned start or finish")
    elif finish:
        task["deadline"] = finish.isoformat()
    return None


def planned_dates(doc: dict[str, Any], project: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """(planned start, planned finish) by wbs, "" where the plan says nothing.

    A task the plan gives a length (a duration, an estimate, a milestone; for a summary: any
    of its leaves) shows its critical-path dates (what `plansync schedule` computes). Any
    other task shows what it holds: its start constraint's date (start no earlier than, must
    start on) and its deadline.
    """
    tasks = project.get("tasks", [])
    parents = {t["wbs"].rpartition(".")[0] for t in tasks}
    timed: set[str] = set()
    for task in tasks:
        wbs = task["wbs"]
        if wbs in parents:
            continue
        if task.get("duration", 0) > 0 or "estimate" in task or task.get("milestone"):
            parts = wbs.split(".")
            timed.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    rows: dict[str, tuple[str, str]] = {}
    if timed:
        from plansync.schedule.cpm import schedule_rows

        single = {**doc, "program": {**doc["program"], "projects": [project]}}
        rows = {r.wbs: (r.early_start, r.early_finish) for r in schedule_rows(single)}
    out: dict[str, tuple[str, str]] = {}
    for task in tasks:
        wbs = task["wbs"]
        if wbs in timed:
            out[wbs] = rows[wbs]
            continue
        constraint = task.get("constraint") or {}
        start = constraint.get("date", "") if constraint.get("type") in (
            "start_no_earlier_than", "must_start_on") else ""
        out[wbs] = (start, task.get("deadline", ""))
    return out


def exported_dates(doc: dict[str, Any], project: dict[str, Any], report: Report
                   ) -> dict[str, tuple[str, str]]:
    """`planned_dates` as a sheet or task JSON holds them, where the project start is the
    earliest planned date: a plan with no dates at all gets the project start as its first
    task's planned start (so that the file can be read back), and a start that differs from
    the earliest date is reported."""
    dates = planned_dates(doc, project)
    days = [d for pair in dates.values() for d in pair if d]
    tasks = sorted(project.get("tasks", []), key=lambda t: wbs_key(t["wbs"]))
    if not days and tasks:
        first = tasks[0]["wbs"]
        dates[first] = (project["start"], dates[first][1])
        report.approximate("the project start (written as the first task's planned start: "
                           "the plan has no other date)")
    elif days and min(days) != project["start"]:
        report.approximate("the project start (read back as the earliest planned date)")
    renumbered = wbs_renumbered(tasks)
    report.approximate("task wbs numbers (read back numbered 1, 2, ... in order)", renumbered)
    return dates
