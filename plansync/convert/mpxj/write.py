"""Writing MSPDI XML (`write_mspdi`), which Microsoft Project and ProjectLibre open, with what
it cannot hold counted.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from typing import Any

from plansync.convert.mpxj.jvm import _jvm
from plansync.convert.mpxj.names import _CONSTRAINTS, _JAVA_DAYS, _RELATIONS
from plansync.convert.planned import planned_dates
from plansync.convert.report import Report
from plansync.seed.model import WEEKDAYS, split_ref, wbs_key

# Control characters: XML 1.0 cannot hold most of them at all (not even as &#...;), and
# MPXJ drops the others (DEL and C1) from what it writes.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


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
        TaskMode,
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
        unit = TimeUnit.ELAPSED_DAYS if entry.get("elapsed") else TimeUnit.DAYS
        if entry.get("milestone"):
            task.setMilestone(True)  # with its duration, if it has one
            task.setDuration(Duration.getInstance(float(entry.get("duration", 0)), unit))
        elif wbs not in parents:
            days = entry.get("duration")
            if days is None and "estimate" in entry:
                e = entry["estimate"]
                days = (e["optimistic"] + 4 * e["likely"] + e["pessimistic"]) / 6
                report.approximate("estimates (written as their PERT mean duration)")
            task.setDuration(Duration.getInstance(float(days or 0), unit))
        s, f = dates.get(wbs, ("", ""))
        if entry.get("manual"):  # fixed on its start, whatever its links say
            task.setTaskMode(TaskMode.MANUALLY_SCHEDULED)
            s = entry["start"]
        if s:
            task.setStart(at(s, 8))
        if f:
            task.setFinish(at(f, 17))
        elif entry.get("manual"):  # no length: it finishes as it starts (a manual task needs
            task.setFinish(at(s, 8))  # a finish, or MPXJ cannot write its assignments)
        if entry.get("calendar") in calendars:
            task.setCalendar(calendars[entry["calendar"]])
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
