"""Microsoft Project for the web (the ExportProjectContent JSON) -> seed.

The document is `{"project": {...}}`: the project's own fields and its entity lists
(`tasks`, `links`, `resources`, `assignments`, `calendars`, `sprints`, ...). Each list is
read whichever way it is laid out: an array of records keyed by field name, or
`{"fields": [definitions], "values": [rows]}` with each row aligned with the definitions.
Durations, work and link delays are seconds of working time: converted with the project
calendar's hours per day (8 unless its working week says otherwise) and rounded to 1/1000 of a
day. Dates keep their calendar day in the project's timezone.
"""

from __future__ import annotations

import datetime as dt
import html.parser
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from plansync.convert.plan import Codes, Workdays, program_doc, slug, wbs_of_tree
from plansync.convert.report import PointerProblems, Report, located
from plansync.errors import ConvertError, Problem
from plansync.seed.model import WEEKDAYS, wbs_key

ROW_KEYS = ("values", "rows", "records")
ENTITIES = ("assignments", "attachments", "buckets", "calendars", "checklistItems",
            "conditionalColoringRules", "conversations", "goalAssociations", "goals",
            "labelassociations", "labelAssociations", "labels", "links", "resources",
            "sprints", "tasks", "views")
DROPPED_ENTITIES = {"attachments": "attachments", "buckets": "buckets",
                    "checklistItems": "checklist items",
                    "conditionalColoringRules": "conditional colouring rules",
                    "conversations": "conversations", "goalAssociations": "goal associations",
                    "goals": "goals", "labelassociations": "label associations",
                    "labelAssociations": "label associations", "labels": "labels"}
LINK_TYPES = {"FinishToStart": "FS", "StartToStart": "SS", "FinishToFinish": "FF",
              "StartToFinish": "SF"}
CONSTRAINTS = {"MustStartOn": "must_start_on", "MustFinishOn": "must_finish_on",
               "StartNoEarlierThan": "start_no_earlier_than",
               "StartNoLaterThan": "start_no_later_than",
               "FinishNoEarlierThan": "finish_no_earlier_than",
               "FinishNoLaterThan": "finish_no_later_than"}
TASK_READ = {"id", "name", "outlineNumber", "outlineLevel", "parentId", "order", "index",
             "summary", "milestone", "duration", "percentComplete", "constraintType",
             "constraintDate", "deadline", "notes", "unformattednotes", "actualStart",
             "actualFinish", "sprintId", "manual"}
TASK_COMPUTED = {"critical", "freeSlack", "totalSlack", "scheduledDuration",
                 "remainingDuration", "actualDuration", "scheduledStart", "scheduledFinish",
                 "earlyStart", "earlyFinish", "lateStart", "lateFinish", "start", "finish",
                 "resume", "stop", "completeThrough", "startSlack", "finishSlack",
                 "scheduleDrivers", "actualWork", "remainingWork", "cdsEffortCompleted",
                 "cdsEffortRemaining", "cdsEffortEstimateAtComplete", "cdsPercentComplete",
                 "cdsScheduleVariance"}
TASK_DROPPED = {"work": "task work values", "bucketId": "task bucket placements",
                "bucketOrder": "task orders in buckets", "sprintOrder": "task orders in sprints",
                "type": "task types (fixed units, duration or work)",
                "durationDisplayFormat": "task duration display formats",
                "collapsed": "task display settings", "showNotesOnCard": "task display settings",
                "showChecklistOnCard": "task display settings",
                "gridColor": "task display settings"}
PROJECT_READ = {"id", "name", "projectStart", "calendarId", "timezoneOffset", "timezoneName",
                "projectState"}
PROJECT_COMPUTED = {"durationInDays", "work", "actualWork", "remainingWork", "duration",
                    "percentComplete", "percentWorkComplete", "earliestTaskStart",
                    "latestTaskFinish"}
PROJECT_IGNORED = {"hasCustomCalendar", "defaultSprintCreated"}
RESOURCE_READ = {"id", "name", "userPrincipalName", "generic", "type"}
RESOURCE_IGNORED = {"bookableResourceId", "aadId", "aadUserType"}
_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                   r"[0-9a-fA-F]{12}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_OFFSET = re.compile(r"([+-])(\d{1,2}):(\d{2})(?::(\d{2}))?")
_DAY_NAMES = {name: short for short in WEEKDAYS for name in (
    short, {"mon": "monday", "tue": "tuesday", "wed": "wednesday", "thu": "thursday",
            "fri": "friday", "sat": "saturday", "sun": "sunday"}[short])}
