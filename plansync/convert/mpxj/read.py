"""Reading whatever MPXJ's universal reader understands into a seed plan (`read`): calendars,
resources, the task tree, links and assignments.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import Any

from plansync.convert.mpxj.jvm import _jvm
from plansync.convert.mpxj.names import _CONSTRAINTS, _JAVA_DAYS, _RELATIONS, CODE
from plansync.convert.msproject import MAX_EXCEPTION_DAYS
from plansync.convert.plan import Codes, program_doc, slug
from plansync.convert.planned import Workdays
from plansync.convert.report import Report, located
from plansync.errors import ConvertError
from plansync.seed.model import WEEKDAYS, wbs_key


def read(name: str, *, program: str | None, project: str | None, report: Report
         ) -> dict[str, Any]:
    jpype = _jvm()
    from org.mpxj.reader import UniversalProjectReader

    try:
        pf = UniversalProjectReader().read(os.fspath(name))
    except jpype.JException as exc:
        raise ConvertError([located(name, f"MPXJ cannot read this file: {exc.getMessage()}",
                                    "check that it is a schedule file MPXJ reads (.mpp, "
                                    ".xml, .xer, ...) and not damaged")]) from None
    if pf is None:
        raise ConvertError([located(name, "MPXJ does not recognise this file's format",
                                    "convert a Microsoft Project, Primavera, Asta, Phoenix, "
                                    "GanttProject or ProjectLibre file")])
    return _Reader(name, pf, report).doc(program, project)


def _day(value: Any) -> dt.date | None:
    return None if value is None else dt.date(value.getYear(), value.getMonthValue(),
                                              value.getDayOfMonth())


def _iso(value: Any) -> str:
    """The calendar day of a java.time value that is not null."""
    return dt.date(value.getYear(), value.getMonthValue(), value.getDayOfMonth()).isoformat()


def _number(value: Any, digits: int = 3) -> float | int:
    x = round(float(value), digits) + 0.0
    return int(x) if x.is_integer() else x


class _Reader:
    def __init__(self, name: str, pf: Any, report: Report) -> None:
        self.name, self.pf, self.report = name, pf, report
        self.props = pf.getProjectProperties()
        self.calendar_codes: dict[int, str] = {}  # MPXJ calendar id -> program calendar

    def days(self, duration: Any, workdays_per_week: int) -> float | int | None:
        """A Duration in working days (elapsed units approximated by the working week)."""
        if duration is None:
            return None
        from org.mpxj import TimeUnit

        unit = str(duration.getUnits().name())
        if unit.startswith("ELAPSED"):
            elapsed = float(duration.convertUnits(TimeUnit.ELAPSED_DAYS, self.props)
                            .getDuration())
            self.report.approximate("elapsed durations (as working days of the week)")
            return _number(elapsed * workdays_per_week / 7)
        if unit == "PERCENT":
            self.report.drop("lags given as a percentage")
            return None
        return _number(duration.convertUnits(TimeUnit.DAYS, self.props).getDuration())

    def elapsed_days(self, duration: Any) -> float | int:
        """An elapsed Duration in calendar days (a task's `elapsed: true` duration)."""
        from org.mpxj import TimeUnit

        return _number(duration.convertUnits(TimeUnit.ELAPSED_DAYS, self.props).getDuration())

    def microsoft(self) -> bool:
        """Whether the file is Microsoft Project's (.mpp, .mpx, MSPDI .xml)."""
        return str(self.props.getFileApplication() or "") == "Microsoft" or \
            str(self.props.getFileType() or "") in ("MPP", "MPX", "MSPDI")

    def doc(self, program: str | None, project: str | None) -> dict[str, Any]:
        calendars, calendar_codes = self.calendars()
        self.calendar_codes = calendar_codes
        default = self.pf.getDefaultCalendar()
        calendar_code = calendar_codes.get(default.getUniqueID().intValue()) if (
            default is not None and default.getUniqueID() is not None) else None
        chosen = next((c for c in calendars if c["code"] == calendar_code), None)
        per_week = len(chosen["workdays"]) if chosen else 5
        resources, by_resource = self.resources(calendar_codes)
        tasks, by_task = self.tasks(per_week)
        deps = self.links(by_task, per_week)
        self.assignments(by_task, tasks, by_resource)
        title = self.props.getProjectTitle() or self.props.getName()
        stem = os.path.basename(self.name).rsplit(".", 1)[0] or "project"
        name = str(title) if title else stem
        saved = str(self.props.getName() or "")
        if not project and re.fullmatch(CODE, saved):
            project = saved  # plansync writes the project's code as the MSPDI Name
        start = _day(self.props.getStartDate())
        if start is None:
            firsts = [_day(t.getStart()) for t in self.pf.getTasks() if t.getStart() is not None]
            start = min((d for d in firsts if d), default=None)
        if start is None:
            raise ConvertError([located(self.name, "the schedule has no start date",
                                        "set the project start date in the scheduling tool")])
        seed_project: dict[str, Any] = {
            "code": project or slug(name, "project"), "name": name, "start": start.isoformat(),
            "tasks": sorted(tasks.values(), key=lambda t: wbs_key(t["wbs"])),
            "dependencies": deps}
        if calendar_code:
            seed_project["calendar"] = calendar_code
        doc = program_doc(program or slug(name, "program"), name, seed_project, resources,
                          calendars)
        if self.microsoft():  # scheduled as Microsoft Project schedules it (its dates)
            doc["program"]["scheduling"] = {"conventions": "msproject"}
        return doc

    def calendars(self) -> tuple[list[dict[str, Any]], dict[int, str]]:
        from java.time import DayOfWeek

        codes = Codes()
        out: list[dict[str, Any]] = []
        by_id: dict[int, str] = {}
        derived: list[Any] = []
        for calendar in self.pf.getCalendars():
            if _plain_derived(calendar):
                derived.append(calendar)  # a resource's copy of its base calendar
                continue
            workdays = [WEEKDAYS[i] for i, day in enumerate(_JAVA_DAYS)
                        if calendar.isWorkingDay(DayOfWeek.valueOf(day))]
            if not workdays:
                self.report.drop("calendars without working days")
                continue
            worked = Workdays(workdays)
            holidays: set[str] = set()
            for exception in calendar.getCalendarExceptions():
                if exception.getWorking():
                    self.report.drop("calendar exceptions with working time")
                    continue
                first, last = _day(exception.getFromDate()), _day(exception.getToDate())
                if first is None or last is None:
                    continue
                if exception.getRecurring() is not None:
                    self.report.approximate("recurring calendar exceptions (as their dates)")
                    for day in exception.getExpandedExceptions():
                        d0, d1 = _day(day.getFromDate()), _day(day.getToDate())
                        holidays.update(_days(d0, d1, worked))
                    continue
                holidays.update(_days(first, last, worked))
            if calendar.getWorkWeeks().size():
                self.report.drop("calendar work weeks", int(calendar.getWorkWeeks().size()))
            code = codes.new(str(calendar.getName() or "calendar"), "calendar")
            entry: dict[str, Any] = {"code": code, "workdays": workdays}
            if holidays:
                entry["holidays"] = sorted(holidays)
            out.append(entry)
            if calendar.getUniqueID() is not None:
                by_id[calendar.getUniqueID().intValue()] = code
        for calendar in derived:
            parent = calendar.getParent()
            if calendar.getUniqueID() is not None and parent.getUniqueID() is not None \
                    and parent.getUniqueID().intValue() in by_id:
                by_id[calendar.getUniqueID().intValue()] = by_id[parent.getUniqueID().intValue()]
        return out, by_id

    def resources(self, calendars: dict[int, str]
                  ) -> tuple[list[dict[str, Any]], dict[int, str]]:
        codes = Codes()
        out: list[dict[str, Any]] = []
        by_id: dict[int, str] = {}
        for resource in self.pf.getResources():
            name = resource.getName()
            if resource.getNull() or not name:
                continue
            kind = str(resource.getType())
            if kind == "COST":
                self.report.drop("cost resources")
                continue
            initials = str(resource.getInitials() or "")
            code = initials if re.fullmatch(CODE, initials) and initials not in codes.used \
                else codes.new(str(name), "resource")
            codes.used.add(code)
            entry: dict[str, Any] = {
                "code": code, "name": str(name),
                "type": "equipment" if kind == "MATERIAL" else
                "generic" if resource.getGeneric() else "person"}
            email = resource.getEmailAddress()
            if email:
                entry["email"] = str(email)
            units = resource.getMaxUnits()
            if units is not None and float(units.doubleValue()) not in (100.0, 0.0) \
                    and kind != "MATERIAL":
                entry["capacity"] = _number(units.doubleValue() / 100, 6)
            calendar = resource.getCalendar()
            if calendar is not None and calendar.getUniqueID() is not None:
                calendar_code = calendars.get(calendar.getUniqueID().intValue())
                if calendar_code:
                    entry["calendar"] = calendar_code
            out.append(entry)
            by_id[resource.getUniqueID().intValue()] = entry["code"]
        return out, by_id

    def tasks(self, per_week: int) -> tuple[dict[int, dict[str, Any]], dict[int, str]]:
        tops = list(self.pf.getChildTasks())
        if len(tops) == 1 and tops[0].getOutlineLevel() is not None and \
                tops[0].getOutlineLevel().intValue() == 0:
            tops = list(tops[0].getChildTasks())  # the project summary task is the project
        out: dict[int, dict[str, Any]] = {}
        by_id: dict[int, str] = {}
        stack: list[tuple[Any, str]] = [(t, "") for t in reversed(tops)]
        counters: dict[str, int] = {}
        while stack:
            task, prefix = stack.pop()
            if task.getNull():
                self.report.drop("blank task rows")
                continue
            counters[prefix] = counters.get(prefix, 0) + 1
            wbs = f"{prefix}{counters[prefix]}"
            children = list(task.getChildTasks())
            entry = self.task(task, wbs, summary=bool(children), per_week=per_week)
            uid = task.getUniqueID().intValue()
            out[uid] = entry
            by_id[uid] = wbs
            stack.extend((c, wbs + ".") for c in reversed(children))
        return out, by_id

    def task(self, task: Any, wbs: str, *, summary: bool, per_week: int) -> dict[str, Any]:
        name = task.getName()
        if not name:
            self.report.approximate("tasks without a name (named \"(no name)\")")
        entry: dict[str, Any] = {"wbs": wbs, "name": str(name) if name else "(no name)"}
        length = task.getDuration()
        elapsed = not summary and length is not None and \
            str(length.getUnits().name()).startswith("ELAPSED")
        duration = self.elapsed_days(length) if elapsed else self.days(length, per_week)
        if summary:
            if duration:
                self.report.recompute("summary task durations")
        elif duration is not None and (duration or not task.getMilestone()):
            entry["duration"] = max(0, min(duration, 100000))  # a milestone's too, if any
            if elapsed:
                entry["elapsed"] = True
        if task.getMilestone():
            entry["milestone"] = True
        kind = str(task.getConstraintType()) if task.getConstraintType() is not None else ""
        if kind in _CONSTRAINTS and task.getConstraintDate() is not None:
            entry["constraint"] = {"type": _CONSTRAINTS[kind],
                                   "date": _iso(task.getConstraintDate())}
        elif kind == "AS_LATE_AS_POSSIBLE":
            self.report.drop("as-late-as-possible constraints")
        elif kind not in ("", "AS_SOON_AS_POSSIBLE"):
            self.report.drop(f"constraints of type {kind}")
        if task.getDeadline() is not None:
            entry["deadline"] = _iso(task.getDeadline())
        notes = task.getNotes()
        if notes and str(notes).strip():
            entry["notes"] = str(notes)
        percent = task.getPercentageComplete()
        if percent is not None and float(percent.doubleValue()) > 0:
            entry["percent_complete"] = _number(min(100.0, float(percent.doubleValue())))
        if task.getActualStart() is not None:
            entry["actual_start"] = _iso(task.getActualStart())
        if task.getActualFinish() is not None:
            entry["actual_finish"] = _iso(task.getActualFinish())
        if entry.get("percent_complete") == 100:
            entry["status"] = "done"
        elif entry.get("percent_complete") or "actual_start" in entry:
            entry["status"] = "in_progress"
        if str(task.getTaskMode()) == "MANUALLY_SCHEDULED":
            if summary:
                self.report.drop("manual scheduling of summary tasks")
            elif task.getStart() is None:
                self.report.drop("manual scheduling of tasks without a start date")
            else:
                entry["manual"] = True
                entry["start"] = _iso(task.getStart())
        calendar = task.getCalendar()
        if calendar is not None:
            code = self.calendar_codes.get(calendar.getUniqueID().intValue()) \
                if calendar.getUniqueID() is not None else None
            if code and not summary:
                entry["calendar"] = code
            else:
                self.report.drop("calendars of summary tasks" if summary else
                                 "task calendars without working days")
        work = task.getWork()
        if work is not None and float(work.getDuration()) and not summary:
            self.report.drop("task work values")
        priority = task.getPriority()
        if priority is not None and priority.getValue() != 500:
            self.report.drop("task priorities")
        if task.getStart() is not None or task.getFinish() is not None:
            self.report.recompute("task scheduling results (dates, slack, critical)")
        return entry

    def links(self, by_id: dict[int, str], per_week: int) -> list[dict[str, Any]]:
        deps: list[dict[str, Any]] = []
        seen: set[tuple[str, str]] = set()
        for task in self.pf.getTasks():
            uid = task.getUniqueID()
            if uid is None or uid.intValue() not in by_id:
                continue
            for relation in task.getPredecessors():
                pred = relation.getPredecessorTask()
                if pred is None or pred.getUniqueID().intValue() not in by_id:
                    self.report.drop("links to tasks outside the plan")
                    continue
                pair = (by_id[pred.getUniqueID().intValue()], by_id[uid.intValue()])
                if pair in seen or pair[0] == pair[1]:
                    self.report.drop("second links between the same two tasks")
                    continue
                seen.add(pair)
                dep: dict[str, Any] = {"from": pair[0], "to": pair[1]}
                kind = _RELATIONS.get(str(relation.getType().name()), "FS")
                if kind != "FS":
                    dep["type"] = kind
                lag = self.days(relation.getLag(), per_week)
                if lag:
                    dep["lag"] = max(-100000, min(100000, lag))
                deps.append(dep)
        return deps

    def assignments(self, by_id: dict[int, str], tasks: dict[int, dict[str, Any]],
                    resources: dict[int, str]) -> None:
        for task in self.pf.getTasks():
            uid = task.getUniqueID()
            if uid is None or uid.intValue() not in tasks:
                continue
            entry = tasks[uid.intValue()]
            for assignment in task.getResourceAssignments():
                resource = assignment.getResource()
                if resource is None or resource.getUniqueID().intValue() not in resources:
                    continue
                code = resources[resource.getUniqueID().intValue()]
                entry["assignees"] = sorted(set(entry.get("assignees", [])) | {code})
                units = assignment.getUnits()
                if units is not None and float(units.doubleValue()) != 100.0:
                    self.report.drop("assignment units other than 100%")


def _plain_derived(calendar: Any) -> bool:
    """A derived calendar that changes nothing of its base (what a resource gets)."""
    from java.time import DayOfWeek

    if calendar.getParent() is None or calendar.getCalendarExceptions().size():
        return False
    return all(str(calendar.getCalendarDayType(DayOfWeek.valueOf(d))) == "DEFAULT"
               for d in _JAVA_DAYS)


def _days(first: dt.date | None, last: dt.date | None, worked: Workdays) -> list[str]:
    if first is None or last is None:
        return []
    out = []
    day = first
    while day <= last and (day - first).days <= MAX_EXCEPTION_DAYS:
        if worked.works(day):
            out.append(day.isoformat())
        day += dt.timedelta(days=1)
    return out
