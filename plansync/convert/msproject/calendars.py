"""Calendars: the working week, the hours per day (which turn seconds of working time into
days) and the non-working exceptions (as holidays).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from plansync.convert.msproject.records import Record, _Reader
from plansync.convert.plan import Codes
from plansync.convert.planned import Workdays
from plansync.seed.model import WEEKDAYS

_DAY_NAMES = {name: short for short in WEEKDAYS for name in (
    short, {"mon": "monday", "tue": "tuesday", "wed": "wednesday", "thu": "thursday",
            "fri": "friday", "sat": "saturday", "sun": "sunday"}[short])}
MAX_EXCEPTION_DAYS = 3660


def _calendars(reader: _Reader, records: list[Record], project_calendar: Any
               ) -> tuple[list[dict[str, Any]], str | None, float]:
    """Seed calendars, the code of the project's calendar and its hours per day."""
    codes = Codes()
    out: list[dict[str, Any]] = []
    by_id: dict[str, tuple[dict[str, Any], float]] = {}
    raw: dict[str, Record] = {r.get("id"): r for r in records if isinstance(r.get("id"), str)}
    for record in records:
        data = record.get("data")
        base = record.get("baseCalendarId")
        if data in (None, "") and isinstance(base, str) and base in raw:
            data = raw[base].get("data")
        calendar, hours = _calendar(reader, record, data)
        name = record.get("name") if isinstance(record.get("name"), str) else ""
        calendar["code"] = codes.new(name or "calendar", "calendar")
        out.append(calendar)
        if isinstance(record.get("id"), str):
            by_id[record.get("id")] = (calendar, hours)
        for key in ("timezoneOffset", "timezoneName"):
            if record.get(key) not in (None, ""):
                reader.report.drop("calendar timezones (the project's timezone is used)")
                break
    if isinstance(project_calendar, str) and project_calendar in by_id:
        calendar, hours = by_id[project_calendar]
        return out, calendar["code"], hours
    if project_calendar not in (None, "") and records:
        reader.report.approximate("project calendars not in the file (Monday to Friday, "
                                  "8 hours a day)")
    return out, None, 8.0


def _calendar(reader: _Reader, record: Record, data: Any) -> tuple[dict[str, Any], float]:
    at = f"{record.pointer}/data"
    if isinstance(data, str) and data.strip():
        try:
            data = json.loads(data)
        except ValueError:
            reader.fail(at, "the calendar data is a string that is not JSON",
                        "give data as a calendarData object")
            return {"workdays": list(WEEKDAYS[:5])}, 8.0
    if data in (None, ""):
        return {"workdays": list(WEEKDAYS[:5])}, 8.0
    if not isinstance(data, dict):
        reader.fail(at, "the calendar data must be an object with defaultWorkWeek, "
                    "overrideWorkWeeks and exceptions", "fix the calendar's data")
        return {"workdays": list(WEEKDAYS[:5])}, 8.0
    week = data.get("defaultWorkWeek")
    hours_by_day: dict[str, float] = {}
    if week is not None:
        hours_by_day = _work_week(reader, week, f"{at}/defaultWorkWeek")
    workdays = [d for d in WEEKDAYS if hours_by_day.get(d, 0) > 0] if week is not None else list(
        WEEKDAYS[:5])
    if not workdays:
        reader.fail(f"{at}/defaultWorkWeek", "the working week has no working time",
                    "give at least one day working times")
        workdays = list(WEEKDAYS[:5])
    worked = [hours_by_day[d] for d in workdays if d in hours_by_day]
    hours = round(sum(worked) / len(worked), 6) if worked else 8.0
    overrides = data.get("overrideWorkWeeks")
    if isinstance(overrides, list):
        reader.report.drop("calendar override work weeks", len(overrides))
    holidays: set[str] = set()
    exceptions = data.get("exceptions")
    if isinstance(exceptions, list):
        for i, exception in enumerate(exceptions):
            _exception(reader, exception, f"{at}/exceptions/{i}", workdays, holidays)
    elif exceptions is not None:
        reader.fail(f"{at}/exceptions", "exceptions must be an array",
                    "give the exceptions as an array of {start, finish, workingTimes}")
    calendar: dict[str, Any] = {"workdays": workdays}
    if holidays:
        calendar["holidays"] = sorted(holidays)
    return calendar, hours


