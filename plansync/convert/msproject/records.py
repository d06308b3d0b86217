"""Reading an ExportProjectContent document: the records of an entity list in either layout
(an array of records keyed by field name, or field definitions with rows aligned to them),
the project's own fields and timezone, and the `_Reader` that turns dates and seconds of
working time into days and collects the problems found.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from plansync.convert.report import PointerProblems, Report
from plansync.errors import Problem

ROW_KEYS = ("values", "rows", "records")
ENTITIES = ("assignments", "attachments", "buckets", "calendars", "checklistItems",
            "conditionalColoringRules", "conversations", "goalAssociations", "goals",
            "labelassociations", "labelAssociations", "labels", "links", "resources",
            "sprints", "tasks", "views")
_OFFSET = re.compile(r"([+-])(\d{1,2}):(\d{2})(?::(\d{2}))?")


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


def _key(value: Any) -> Any:
    """An id as a dictionary key: a list or an object (never an id) becomes its text."""
    return json.dumps(value) if isinstance(value, list | dict) else value
