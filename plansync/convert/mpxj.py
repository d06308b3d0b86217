"""Real schedule files through MPXJ (the optional extra `plansync[mpxj]`, which needs a Java
runtime): the one module that talks to MPXJ and the JVM.

Reading takes whatever MPXJ's universal reader understands (Microsoft Project .mpp/.mpx and
MSPDI .xml, Primavera .xer and PMXML, Asta, Phoenix, GanttProject, ProjectLibre and more)
and maps it like the Microsoft Project for the web converter; writing produces MSPDI XML,
which Microsoft Project and ProjectLibre open.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from typing import Any

from plansync.convert.plan import Codes, Workdays, planned_dates, program_doc, slug
from plansync.convert.report import Report, located
from plansync.errors import ConvertError, MissingComponent
from plansync.seed.model import WEEKDAYS, split_ref, wbs_key

CODE = r"[a-z0-9][a-z0-9_-]{0,62}"
INSTALL = "pip install 'plansync[mpxj]' (MPXJ) and a Java runtime, 17 or newer"
_RELATIONS = {"FINISH_START": "FS", "START_START": "SS", "FINISH_FINISH": "FF",
              "START_FINISH": "SF"}
_CONSTRAINTS = {"MUST_START_ON": "must_start_on", "MUST_FINISH_ON": "must_finish_on",
                "START_NO_EARLIER_THAN": "start_no_earlier_than",
                "START_NO_LATER_THAN": "start_no_later_than",
                "FINISH_NO_EARLIER_THAN": "finish_no_earlier_than",
                "FINISH_NO_LATER_THAN": "finish_no_later_than",
                "MANDATORY_START": "must_start_on", "MANDATORY_FINISH": "must_finish_on",
                "START_ON": "must_start_on", "FINISH_ON": "must_finish_on"}
# Control characters: XML 1.0 cannot hold most of them at all (not even as &#...;), and
# MPXJ drops the others (DEL and C1) from what it writes.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_JAVA_DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")


def available() -> str | None:
    """None when MPXJ can run here, else what is missing (one line)."""
    try:
        _jvm()
    except MissingComponent as exc:
        return exc.message
    return None


def _jvm() -> Any:
    """The started JVM's `jpype` module, with MPXJ on the class path."""
    try:
        import jpype
        import mpxj  # noqa: F401 - puts MPXJ's jars on the class path
    except ImportError:
        raise MissingComponent(f"reading and writing real schedule files needs MPXJ: {INSTALL}",
                               hint="pip install 'plansync[mpxj]'") from None
    if not jpype.isJVMStarted():
        try:
            jpype.startJVM()
        except (jpype.JVMNotFoundException, jpype.JVMNotSupportedException, OSError) as exc:
            raise MissingComponent(f"reading and writing real schedule files needs a Java "
                                   f"runtime, 17 or newer ({exc})",
                                   hint="install one (apt-get install openjdk-17-jre-headless) "
                                   "or point JAVA_HOME at it") from None
    return jpype


# --- reading


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

    def days(self, duration: Any, workdays_per_week: int) -> float | int | None:
        """A Duration in working days (elapsed units approximated by the working week)."""
        if duration is None:
            return None
        from org.mpxj import TimeUnit

        unit = str(duration.getUnits())
        if unit.startswith("ELAPSED"):
            elapsed = float(duration.convertUnits(TimeUnit.ELAPSED_DAYS, self.props)
                            .getDuration())
            self.report.approximate("elapsed durations (as working days of the week)")
            return _number(elapsed * workdays_per_week / 7)
        if unit == "PERCENT":
            self.report.drop("lags given as a percentage")
            return None
        return _number(duration.convertUnits(TimeUnit.DAYS, self.props).getDuration())

    def doc(self, program: str | None, project: str | None) -> dict[str, Any]:
        calendars, calendar_codes = self.calendars()
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
        return program_doc(program or slug(name, "program"), name, seed_project, resources,
                           calendars)

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
        duration = self.days(task.getDuration(), per_week)
        if task.getMilestone():
            entry["milestone"] = True
            if duration:
                self.report.drop("milestone durations")
        elif summary:
            if duration:
                self.report.recompute("summary task durations")
        elif duration is not None:
            entry["duration"] = max(0, min(duration, 100000))
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
            self.report.drop("manual scheduling (manually scheduled tasks)")
        if task.getCalendar() is not None:
            self.report.drop("task calendars")
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
    while day <= last and (day - first).days <= 3660:
        if worked.works(day):
            out.append(day.isoformat())
        day += dt.timedelta(days=1)
    return out