MAX_EXCEPTION_DAYS = 3660


@dataclass
class Record:
    pointer: str
    values: dict[str, Any]

    def get(self, key: str, default: Any = None) -> Any:
        value = self.values.get(key, default)
        return default if value is None else value


@dataclass
class _Reader(PointerProblems):
    name: str
    text: str
    report: Report
    problems: list[Problem] = field(default_factory=list)
    tz: dt.tzinfo = dt.UTC
    seconds_per_day: float = 8 * 3600

    def day(self, record: Record, key: str) -> dt.date | None:
        """The calendar day of a datetime field, in the project's timezone."""
        raw = record.get(key)
        if raw in (None, ""):
            return None
        when = None
        if isinstance(raw, str):
            try:
                when = dt.datetime.fromisoformat(raw.strip())
            except ValueError:
                when = None
        if when is None:
            self.fail(f"{record.pointer}/{key}", f"cannot read the date {raw!r}",
                      "write an ISO 8601 date and time such as 2026-03-02T09:00:00Z")
            return None
        if when.tzinfo is not None:
            when = when.astimezone(self.tz)
        return when.date()

    def days(self, record: Record, key: str) -> float | None:
        """Seconds of working time -> working days, rounded to 1/1000 of a day."""
        raw = record.get(key)
        if raw is None:
            return None
        if isinstance(raw, bool) or not isinstance(raw, int | float) or raw < 0:
            self.fail(f"{record.pointer}/{key}", f"{key} must be a number of seconds of "
                      f"working time, not {raw!r}", "write the seconds as a number >= 0")
            return None
        return days_of(raw, self.seconds_per_day)


def days_of(seconds: float, seconds_per_day: float) -> float:
    value = round(seconds / seconds_per_day, 3) + 0.0
    return int(value) if value.is_integer() else value


def read(name: str, text: str, doc: Any, *, program: str | None, project: str | None,
         report: Report) -> dict[str, Any]:
    reader = _Reader(name, text, report)
    if not isinstance(doc, dict) or not isinstance(doc.get("project"), dict):
        reader.fail("", "an ExportProjectContent document is an object with a \"project\" "
                    "object", "export the project with ExportProjectContent, or choose "
                    "another format with --from")
        reader.check()
    root = doc["project"]
    fields = _project_fields(reader, root)
    reader.check()
    reader.tz = _timezone(fields)
    lists = {key: list(_records(reader, root, key)) for key in ENTITIES if key in root}
    reader.check()
    for key, label in DROPPED_ENTITIES.items():
        report.drop(label, len(lists.get(key, [])))
    if "views" in root:
        report.drop("grid views", _grid_views(reader, root["views"]))
    for key, value in root.items():
        if key not in ENTITIES and key not in ("fields", "values") and isinstance(
                value, dict | list):
            report.drop(f"unknown project lists ({key})")

    calendars, calendar_code, hours = _calendars(reader, lists.get("calendars", []),
                                                 fields.get("calendarId"))
    reader.seconds_per_day = hours * 3600
    codes = Codes()
    resources, resource_codes = _resources(reader, lists.get("resources", []))
    sprints, sprint_codes = _sprints(reader, lists.get("sprints", []))
    tasks, task_wbs = _tasks(reader, lists.get("tasks", []), sprint_codes)
    reader.check()
    _assignments(reader, lists.get("assignments", []), tasks, resource_codes)
    deps = _links(reader, lists.get("links", []), task_wbs)
    reader.check()

    raw_name = fields.get("name")
    project_name: str = raw_name if isinstance(raw_name, str) and raw_name else "project"
    start = reader.day(Record("/project", fields), "projectStart") or reader.day(
        Record("/project", fields), "earliestTaskStart")
    reader.check()
    if start is None:
        raise ConvertError([located(name, "the project has no projectStart",
                                    "export the project with its projectStart, or set it in "
                                    "Project for the web", pointer="/project")])
    _project_report(fields, report)
    project_code = project or codes.new(project_name, "project")
    seed_project: dict[str, Any] = {
        "code": project_code, "name": project_name, "start": start.isoformat(),
        "tasks": sorted(tasks.values(), key=lambda t: wbs_key(t["wbs"])),
        "dependencies": deps, "sprints": sprints}
    if calendar_code:
        seed_project["calendar"] = calendar_code
    if fields.get("projectState") == "Inactive":
        seed_project["status"] = "archived"
    return program_doc(program or slug(project_name, "program"), project_name, seed_project,
                       resources, calendars)


