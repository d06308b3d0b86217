"""Task sheet -> seed (`read_table`): the columns found from the header, the rows made into a
WBS tree from their Task columns, and what the plan does not hold reported.
"""

from __future__ import annotations

import re
from typing import Any

from plansync.convert.plan import program_doc, slug
from plansync.convert.report import Report, located
from plansync.convert.sheet.fields import _assignees, _dates, _dependencies, _status
from plansync.convert.sheet.table import Cell, Table, _Reader, _Row, _value, normalise, text
from plansync.errors import ConvertError

# Every column of the reference, normalised (export.py has the header written on export).
READ = {"sequence", "task", "description", "status", "phase", "hold", "started", "finished",
        "dependencies", "plannedstartdate", "plannedfinishdate", "actualstartdate",
        "actualfinishdate", "assignedto"}
KNOWN_DROPPED = {"template", "actionrequired", "lastactivitytimestamp", "message", "mode",
                 "startdependenciesmet", "finishdependenciesmet", "usechildfinish",
                 "assignmentstatus", "referredto", "instructions"}
_TASK_LEVEL = re.compile(r"task(\d+)")


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