# --- writing MSPDI


def write_mspdi(doc: dict[str, Any], report: Report) -> bytes:
    """MSPDI XML of the single project of `doc` (a plan Microsoft Project and ProjectLibre
    open); what MSPDI cannot hold is counted in `report`."""
    _jvm()
    from java.lang import Double as JDouble
    from java.time import DayOfWeek, LocalDate, LocalDateTime, LocalTime
    from org.mpxj import (
        Availability,
        ConstraintType,
        DayType,
        Duration,
        LocalTimeRange,
        ProjectFile,
        Relation,
        RelationType,
        ResourceType,
        TimeUnit,
    )
    from org.mpxj.common import LocalDateTimeHelper
    from org.mpxj.writer import FileFormat, UniversalProjectWriter

    program = doc["program"]
    project = program["projects"][0]

    def xml(value: str, *, name: bool = True) -> str:
        cleaned = _NOT_XML.sub("", value)
        if cleaned != value:
            report.approximate("control characters in names and notes (removed: XML cannot "
                               "hold them)")
        if name and re.search(r"[\t\r\n]", cleaned):  # what MPXJ does to names anyway
            cleaned = re.sub(r"[\t\r\n]", "", cleaned)
            report.approximate("tabs and line breaks in names (removed: Microsoft Project "
                               "names are one line)")
        if name and not cleaned:
            report.approximate('names left empty (written as "(no name)")')
            cleaned = "(no name)"
        return cleaned

    pf = ProjectFile()
    props = pf.getProjectProperties()
    props.setProjectTitle(xml(project["name"]))
    props.setName(project["code"])
    if program["code"] != project["code"] or program["name"] != project["name"]:
        report.drop("program codes and names (MSPDI holds one project)")
    start = dt.date.fromisoformat(project["start"])

    def at(day: str | dt.date, hour: int) -> Any:
        d = dt.date.fromisoformat(day) if isinstance(day, str) else day
        return LocalDateTime.of(d.year, d.month, d.day, hour, 0)

    props.setStartDate(at(start, 8))
    calendars: dict[str, Any] = {}
    ordered = sorted(program.get("calendars", []), key=lambda c: c["code"])
    chosen = project.get("calendar") or (ordered[0]["code"] if ordered else None)
    for entry in ordered:
        calendar = pf.addDefaultBaseCalendar()
        calendar.setName(entry["code"])
        workdays = set(entry.get("workdays", WEEKDAYS[:5]))
        for short, day in zip(WEEKDAYS, _JAVA_DAYS, strict=True):
            java_day = DayOfWeek.valueOf(day)
            if short in workdays:
                calendar.setCalendarDayType(java_day, DayType.WORKING)
                if calendar.getCalendarHours(java_day) is None:
                    hours = calendar.addCalendarHours(java_day)
                    hours.add(LocalTimeRange(LocalTime.of(8, 0), LocalTime.of(12, 0)))
                    hours.add(LocalTimeRange(LocalTime.of(13, 0), LocalTime.of(17, 0)))
            else:
                calendar.setCalendarDayType(java_day, DayType.NON_WORKING)
        for holiday in entry.get("holidays", []):
            d = dt.date.fromisoformat(holiday)
            day = LocalDate.of(d.year, d.month, d.day)
            calendar.addCalendarException(day, day)
        calendars[entry["code"]] = calendar
    if chosen in calendars:
        pf.setDefaultCalendar(calendars[chosen])
        props.setDefaultCalendar(calendars[chosen])
    else:
        pf.setDefaultCalendar(pf.addDefaultBaseCalendar())

    resources: dict[str, Any] = {}
    for entry in program.get("resources", []):
        resource = pf.addResource()
        name = xml(entry["name"])
        if any(c in name for c in ",[]"):
            report.approximate("resource names with a comma or square brackets (Microsoft "
                               "Project does not allow them: written as ; and spaces)")
            name = name.replace(",", ";").replace("[", " ").replace("]", " ")
        resource.setName(name)
        resource.setInitials(entry["code"])
        if entry.get("email"):
            resource.setEmailAddress(entry["email"])
        if entry["type"] == "equipment":
            resource.setType(ResourceType.MATERIAL)
            if "capacity" in entry:
                report.drop("capacities of equipment (material resources have none)")
        else:
            resource.setType(ResourceType.WORK)
            if entry["type"] == "generic":
                resource.setGeneric(True)
            if "capacity" in entry:  # MaxUnits is the availability of every date
                resource.getAvailability().add(Availability(
                    LocalDateTimeHelper.START_DATE_NA, LocalDateTimeHelper.END_DATE_NA,
                    JDouble(float(entry["capacity"]) * 100)))
        if entry.get("calendar") in calendars:
            resource.setCalendar(calendars[entry["calendar"]])
        resources[entry["code"]] = resource

    tasks = sorted(project.get("tasks", []), key=lambda t: wbs_key(t["wbs"]))
    parents = {t["wbs"].rpartition(".")[0] for t in tasks}
    dates = planned_dates(doc, project)
    made: dict[str, Any] = {}
    constraint_types = {v: k for k, v in _CONSTRAINTS.items() if k in (
        "MUST_START_ON", "MUST_FINISH_ON", "START_NO_EARLIER_THAN", "START_NO_LATER_THAN",
        "FINISH_NO_EARLIER_THAN", "FINISH_NO_LATER_THAN")}
    for entry in tasks:
        wbs = entry["wbs"]
        parent = wbs.rpartition(".")[0]
        task = made[parent].addTask() if parent else pf.addTask()
        made[wbs] = task
        task.setName(xml(entry["name"]))
        if entry.get("notes"):
            task.setNotes(xml(entry["notes"], name=False))
        if entry.get("milestone"):
            task.setMilestone(True)
            task.setDuration(Duration.getInstance(0, TimeUnit.DAYS))
        elif wbs not in parents:
            days = entry.get("duration")
            if days is None and "estimate" in entry:
                e = entry["estimate"]
                days = (e["optimistic"] + 4 * e["likely"] + e["pessimistic"]) / 6
                report.approximate("estimates (written as their PERT mean duration)")
            task.setDuration(Duration.getInstance(float(days or 0), TimeUnit.DAYS))
        s, f = dates.get(wbs, ("", ""))
        if s:
            task.setStart(at(s, 8))
        if f:
            task.setFinish(at(f, 17))
        constraint = entry.get("constraint")
        if constraint:
            task.setConstraintType(getattr(ConstraintType, constraint_types[constraint["type"]]))
            hour = 8 if constraint["type"].startswith(("start", "must_start")) else 17
            task.setConstraintDate(at(constraint["date"], hour))
        if entry.get("deadline"):
            task.setDeadline(at(entry["deadline"], 17))
        if entry.get("percent_complete"):
            percent = entry["percent_complete"]
            if percent != int(percent):
                report.approximate("percent complete values (MSPDI holds whole numbers)")
            task.setPercentageComplete(float(percent))
        if entry.get("actual_start"):
            task.setActualStart(at(entry["actual_start"], 8))
        if entry.get("actual_finish"):
            task.setActualFinish(at(entry["actual_finish"], 17))
        status = entry.get("status", "todo")
        implied = ("done" if entry.get("percent_complete") == 100 else "in_progress" if (
            entry.get("percent_complete") or entry.get("actual_start")) else "todo")
        if status != implied:
            report.drop("task statuses MSPDI cannot hold (blocked, cancelled, or not implied "
                        "by percent complete and actual dates)")
        if "sprint" in entry:
            report.drop("task sprints")
        if "estimate" in entry and "duration" in entry:
            report.drop("task estimates")
        for code in entry.get("assignees", []):
            task.addResourceAssignment(resources[code])
    relation_types = {v: k for k, v in _RELATIONS.items()}
    for dep in project.get("dependencies", []):
        if split_ref(dep["from"])[0] or split_ref(dep["to"])[0]:
            report.drop("links to other projects")
            continue
        builder = Relation.Builder().predecessorTask(made[dep["from"]]).type(
            getattr(RelationType, relation_types[dep.get("type", "FS")]))
        if dep.get("lag"):
            builder = builder.lag(Duration.getInstance(float(dep["lag"]), TimeUnit.DAYS))
        made[dep["to"]].addPredecessor(builder)
    report.drop("sprints", len(project.get("sprints", [])))
    report.drop("baselines", len(project.get("baselines", [])))
    report.drop("risks", len(project.get("risks", [])))
    report.drop("members", len(program.get("members", [])) + len(project.get("members", [])))
    if program.get("description") or project.get("description"):
        report.drop("descriptions of the program and project")
    if project.get("status") == "archived":
        report.drop("archived project statuses")
    with tempfile.TemporaryDirectory(prefix="plansync-mspdi-") as folder:
        path = os.path.join(folder, "plan.xml")
        UniversalProjectWriter(FileFormat.MSPDI).write(pf, path)
        with open(path, "rb") as handle:
            return handle.read()