# --- layouts


def _project_fields(reader: _Reader, root: dict[str, Any]) -> dict[str, Any]:
    """The project's own values: keyed by name on /project, or a `values` row aligned with
    /project/fields (or definitions that carry their `value`)."""
    out = {k: v for k, v in root.items() if k not in ENTITIES and k not in ("fields", "values")}
    defs = root.get("fields")
    if defs is None:
        return out
    if not isinstance(defs, list):
        reader.fail("/project/fields", "/project/fields must be an array of field "
                    "definitions", "write the definitions as an array")
        return out
    row = root.get("values")
    names = [_def_key(d) for d in defs]
    if isinstance(row, list):
        if len(row) != len(names):
            reader.fail("/project/values", f"{len(row)} values for {len(names)} field "
                        "definitions", "give one value per definition in /project/fields")
            return out
        out.update({n: v for n, v in zip(names, row, strict=True) if n})
    else:
        for d, n in zip(defs, names, strict=True):
            if isinstance(d, dict) and "value" in d and n:
                out[n] = d["value"]
    return out


def _def_key(definition: Any) -> str | None:
    if isinstance(definition, str):
        return definition
    if isinstance(definition, dict):
        key = definition.get("id") if definition.get("custom") else (
            definition.get("name") or definition.get("id"))
        return key if isinstance(key, str) else None
    return None


def _records(reader: _Reader, root: dict[str, Any], key: str) -> Iterator[Record]:
    """The records of one entity list, whichever layout it has."""
    value = root[key]
    base = f"/project/{key}"
    if key == "views":
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict):
                yield Record(f"{base}/{i}", item)
            else:
                reader.fail(f"{base}/{i}", f"entry {i} of {key} is not a record",
                            f"give {key} as an array of records keyed by field name, or as "
                            "{\"fields\": [...], \"values\": [[...], ...]} with rows aligned "
                            "with the field definitions")
        return
    if isinstance(value, dict) and isinstance(value.get("fields"), list):
        rows_key = [k for k in value if k != "fields"]
        if len(rows_key) == 1 and rows_key[0] in ROW_KEYS and isinstance(
                value[rows_key[0]], list):
            names = [_def_key(d) for d in value["fields"]]
            if key == "tasks":
                reader.report.drop("task custom fields", sum(
                    1 for d in value["fields"] if isinstance(d, dict) and d.get("custom")))
            at = f"{base}/{rows_key[0]}"
            for i, row in enumerate(value[rows_key[0]]):
                if isinstance(row, dict):
                    yield Record(f"{at}/{i}", row)
                elif isinstance(row, list) and len(row) == len(names):
                    yield Record(f"{at}/{i}", {n: v for n, v in zip(names, row, strict=True)
                                               if n})
                else:
                    reader.fail(f"{at}/{i}", f"row {i} of {key} does not line up with its "
                                f"{len(names)} field definitions",
                                f"give one value per definition in {base}/fields")
            return
    reader.fail(base, f"cannot read {key}: it is neither an array of records nor "
                "{\"fields\": [...], \"values\": [[...], ...]}",
                f"export {key} as records keyed by field name, or as rows aligned with a "
                "fields definition list")


def _grid_views(reader: _Reader, views: Any) -> int:
    grid = views.get("grid") if isinstance(views, dict) else None
    if isinstance(grid, list):
        return sum(1 for v in grid if isinstance(v, dict | list))
    if isinstance(grid, dict):
        rows = [grid[k] for k in ROW_KEYS if isinstance(grid.get(k), list)]
        return len(rows[0]) if rows else 0
    return 0


def _timezone(fields: dict[str, Any]) -> dt.tzinfo:
    name = fields.get("timezoneName")
    if isinstance(name, str) and name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass  # a Windows zone name: the offset says it
    offset = fields.get("timezoneOffset")
    match = _OFFSET.fullmatch(offset.strip()) if isinstance(offset, str) else None
    if match:
        sign = -1 if match[1] == "-" else 1
        delta = dt.timedelta(hours=int(match[2]), minutes=int(match[3]),
                             seconds=int(match[4] or 0))
        return dt.timezone(sign * delta)
    return dt.UTC


