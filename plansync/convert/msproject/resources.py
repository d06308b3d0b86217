"""Resources, sprints, and the assignments of resources to tasks."""

from __future__ import annotations

from typing import Any

from plansync.convert.msproject.records import Record, _key, _Reader
from plansync.convert.plan import EMAIL, Codes

RESOURCE_READ = {"id", "name", "userPrincipalName", "generic", "type"}
RESOURCE_IGNORED = {"bookableResourceId", "aadId", "aadUserType"}


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
        if isinstance(email, str) and EMAIL.fullmatch(email):
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