def _work_week(reader: _Reader, week: Any, at: str) -> dict[str, float]:
    """Hours of working time of each day of a work week: an object keyed by day name
    (`monday` or `mon`, any case), each a list of working times `{start, end}` (or
    `{"workingTimes": [...]}`); a day left out or empty is not worked."""
    out: dict[str, float] = {}
    if not isinstance(week, dict):
        reader.fail(at, "a work week must be an object keyed by day name",
                    "write {\"monday\": [{\"start\": \"08:00\", \"end\": \"17:00\"}], ...}")
        return out
    for key, times in week.items():
        day = _DAY_NAMES.get(key.lower()) if isinstance(key, str) else None
        if day is None:
            if key in ("name", "id", "start", "finish"):
                continue
            reader.fail(f"{at}/{key}", f"{key!r} is not a day of the week",
                        "key the work week by day names: monday ... sunday")
            continue
        hours = _hours(reader, times, f"{at}/{key}")
        if hours is not None:
            out[day] = hours
    return out


def _hours(reader: _Reader, times: Any, at: str) -> float | None:
    if isinstance(times, dict):
        at, times = f"{at}/workingTimes", times.get("workingTimes", [])
    if times in (None, False):
        return 0.0
    if not isinstance(times, list):
        reader.fail(at, "working times must be a list of {start, end}",
                    "write [{\"start\": \"08:00\", \"end\": \"12:00\"}, ...]")
        return None
    total = 0.0
    for i, span in enumerate(times):
        begin = _clock(span.get("start")) if isinstance(span, dict) else None
        end = _clock(span.get("end", span.get("finish"))) if isinstance(span, dict) else None
        if begin is None or end is None:
            reader.fail(f"{at}/{i}", "a working time needs a start and an end (HH:MM or "
                        "HH:MM:SS)", "write {\"start\": \"08:00\", \"end\": \"12:00\"}")
            return None
        total += ((end - begin) % 86400 or (86400 if end == begin else 0)) / 3600
    return total


def _clock(value: Any) -> int | None:
    if not isinstance(value, str):
        return None
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?", value.strip())
    if not match or int(match[1]) > 24:
        return None
    return int(match[1]) * 3600 + int(match[2]) * 60 + int(match[3] or 0)


def _exception(reader: _Reader, exception: Any, at: str, workdays: list[str],
               holidays: set[str]) -> None:
    if not isinstance(exception, dict):
        reader.fail(at, "an exception must be an object {start, finish, workingTimes}",
                    "fix this exception")
        return
    record = Record(at, exception)
    first = _exception_day(reader, record, "start")
    last = _exception_day(reader, record, "finish" if "finish" in exception else "end",
                          finish=True)
    if first is None or last is None:
        if "start" not in exception:
            reader.fail(at, "an exception needs a start", "give the exception's start")
        return
    if last < first:
        last = first
    if (last - first).days > MAX_EXCEPTION_DAYS:
        reader.fail(at, f"the exception spans {(last - first).days + 1} days",
                    f"split it: at most {MAX_EXCEPTION_DAYS} days are read")
        return
    times = exception.get("workingTimes", exception.get("times"))
    hours = _hours(reader, times, f"{at}/workingTimes") if times is not None else 0.0
    if hours:
        reader.report.drop("calendar exceptions with working time")
        return
    worked = Workdays(workdays)
    day = first
    while day <= last:
        if worked.works(day):
            holidays.add(day.isoformat())
        day += dt.timedelta(days=1)


def _exception_day(reader: _Reader, record: Record, key: str, *, finish: bool = False
                   ) -> dt.date | None:
    raw = record.get(key)
    if raw in (None, ""):
        return None
    try:
        when = dt.datetime.fromisoformat(str(raw).strip())
    except ValueError:
        reader.fail(f"{record.pointer}/{key}", f"cannot read the date {raw!r}",
                    "write an ISO 8601 date and time")
        return None
    if finish and when.time() == dt.time(0) and len(str(raw).strip()) > 10:
        return when.date() - dt.timedelta(days=1)  # midnight ends the day before
    return when.date()