def _project_report(fields: dict[str, Any], report: Report) -> None:
    for key, value in fields.items():
        if value in (None, "", [], {}) or key in PROJECT_READ or key in PROJECT_IGNORED:
            continue
        if key in PROJECT_COMPUTED:
            report.recompute(f"project {key} values")
        elif key.startswith("projectManager"):
            report.drop("project manager references")
        elif key == "officeGroupId":
            report.drop("Microsoft 365 group links")
        elif key == "workTemplateId":
            report.drop("work template references")
        elif key == "ignoreResourceCalendars":
            if value is True:
                report.drop("ignore-resource-calendars settings")
        else:
            report.drop(f"project fields ({key})")


# --- calendars


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


# --- resources, sprints, tasks, assignments, links


def _resources(reader: _Reader, records: list[Record]
               ) -> tuple[list[dict[str, Any]], dict[str, str]]:
    codes = Codes()
    out: list[dict[str, Any]] = []
    by_id: dict[str, str] = {}
    for record in records:
        rid = record.get("id")
        name = record.get("name")
        if not isinstance(name, str) or not name:
            reader.fail(record.pointer, "a resource needs a name", "give the resource a name")
            continue
        email = record.get("userPrincipalName")
        kind = record.get("type")
        resource: dict[str, Any] = {"code": codes.new(name, "resource"), "name": name,
                                    "type": "equipment" if kind == "XrmEquipment" else
                                    "generic" if record.get("generic") is True
                                    or kind in ("XrmGeneric", "XrmAccount") else "person"}
        if isinstance(email, str) and _EMAIL.fullmatch(email):
            resource["email"] = email
        elif email not in (None, ""):
            reader.report.drop("user principal names that are not email addresses")
        out.append(resource)
        if isinstance(rid, str):
            by_id[rid] = resource["code"]
        for key, value in record.values.items():
            if key in RESOURCE_READ or key in RESOURCE_IGNORED or value in (None, ""):
                continue
            if key == "overallocated":
                reader.report.recompute("resource overallocation flags")
            elif key == "jobTitle":
                reader.report.drop("resource job titles")
            else:
                reader.report.drop(f"resource fields ({key})")
    return out, by_id


def _sprints(reader: _Reader, records: list[Record]
             ) -> tuple[list[dict[str, Any]], dict[str, str | None]]:
    codes = Codes()
    out: list[dict[str, Any]] = []
    by_id: dict[str, str | None] = {}
    for record in records:
        name = record.get("name") if isinstance(record.get("name"), str) else ""
        start, finish = reader.day(record, "start"), reader.day(record, "finish")
        sid = record.get("id")
        if not name or start is None or finish is None or finish < start:
            reader.report.drop("sprints without a name or dates")
            if isinstance(sid, str):
                by_id[sid] = None
            continue
        sprint = {"code": codes.new(name, "sprint"), "name": name,
                  "start": start.isoformat(), "finish": finish.isoformat()}
        out.append(sprint)
        if isinstance(sid, str):
            by_id[sid] = sprint["code"]
    return out, by_id


def _tasks(reader: _Reader, records: list[Record], sprints: dict[str, str | None]
           ) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    by_id: dict[str, Record] = {}
    for record in records:
        tid = record.get("id")
        if not isinstance(tid, str) or not tid:
            reader.fail(record.pointer, "a task needs an id",
                        "export the tasks with their ids (links and assignments use them)")
        elif tid in by_id:
            reader.fail(f"{record.pointer}/id", f"task id {tid} is used twice (first at "
                        f"{by_id[tid].pointer})", "give every task its own id")
        else:
            by_id[tid] = record
    reader.check()
    wbs = _outline(by_id) or _tree(reader, by_id)
    reader.check()
    parents = {w.rpartition(".")[0] for w in wbs.values()}
    tasks: dict[str, dict[str, Any]] = {}
    for tid, record in by_id.items():
        name = record.get("name")
        if not isinstance(name, str) or not name:
            reader.fail(f"{record.pointer}/name" if "name" in record.values else
                        record.pointer, "a task needs a name", "give the task a name")
            continue
        task: dict[str, Any] = {"wbs": wbs[tid], "name": name}
        summary = wbs[tid] in parents
        _task_timing(reader, record, task, summary)
        _task_state(reader, record, task)
        notes = record.get("unformattednotes") or _plain(record.get("notes"))
        if isinstance(notes, str) and notes:
            task["notes"] = notes
        sprint = _key(record.get("sprintId"))
        if isinstance(sprint, str) and sprint:
            if sprint not in sprints:
                reader.fail(f"{record.pointer}/sprintId", f"sprint {sprint} is not in the "
                            "file's sprints", "export the sprints with the tasks")
            elif sprints[sprint] is None:
                reader.report.drop("task sprint references to dropped sprints")
            else:
                task["sprint"] = sprints[sprint]
        _task_report(record, reader.report)
        tasks[tid] = task
    return tasks, wbs


