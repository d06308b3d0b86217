"""Task sheets (the tabular task export/import) <-> seed, whatever holds the cells.

A `Table` is the header and the rows of one sheet with their places; `csvfile` and `xlsx`
read and write the files, this module maps the columns. Headers are normalised as the
reference says: spaces and underscores removed, lower case ("Planned Start Date",
"planned_start_date" and "plannedstartdate" are one column).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from plansync.convert.plan import (
    Codes,
    Workdays,
    exported_dates,
    parse_day,
    program_doc,
    slug,
)
from plansync.convert.report import Report, located
from plansync.errors import ConvertError, Problem
from plansync.seed.model import split_ref, wbs_key

Cell = Any  # str | int | float | bool | date | datetime | None


@dataclass
class Table:
    """One sheet: header cells, then (row number, cells) of each data row. `place(row, col)`
    names a cell for errors ("cell C5" or "row 5, column 3"); `kind` is "csv" or "xlsx"."""

    file: str
    header: list[Cell]
    rows: list[tuple[int, list[Cell]]]
    place: Callable[[int, int], str]
    header_row: int = 1
    epoch: dt.datetime = dt.datetime(1899, 12, 30)  # day 0 of the sheet's serial dates
    other_sheets: int = 0


ALIASES = {"taskname": "task", "predecessors": "dependencies", "start": "plannedstartdate",
           "finish": "plannedfinishdate"}
# Every column of the reference, normalised, with the header written on export.
READ = {"sequence", "task", "description", "status", "phase", "hold", "started", "finished",
        "dependencies", "plannedstartdate", "plannedfinishdate", "actualstartdate",
        "actualfinishdate", "assignedto"}
KNOWN_DROPPED = {"template", "actionrequired", "lastactivitytimestamp", "message", "mode",
                 "startdependenciesmet", "finishdependenciesmet", "usechildfinish",
                 "assignmentstatus", "referredto", "instructions"}
HEADERS = {"sequence": "Sequence", "task": "Task", "description": "Description",
           "status": "Status", "dependencies": "Dependencies",
           "plannedstartdate": "Planned start date", "plannedfinishdate": "Planned finish date",
           "actualstartdate": "Actual start date", "actualfinishdate": "Actual finish date",
           "assignedto": "Assigned to"}
STATUS_LABELS = {"todo": "To do", "in_progress": "In progress", "blocked": "Blocked",
                 "done": "Done", "cancelled": "Cancelled"}
_STATUS_READ = {"todo": "todo", "notstarted": "todo", "open": "todo", "new": "todo",
                "inprogress": "in_progress", "started": "in_progress", "active": "in_progress",
                "blocked": "blocked", "onhold": "blocked", "hold": "blocked",
                "done": "done", "complete": "done", "completed": "done", "finished": "done",
                "closed": "done", "cancelled": "cancelled", "canceled": "cancelled"}
_PHASES = {"initial": "todo", "prepare": "todo", "assign": "todo", "wait": "todo",
           "ready": "todo", "info": "todo", "progress": "in_progress", "submit": "in_progress",
           "redo": "in_progress", "complete": "done", "cancel": "cancelled"}
_DEPENDENCY = re.compile(r"\s*(\d+)\s*(fs|ss|ff|sf)?\s*", re.IGNORECASE)
_TASK_LEVEL = re.compile(r"task(\d+)")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MAX_DURATION = 100000  # working days, as the seed format allows
_TRUE = {"true", "yes", "y", "1", "x"}
_FALSE = {"false", "no", "n", "0", ""}


def normalise(header: str) -> str:
    key = re.sub(r"[ _]", "", header).lower()
    return ALIASES.get(key, key)


def text(cell: Cell) -> str:
    """The text of a cell, trimmed; a string the exporter escaped (`'=1+1`) unescaped."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime | dt.date):
        return cell.isoformat()
    return unescape_formula(str(cell).strip())


# A cell starting with one of these is a formula in a spreadsheet (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: str) -> str:
    """`=1+1` -> `'=1+1` (a spreadsheet shows it as text, as OWASP recommends); a value that
    already starts with quotes before such a character gets one more, so that
    `unescape_formula` always gives back the value."""
    if value[:1] in FORMULA_START or (value[:1] == "'" and
                                      value.lstrip("'")[:1] in FORMULA_START):
        return "'" + value
    return value


