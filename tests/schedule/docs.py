"""Small seed documents for the scheduling tests."""

from __future__ import annotations

from typing import Any

from plansync.schedule.cpm import Schedule, ScheduleRow

ALL_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def project(code: str, tasks: list[dict[str, Any]], deps: list[dict[str, Any]] | None = None,
            start: str = "2026-01-05", calendar: str | None = None) -> dict[str, Any]:
    """A project; 2026-01-05 is a Monday."""
    out: dict[str, Any] = {"code": code, "name": code.upper(), "start": start,
                           "tasks": tasks, "dependencies": deps or []}
    if calendar:
        out["calendar"] = calendar
    return out


def program(*projects: dict[str, Any], calendars: list[dict[str, Any]] | None = None
            ) -> dict[str, Any]:
    return {"version": 1, "program": {"code": "prog", "name": "Prog",
                                      "calendars": calendars or [], "projects": list(projects)}}


def one(tasks: list[dict[str, Any]], deps: list[dict[str, Any]] | None = None,
        **kw: Any) -> dict[str, Any]:
    """A one-project program "lm" on the default Monday-Friday calendar."""
    calendars = kw.pop("calendars", None)
    return program(project("lm", tasks, deps, **kw), calendars=calendars)


def task(wbs: str, duration: float | None = None, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"wbs": wbs, "name": f"task {wbs}"}
    if duration is not None:
        out["duration"] = duration
    out.update(extra)
    return out


def dep(src: str, dst: str, kind: str = "FS", lag: float = 0) -> dict[str, Any]:
    return {"from": src, "to": dst, "type": kind, "lag": lag}


def rows(schedule: Schedule) -> dict[str, ScheduleRow]:
    return {f"{r.project}:{r.wbs}": r for r in schedule.tasks}


def dates(row: ScheduleRow) -> tuple[str, str]:
    return row.early_start, row.early_finish