def _outline(by_id: dict[str, Record]) -> dict[str, str] | None:
    """wbs from every task's outlineNumber, when all have one, they are unique, and every
    parent exists; otherwise None (the tree is read from parentId and order)."""
    out: dict[str, str] = {}
    for tid, record in by_id.items():
        number = record.get("outlineNumber")
        if not isinstance(number, str) or not re.fullmatch(
                r"[1-9][0-9]{0,8}(\.[1-9][0-9]{0,8})*", number.strip()):
            return None
        out[tid] = number.strip()
    if len(set(out.values())) != len(out):
        return None
    numbers = set(out.values())
    if any(n.rpartition(".")[0] and n.rpartition(".")[0] not in numbers for n in numbers):
        return None
    return out


def _tree(reader: _Reader, by_id: dict[str, Record]) -> dict[str, str]:
    items = []
    for tid, record in by_id.items():
        parent = _key(record.get("parentId"))
        if parent in ("", "00000000-0000-0000-0000-000000000000"):
            parent = None
        if parent is not None and parent not in by_id:
            reader.fail(f"{record.pointer}/parentId", f"parent task {parent} is not in the "
                        "file", "export the whole project, or give the task an "
                        "outlineNumber")
            parent = None
        order = record.get("order", record.get("index"))
        key = (0, float(order)) if isinstance(order, int | float) and not isinstance(
            order, bool) else (1, 0.0)
        items.append((tid, parent, key))
    try:
        return {str(k): v for k, v in wbs_of_tree(items).items()}
    except ValueError as exc:
        reader.fail(f"{by_id[exc.args[0]].pointer}/parentId", "the task is its own ancestor",
                    "fix the parentId chain")
        return {}


def _task_timing(reader: _Reader, record: Record, task: dict[str, Any], summary: bool) -> None:
    duration = reader.days(record, "duration")
    milestone = record.get("milestone") is True
    if milestone:
        task["milestone"] = True
        if duration:
            reader.report.drop("milestone durations")
    elif summary:
        if duration is not None:
            reader.report.recompute("summary task durations")
    elif duration is not None:
        task["duration"] = min(duration, 100000)
    kind = record.get("constraintType")
    if kind in CONSTRAINTS:
        day = reader.day(record, "constraintDate")
        if day is None:
            reader.report.drop("constraints without a date")
        else:
            task["constraint"] = {"type": CONSTRAINTS[kind], "date": day.isoformat()}
    elif kind == "AsLateAsPossible":
        reader.report.drop("as-late-as-possible constraints")
    elif kind not in (None, "", "AsSoonAsPossible"):
        reader.fail(f"{record.pointer}/constraintType", f"unknown constraint type {kind!r}",
                    "use one of AsSoonAsPossible, AsLateAsPossible, " + ", ".join(CONSTRAINTS))
    deadline = reader.day(record, "deadline")
    if deadline:
        task["deadline"] = deadline.isoformat()
    if record.get("manual") is True:
        reader.report.drop("manual scheduling (manually scheduled tasks)")


def _task_state(reader: _Reader, record: Record, task: dict[str, Any]) -> None:
    percent = record.get("percentComplete")
    if isinstance(percent, int | float) and not isinstance(percent, bool) and percent > 0:
        value = round(min(float(percent), 100.0), 3) + 0.0
        task["percent_complete"] = int(value) if value.is_integer() else value
    started, finished = reader.day(record, "actualStart"), reader.day(record, "actualFinish")
    if started:
        task["actual_start"] = started.isoformat()
    if finished:
        task["actual_finish"] = finished.isoformat()
    done = task.get("percent_complete") == 100
    if done:
        task["status"] = "done"
    elif task.get("percent_complete") or started:
        task["status"] = "in_progress"


