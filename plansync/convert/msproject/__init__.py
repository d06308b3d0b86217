"""Microsoft Project for the web (the ExportProjectContent JSON) -> seed.

The document is `{"project": {...}}`: the project's own fields and its entity lists
(`tasks`, `links`, `resources`, `assignments`, `calendars`, `sprints`, ...). Each list is
read whichever way it is laid out: an array of records keyed by field name, or
`{"fields": [definitions], "values": [rows]}` with each row aligned with the definitions.
Durations, work and link delays are seconds of working time: converted with the project
calendar's hours per day (8 unless its working week says otherwise) and rounded to 1/1000 of a
day. Dates keep their calendar day in the project's timezone.

records.py reads the layouts and the project's own fields, calendars.py the calendars (and
so the hours per day), resources.py the resources, sprints and assignments, tasks.py the
tasks and links, and project.py puts them together into a seed plan (`read`).
"""

from __future__ import annotations

from plansync.convert.msproject.calendars import MAX_EXCEPTION_DAYS
from plansync.convert.msproject.project import (
    DROPPED_ENTITIES,
    PROJECT_COMPUTED,
    PROJECT_IGNORED,
    PROJECT_READ,
    read,
)
from plansync.convert.msproject.records import ENTITIES, ROW_KEYS, Record, days_of
from plansync.convert.msproject.resources import RESOURCE_IGNORED, RESOURCE_READ
from plansync.convert.msproject.tasks import (
    CONSTRAINTS,
    LINK_TYPES,
    TASK_COMPUTED,
    TASK_DROPPED,
    TASK_READ,
)

__all__ = ["CONSTRAINTS", "DROPPED_ENTITIES", "ENTITIES", "LINK_TYPES", "MAX_EXCEPTION_DAYS",
           "PROJECT_COMPUTED", "PROJECT_IGNORED", "PROJECT_READ", "RESOURCE_IGNORED",
           "RESOURCE_READ", "ROW_KEYS", "TASK_COMPUTED", "TASK_DROPPED", "TASK_READ", "Record",
           "days_of", "read"]