def unescape_formula(value: str) -> str:
    if value[:1] == "'" and value.lstrip("'")[:1] in FORMULA_START:
        return value[1:]
    return value


@dataclass
class _Row:
    number: int
    cells: dict[str, tuple[int, Cell]]  # column key -> (column index, value)
    sequence: int
    level: int
    name: str
    wbs: str = ""
    parent: int | None = None
    children: int = 0


@dataclass
class _Reader:
    table: Table
    report: Report
    problems: list[Problem] = field(default_factory=list)

    def fail(self, row: int, col: int, message: str, hint: str) -> None:
        self.problems.append(located(self.table.file, f"{self.table.place(row, col)}: {message}",
                                     hint, line=row, column=col + 1))

    def check(self) -> None:
        if self.problems:
            raise ConvertError(self.problems)


def columns(reader: _Reader) -> tuple[dict[str, int], list[int]]:
    """column key -> index, and the index of each task level (Task, Task 2, ...)."""
    table = reader.table
    found: dict[str, int] = {}
    levels: dict[int, int] = {}
    last_level = 0
    for col, cell in enumerate(table.header):
        name = text(cell)
        if not name:
            if last_level and col - 1 == levels.get(last_level):
                last_level += 1  # a blank header right of Task (N) is the next level
                levels[last_level] = col
            else:
                found.setdefault(f"column {col + 1}", col)
            continue
        key = normalise(name)
        level = 1 if key == "task" else (int(m[1]) if (m := _TASK_LEVEL.fullmatch(key)) else 0)
        if level:
            if level in levels:
                reader.fail(table.header_row, col, f"a second column for task level {level} "
                            f"({name!r})", "keep one column per level: Task, Task 2, ...")
            levels[level] = col
            last_level = level
            continue
        last_level = 0
        if key in found:
            reader.fail(table.header_row, col, f"a second {name!r} column",
                        "keep one column of each kind")
        found[key] = col
    for required, header in (("sequence", "Sequence"), ("task", "Task")):
        if (required == "task" and 1 not in levels) or (required != "task"
                                                        and required not in found):
            reader.problems.append(located(
                table.file, f"missing required column {header!r}",
                f"add a {header!r} column to the header row (row {table.header_row}); the "
                "columns read are Sequence, Task (or Task name), Task 2..., Description, "
                "Status, Dependencies (or Predecessors), Planned start date (or Start), "
                "Planned finish date (or Finish), Actual start date, Actual finish date, "
                "Assigned to", line=table.header_row, column=1))
    missing = [n for n in range(1, max(levels, default=0) + 1) if n not in levels]
    if missing:
        reader.problems.append(located(
            table.file, f"there is no column for task level {missing[0]}",
            f"add a 'Task {missing[0]}' column (a blank header right of the last Task column "
            "is the next level)", line=table.header_row, column=1))
    reader.check()
    return found, [levels[n] for n in sorted(levels)]