def _task_report(record: Record, report: Report) -> None:
    for key, value in record.values.items():
        if key in TASK_READ or value in (None, "", [], {}):
            continue
        if key in TASK_COMPUTED:
            report.recompute("task scheduling results (dates, slack, critical, remaining "
                             "work)")
        elif key in TASK_DROPPED:
            report.drop(TASK_DROPPED[key])
        elif key == "priority":
            if value != 5:
                report.drop("task priorities")
        elif _GUID.fullmatch(key):
            report.drop("task custom field values")
        else:
            report.drop(f"unknown task fields ({key})")


class _Text(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("br", "p", "div", "li") and self.parts:
            self.parts.append("\n")


def _plain(notes: Any) -> str:
    if not isinstance(notes, str) or not notes:
        return ""
    parser = _Text()
    parser.feed(notes)
    parser.close()
    return re.sub(r"\n{2,}", "\n", "".join(parser.parts)).strip()


def _assignments(reader: _Reader, records: list[Record], tasks: dict[str, dict[str, Any]],
                 resources: dict[str, str]) -> None:
    for record in records:
        tid, rid = _key(record.get("taskId")), _key(record.get("resourceId"))
        if tid not in tasks:
            reader.fail(f"{record.pointer}/taskId", f"assignment to task {tid!r}, which is "
                        "not in the file", "export the assignments with their tasks")
            continue
        if rid not in resources:
            reader.fail(f"{record.pointer}/resourceId", f"assignment of resource {rid!r}, "
                        "which is not in the file", "export the resources with the project")
            continue
        task = tasks[tid]
        task["assignees"] = sorted(set(task.get("assignees", [])) | {resources[rid]})
        units = record.get("units")
        if isinstance(units, int | float) and units not in (100, 1):
            reader.report.drop("assignment units other than 100%")
        for key in ("work", "remainingWorkContour", "actualWorkContour", "totalWorkContour",
                    "delay"):
            if record.get(key) not in (None, 0, "", {}):
                reader.report.drop("assignment work, contours and delays")
                break


def _key(value: Any) -> Any:
    """An id as a dictionary key: a list or an object (never an id) becomes its text."""
    return json.dumps(value) if isinstance(value, list | dict) else value


def _links(reader: _Reader, records: list[Record], wbs: dict[str, str]) -> list[dict[str, Any]]:
    deps: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], str] = {}
    for record in records:
        pred, succ = _key(record.get("predecessorId")), _key(record.get("successorId"))
        bad = [k for k, v in (("predecessorId", pred), ("successorId", succ)) if v not in wbs]
        if bad:
            reader.fail(f"{record.pointer}/{bad[0]}", f"link to task {record.get(bad[0])!r}, "
                        "which is not in the file", "export the links with their tasks")
            continue
        kind = record.get("linkType", "FinishToStart")
        if kind not in LINK_TYPES:
            reader.fail(f"{record.pointer}/linkType", f"unknown link type {kind!r}",
                        "use FinishToStart, StartToStart, FinishToFinish or StartToFinish")
            continue
        if pred == succ:
            reader.fail(record.pointer, "a task linked to itself", "remove this link")
            continue
        pair = (wbs[pred], wbs[succ])
        if pair in seen:
            reader.report.drop("second links between the same two tasks")
            continue
        seen[pair] = record.pointer
        dep: dict[str, Any] = {"from": pair[0], "to": pair[1]}
        if LINK_TYPES[kind] != "FS":
            dep["type"] = LINK_TYPES[kind]
        lag = record.get("delay", 0)
        if lag:
            if isinstance(lag, int | float) and not isinstance(lag, bool):
                dep["lag"] = max(-100000, min(100000, days_of(lag, reader.seconds_per_day)))
            else:
                reader.fail(f"{record.pointer}/delay", f"delay must be seconds of working "
                            f"time, not {lag!r}", "write the delay as a number of seconds")
        if record.get("driver") is not None:
            reader.report.recompute("link driver flags")
        deps.append(dep)
    return deps
