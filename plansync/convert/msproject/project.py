"""The document as a whole -> a seed plan (`read`): each entity list read in turn, and what
becomes of the project's own fields and of the lists a plan does not hold.
"""

from __future__ import annotations

from typing import Any

from plansync.convert.msproject.calendars import _calendars
from plansync.convert.msproject.records import (
    ENTITIES,
    Record,
    _grid_views,
    _project_fields,
    _Reader,
    _records,
    _timezone,
)
from plansync.convert.msproject.resources import _assignments, _resources, _sprints
from plansync.convert.msproject.tasks import _links, _tasks
from plansync.convert.plan import Codes, program_doc, slug
from plansync.convert.report import Report, located
from plansync.errors import ConvertError
from plansync.seed.model import wbs_key

DROPPED_ENTITIES = {"attachments": "attachments", "buckets": "buckets",
                    "checklistItems": "checklist items",
                    "conditionalColoringRules": "conditional colouring rules",
                    "conversations": "conversations", "goalAssociations": "goal associations",
                    "goals": "goals", "labelassociations": "label associations",
                    "labelAssociations": "label associations", "labels": "labels"}
PROJECT_READ = {"id", "name", "projectStart", "calendarId", "timezoneOffset", "timezoneName",
                "projectState"}
PROJECT_COMPUTED = {"durationInDays", "work", "actualWork", "remainingWork", "duration",
                    "percentComplete", "percentWorkComplete", "earliestTaskStart",
                    "latestTaskFinish"}
PROJECT_IGNORED = {"hasCustomCalendar", "defaultSprintCreated"}


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
    plan = program_doc(program or slug(project_name, "program"), project_name, seed_project,
                       resources, calendars)
    plan["program"]["scheduling"] = {"conventions": "msproject"}  # Microsoft Project's dates
    return plan


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