def read_table(table: Table, *, program: str | None, project: str | None,
               start: str | None, report: Report) -> dict[str, Any]:
    """A seed document from a task sheet; raises ConvertError with every located problem."""
    reader = _Reader(table, report)
    for number, cells in [(table.header_row, table.header), *table.rows]:
        for col, cell in enumerate(cells):
            if isinstance(cell, str) and "\x00" in cell:
                reader.fail(number, col, "the cell holds a NUL character (\\u0000), which "
                            "no instance can store", "remove it")
    reader.check()
    cols, levels = columns(reader)
    rows = _rows(reader, cols, levels)
    reader.check()
    by_seq = {r.sequence: r for r in rows}
    tasks: dict[int, dict[str, Any]] = {}
    for row in rows:
        task: dict[str, Any] = {"wbs": row.wbs, "name": row.name}
        notes = _value(row, "description")
        if notes:
            task["notes"] = notes
        tasks[row.sequence] = task
    deps = _dependencies(reader, rows, by_seq)
    resources = _assignees(reader, rows, tasks)
    first = _dates(reader, rows, tasks, start)
    _status(reader, rows, tasks)
    reader.check()
    for key, col in cols.items():
        if key in READ:
            continue
        header = text(table.header[col]) or f"column {col + 1}"
        filled = sum(1 for r in rows if text(r.cells.get(key, (0, None))[1]))
        report.drop(f"{header!r} values", filled)
    report.drop("other worksheets (only the first visible one is read)", table.other_sheets)
    name = _file_stem(table.file)
    project_code = project or slug(name, "project")
    if first is None:
        raise ConvertError([located(table.file, "the sheet has no dates, and a plan needs a "
                                    "project start", "give one with --start YYYY-MM-DD",
                                    line=table.header_row, column=1)])
    seed_project: dict[str, Any] = {
        "code": project_code, "name": name, "start": first.isoformat(),
        "tasks": [tasks[r.sequence] for r in rows], "dependencies": [d for d, _ in deps]}
    at = "/program/projects/0"
    for i, row in enumerate(rows):
        col = levels[row.level - 1]
        report.sources[f"{at}/tasks/{i}"] = (row.number, col + 1, "", table.place(row.number,
                                                                                  col))
    for i, (_, (number, col)) in enumerate(deps):
        report.sources[f"{at}/dependencies/{i}"] = (number, col + 1, "",
                                                    table.place(number, col))
    return program_doc(program or project_code, name, seed_project, resources)


def _file_stem(path: str) -> str:
    import os

    base = os.path.basename(path) or "tasks"
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return stem or "tasks"


def _value(row: _Row, key: str) -> str:
    return text(row.cells.get(key, (0, None))[1])


def _rows(reader: _Reader, cols: dict[str, int], levels: list[int]) -> list[_Row]:
    rows: list[_Row] = []
    seen: dict[int, int] = {}
    stack: list[_Row] = []
    counters: dict[int | None, int] = {}
    seq_col = cols["sequence"]
    for number, cells in reader.table.rows:
        if all(text(c) == "" for c in cells):
            continue

        def cell(col: int, cells: list[Cell] = cells) -> Cell:
            return cells[col] if col < len(cells) else None

        raw = text(cell(seq_col))
        sequence = _int(raw)
        if sequence is None:
            reader.fail(number, seq_col, f"the sequence {raw!r} is not a whole number "
                        "above 0" if raw else "no sequence number",
                        "number every row (the task number its dependencies refer to)")
            continue
        if sequence in seen:
            reader.fail(number, seq_col, f"sequence {sequence} is used twice (first in row "
                        f"{seen[sequence]})", "give every row its own sequence number")
            continue
        seen[sequence] = number
        named = [(lvl, text(cell(col))) for lvl, col in enumerate(levels, 1) if text(cell(col))]
        if len(named) != 1:
            col = levels[named[1][0] - 1] if named else levels[0]
            reader.fail(number, col, "no task name" if not named else
                        "task names in more than one Task column",
                        "write the name in one column: Task for a top-level task, Task 2 for "
                        "a sub-task of the row above, and so on")
            continue
        level, name = named[0]
        if level > len(stack) + 1:
            reader.fail(number, levels[level - 1], f"a level-{level} task with no level-"
                        f"{level - 1} task above it", "put the task in the Task column one "
                        "level below its parent row")
            continue
        del stack[level - 1:]
        parent = stack[-1] if stack else None
        key = parent.sequence if parent else None
        counters[key] = counters.get(key, 0) + 1
        wbs = f"{parent.wbs}.{counters[key]}" if parent else str(counters[key])
        if parent:
            parent.children += 1
        row = _Row(number, {k: (c, cell(c)) for k, c in cols.items()}, sequence, level, name,
                   wbs, key)
        stack.append(row)
        rows.append(row)
    return rows


def _int(raw: str) -> int | None:
    return int(raw) if re.fullmatch(r"\d{1,9}", raw) and int(raw) > 0 else None


def parse_dependencies(raw: str) -> list[tuple[int, str]] | None:
    """`3fs, 5ff` (commas or semicolons, any case, fs by default) -> [(3, "FS"), (5, "FF")];
    None if malformed."""
    out = []
    for part in re.split(r"[,;]", raw):
        if not part.strip():
            continue
        match = _DEPENDENCY.fullmatch(part)
        if not match:
            return None
        out.append((int(match[1]), (match[2] or "fs").upper()))
    return out


