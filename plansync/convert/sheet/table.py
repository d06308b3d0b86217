"""A sheet as cells: the `Table` csvfile and xlsx fill, the text of a cell (trimmed, a formula
the exporter escaped given back), header names normalised, and the rows and problems of a
sheet being read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from plansync.convert.report import Report, located
from plansync.errors import ConvertError, Problem

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


def _value(row: _Row, key: str) -> str:
    return text(row.cells.get(key, (0, None))[1])


def sheet_text(value: str) -> str:
    """A text as a sheet gives it back: cells are read trimmed."""
    return value.strip()