def _dependencies(reader: _Reader, rows: list[_Row], by_seq: dict[int, _Row]
                  ) -> list[tuple[dict[str, Any], tuple[int, int]]]:
    """The dependencies, each with the (row, column) of the cell it was read from."""
    deps = []
    for row in rows:
        col, cell = row.cells.get("dependencies", (0, None))
        raw = text(cell)
        if not raw:
            continue
        parsed = parse_dependencies(raw)
        if parsed is None:
            reader.fail(row.number, col, f"cannot read the dependencies {raw!r}",
                        "write predecessor task numbers with a type: 3fs, 5ff (fs, ss, ff or "
                        "sf in any case, fs when left out; commas or semicolons between)")
            continue
        seen: set[int] = set()
        for number, kind in parsed:
            pred = by_seq.get(number)
            if pred is None:
                reader.fail(row.number, col, f"unknown predecessor {number}: no row has "
                            f"sequence {number}", "use the Sequence of another row")
            elif pred is row:
                reader.fail(row.number, col, f"task {number} depends on itself",
                            "remove it from its own dependencies")
            elif number in seen:
                reader.fail(row.number, col, f"predecessor {number} is listed twice",
                            "keep one dependency per predecessor")
            else:
                seen.add(number)
                dep = {"from": pred.wbs, "to": row.wbs}
                if kind != "FS":
                    dep["type"] = kind
                deps.append((dep, (row.number, col)))
    return deps


def read_date(reader: _Reader, row: _Row, key: str) -> dt.date | None:
    col, cell = row.cells.get(key, (0, None))
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        day = serial_day(cell, reader.table.epoch)
        if day is None:
            reader.fail(row.number, col, f"the number {cell!r} is not a date",
                        "write the date as YYYY-MM-DD or as a date cell (a number is read "
                        "as an Excel serial date, 1 to 2958465)")
        return day
    raw = text(cell)
    if not raw:
        return None
    day, why = sheet_day(raw, reader.table.epoch)
    if day is None:
        reader.fail(row.number, col, f"cannot read the date {raw!r}{why}",
                    "write dates as YYYY-MM-DD (a time after the date is ignored), or as "
                    "date cells in a spreadsheet")
    return day


_MONTHS = {m: n for n, names in enumerate(
    (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
     ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
     ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")), 1) for m in names}
_TEXT_DATES = (  # (pattern, order of the groups: y m d, with "b" a month name)
    (r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})", "ymd"),
    (r"(\d{4})(\d{2})(\d{2})", "ymd"),
    (r"(\d{1,2})\.(\d{1,2})\.(\d{4})", "dmy"),
    (r"(\d{1,2})[ -]([a-z]+)\.?[ -](\d{4})", "dby"),
    (r"([a-z]+)\.? (\d{1,2}),? (\d{4})", "bdy"),
)
_TIME = r"(?:[T ]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?: ?[ap]m)?)?"


def sheet_day(raw: str, epoch: dt.datetime = dt.datetime(1899, 12, 30)
              ) -> tuple[dt.date | None, str]:
    """A date as people type it in a sheet: YYYY-MM-DD (with a time or not), 2026/03/02,
    20260302, 02.03.2026 (day first), 2 Mar 2026, 2-Mar-2026, March 2, 2026, or an Excel
    serial number (46083); (None, why) otherwise. 03/02/2026 is refused: it is the 2nd of
    March in some countries and the 3rd of February in others."""
    day = parse_day(raw)
    if day is not None:
        return day, ""
    lower = raw.strip().lower()
    if re.fullmatch(r"\d{1,2}[/-]\d{1,2}[/-]\d{2,4}" + _TIME, lower):
        return None, " (day and month could be either way round)"
    if re.fullmatch(r"\d{5}(\.\d+)?", lower):  # a serial date that lost its date format
        return serial_day(float(lower), epoch), ""
    for pattern, order in _TEXT_DATES:
        match = re.fullmatch(pattern + _TIME, lower)
        if not match:
            continue
        parts = dict(zip(order, match.groups(), strict=True))
        month = _MONTHS.get(parts["b"]) if "b" in parts else int(parts["m"])
        if month is None:
            return None, ""
        try:
            return dt.date(int(parts["y"]), month, int(parts["d"])), ""
        except ValueError:
            return None, " (no such day)"
    return None, ""


def serial_day(value: float, epoch: dt.datetime = dt.datetime(1899, 12, 30)
               ) -> dt.date | None:
    """The day of an Excel serial date (its fraction is the time of day)."""
    if not 1 <= value <= 2958465:  # 1900-01-01 to 9999-12-31
        return None
    return (epoch + dt.timedelta(days=int(value))).date()


def _dates(reader: _Reader, rows: list[_Row], tasks: dict[int, dict[str, Any]],
           start: str | None) -> dt.date | None:
    """Planned and actual dates; returns the project start (the earliest planned date, or
    --start)."""
    workdays = Workdays()
    first: dt.date | None = dt.date.fromisoformat(start) if start else None
    for row in rows:
        task = tasks[row.sequence]
        s = read_date(reader, row, "plannedstartdate")
        f = read_date(reader, row, "plannedfinishdate")
        a_s = read_date(reader, row, "actualstartdate")
        a_f = read_date(reader, row, "actualfinishdate")
        if a_s:
            task["actual_start"] = a_s.isoformat()
        if a_f:
            task["actual_finish"] = a_f.isoformat()
        if s and f and f < s:
            reader.fail(row.number, row.cells["plannedfinishdate"][0],
                        f"the planned finish {f} is before the planned start {s}",
                        "correct one of the two dates")
            continue
        if start is None:
            for day in (s, f):
                if day and (first is None or day < first):
                    first = day
        if s:
            task["constraint"] = {"type": "start_no_earlier_than", "date": s.isoformat()}
        if s and f and not row.children:
            task["duration"] = workdays.count(s, f)
            if task["duration"] > MAX_DURATION:
                reader.fail(row.number, row.cells["plannedfinishdate"][0],
                            f"from {s} to {f} is {task['duration']:,} working days, more "
                            f"than a task may last ({MAX_DURATION:,})",
                            "correct the planned start or finish")
        elif f:
            task["deadline"] = f.isoformat()
    return first


def _status(reader: _Reader, rows: list[_Row], tasks: dict[int, dict[str, Any]]) -> None:
    for row in rows:
        status = None
        raw = _value(row, "status")
        if raw:
            status = _STATUS_READ.get(re.sub(r"[\s_-]", "", raw).lower())
            if status is None:
                reader.report.drop("status names that are not a plansync status")
        phase = _value(row, "phase").lower()
        if status is None and phase:
            status = _PHASES.get(phase)
            if status is None:
                reader.report.drop("unknown phases")
        if status is None and _flag(row, "finished"):
            status = "done"
        if status is None and _flag(row, "hold"):
            status = "blocked"
        if status is None and _flag(row, "started"):
            status = "in_progress"
        if status and status != "todo":
            tasks[row.sequence]["status"] = status


def _flag(row: _Row, key: str) -> bool:
    cell = row.cells.get(key, (0, None))[1]
    if isinstance(cell, bool):
        return cell
    return text(cell).lower() in _TRUE


def _assignees(reader: _Reader, rows: list[_Row], tasks: dict[int, dict[str, Any]]
               ) -> list[dict[str, Any]]:
    codes = Codes()
    by_key: dict[str, dict[str, Any]] = {}
    for row in rows:
        col, cell = row.cells.get("assignedto", (0, None))
        raw = text(cell)
        if not raw:
            continue
        people = parse_people(raw)
        if people is None:
            reader.fail(row.number, col, f"cannot read the assignee {raw!r}",
                        "write Name <email address>, several separated by commas")
            continue
        assigned = []
        for name, email in people:
            key = email.lower() if email else f"name:{name}"
            resource = by_key.get(key)
            if resource is None:
                resource = {"code": codes.new(name or email.split("@")[0], "resource"),
                            "name": name or email, "type": "person"}
                if email:
                    resource["email"] = email
                by_key[key] = resource
            assigned.append(resource["code"])
        tasks[row.sequence]["assignees"] = sorted(set(assigned))
    return list(by_key.values())


def parse_people(raw: str) -> list[tuple[str, str]] | None:
    """`Ana Lima <ana@example.com>, Bo <bo@example.com>` -> [(name, email), ...] (commas or
    semicolons between; a name with a comma in double quotes); a name alone is a person
    without an email, an address alone a person named by it. None if one is malformed."""
    out = []
    rest, pos = raw + ",", 0
    while pos < len(rest):  # part after part, nothing skipped: a stray quote is an error
        split = _PEOPLE_SPLIT.match(rest, pos)
        if split is None:
            return None
        pos = split.end()
        part = split[1].strip()
        if not part:
            continue
        match = _PERSON.fullmatch(part)
        if not match:
            return None
        raw_name = (match["name"] or match["alone"] or "").strip()
        quoted = raw_name.startswith('"')
        name = _unquote(raw_name) if quoted else raw_name
        email = (match["email"] or "").strip()
        if not email and not quoted and "@" in name:
            name, email = "", name
        if email and not _EMAIL.fullmatch(email):
            return None
        out.append((name, email))
    return out or None


_QUOTED = r'"(?:[^"\\]|\\[\s\S])*"'
_PEOPLE_SPLIT = re.compile(rf'((?:{_QUOTED}|<[^<>]*>|[^,;"<>])*)[,;]')
_PERSON = re.compile(rf'(?:(?P<name>{_QUOTED}|[^<>"]*?)\s*<(?P<email>[^<>]*)>|'
                     rf'(?P<alone>{_QUOTED}|[^<>"]+))')
_NEEDS_QUOTES = re.compile(r'[,;<>"\\@]')


def _unquote(quoted: str) -> str:
    """`"Device lab (40 phones, 12 tablets)"` -> the name; `\\"` and `\\\\` are `"` and `\\`."""
    return re.sub(r"\\([\s\S])", r"\1", quoted[1:-1]).strip()


def quote_name(name: str) -> str:
    """A name as `parse_people` reads it back: in double quotes when it holds a separator,
    a bracket, a quote, a backslash or an @."""
    if _NEEDS_QUOTES.search(name):
        return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return name


# --- seed -> sheet


def person(resource: dict[str, Any] | None, code: str) -> str:
    """`Name <email>` (or the name alone) as `parse_people` reads it back."""
    if resource is None:
        return code
    name = quote_name(written_name(resource))
    return f"{name} <{resource['email']}>" if resource.get("email") else name


def written_name(resource: dict[str, Any]) -> str:
    """A resource's name as a sheet holds it: trimmed, its code when that leaves nothing."""
    return sheet_text(resource.get("name", "")) or resource["code"]


def sheet_text(value: str) -> str:
    """A text as a sheet gives it back: cells are read trimmed."""
    return value.strip()


def export_rows(doc: dict[str, Any], report: Report, *, initial: bool
                ) -> tuple[list[str], list[list[Cell]]]:
    """Header and rows of the single project of `doc` (already cut to the part and the
    state wanted). Dates are `datetime.date` values; what a sheet cannot hold is counted."""
    program = doc["program"]
    project = program["projects"][0]
    tasks = sorted(project.get("tasks", []), key=lambda t: wbs_key(t["wbs"]))
    seq = {t["wbs"]: n for n, t in enumerate(tasks, 1)}
    depth = max((t["wbs"].count(".") + 1 for t in tasks), default=1)
    resources = {r["code"]: r for r in program.get("resources", [])}
    preds: dict[str, list[tuple[int, str]]] = {}
    for dep in project.get("dependencies", []):
        if split_ref(dep["from"])[0] or split_ref(dep["to"])[0]:
            report.drop("links to other projects")
            continue
        preds.setdefault(dep["to"], []).append((seq[dep["from"]], dep.get("type", "FS")))
        if dep.get("lag", 0):
            report.drop("dependency lags")
    dates = exported_dates(doc, project, report)
    keys = ["sequence", "task"] + [f"task{n}" for n in range(2, depth + 1)] + [
        "description", "status", "dependencies", "plannedstartdate", "plannedfinishdate",
        "actualstartdate", "actualfinishdate", "assignedto"]
    if initial:
        keys = [k for k in keys if k not in ("status", "actualstartdate", "actualfinishdate")]
    header = [HEADERS.get(k, f"Task {k[4:]}") for k in keys]
    out: list[list[Cell]] = []
    for task in tasks:
        wbs = task["wbs"]
        level = wbs.count(".") + 1
        start, finish = dates[wbs]
        values: dict[str, Cell] = {
            "sequence": seq[wbs],
            "task" if level == 1 else f"task{level}": _name(task["name"], report),
            "description": _notes(task.get("notes", ""), report),
            "status": STATUS_LABELS[task.get("status", "todo")],
            "dependencies": ", ".join(f"{n}{kind.lower()}" for n, kind in
                                      sorted(preds.get(wbs, []))),
            "plannedstartdate": _day(start), "plannedfinishdate": _day(finish),
            "actualstartdate": _day(task.get("actual_start", "")),
            "actualfinishdate": _day(task.get("actual_finish", "")),
            "assignedto": ", ".join(person(resources.get(c), c)
                                    for c in task.get("assignees", [])),
        }
        out.append([values.get(k) for k in keys])
        _task_losses(task, report, timed=bool(start and finish), finish=finish)
    _project_losses(doc, report)
    return header, out


def _name(name: str, report: Report) -> str:
    """A task name as a sheet reads it back (cells are trimmed; an empty one is no name)."""
    trimmed = sheet_text(name)
    if not trimmed:
        report.approximate('blank task names (written as "(no name)")')
        return "(no name)"
    if trimmed != name:
        report.approximate("task names with spaces at either end (trimmed)")
    return trimmed


def _notes(notes: str, report: Report) -> str:
    trimmed = sheet_text(notes)
    if trimmed != notes:
        report.approximate("task notes with spaces at either end (trimmed)")
    return trimmed


def _day(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _task_losses(task: dict[str, Any], report: Report, *, timed: bool, finish: str) -> None:
    if task.get("percent_complete"):
        report.drop("task percent complete values")
    if "estimate" in task:
        report.drop("task estimates (the planned dates use their PERT mean)")
    if task.get("milestone"):
        report.drop("milestone flags")
    if "sprint" in task:
        report.drop("task sprints")
    constraint = task.get("constraint")
    if constraint and constraint["type"] not in ("start_no_earlier_than", "must_start_on"):
        report.drop("finish and no-later-than constraints")
    elif constraint and timed and constraint["type"] == "must_start_on":
        report.drop("must-start-on constraints (written as the planned start)")
    if "deadline" in task and timed and task["deadline"] != finish:
        report.drop("deadlines of tasks with planned dates")


def _project_losses(doc: dict[str, Any], report: Report) -> None:
    program = doc["program"]
    project = program["projects"][0]
    report.drop("sprints", len(project.get("sprints", [])))
    report.drop("baselines", len(project.get("baselines", [])))
    report.drop("risks", len(project.get("risks", [])))
    report.drop("members", len(program.get("members", [])) + len(project.get("members", [])))
    report.drop("calendars (the planned dates use them)", len(program.get("calendars", [])))
    used = {c for t in project.get("tasks", []) for c in t.get("assignees", [])}
    report.drop("resources no task is assigned to",
                sum(1 for r in program.get("resources", []) if r["code"] not in used))
    # An assignee is read back by its email, else by its name: these become one resource.
    keys = Counter(r["email"].lower() if r.get("email") else "name:" + written_name(r)
                   for r in program.get("resources", []) if r["code"] in used)
    report.approximate("blank resource names (written as the resource's code)", sum(
        1 for r in program.get("resources", [])
        if r["code"] in used and not sheet_text(r["name"])))
    report.approximate("resources that share an email (or, without one, a name) with "
                       "another (read back as one)", sum(n - 1 for n in keys.values()))
    report.drop("resource codes (read back made from the names)", sum(
        1 for r in program.get("resources", []) if r["code"] in used and r["code"] != slug(
            written_name(r), "resource")))
    report.drop("resource types, capacities and calendars (as plain names)", sum(
        1 for r in program.get("resources", []) if r["code"] in used and (
            r["type"] != "person" or "capacity" in r or "calendar" in r)))
    if program.get("description") or project.get("description"):
        report.drop("descriptions of the program and project")

