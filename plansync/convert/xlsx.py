"""Task sheets as Excel workbooks (.xlsx), through openpyxl: the one module that imports it."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from plansync.convert.report import located
from plansync.convert.sheet import Cell, Table
from plansync.errors import ConvertError, MissingComponent


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - a dependency of plansync
        raise MissingComponent("reading and writing .xlsx files needs openpyxl",
                               hint="pip install openpyxl") from None
    return openpyxl


def read(name: str, data: bytes) -> Table:
    """The first worksheet of a workbook; errors name the cell (C5)."""
    openpyxl = _openpyxl()
    from openpyxl.utils import get_column_letter

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ConvertError([located(name, f"not a readable .xlsx workbook: {exc}",
                                    "save the sheet as an Excel workbook (.xlsx)")]) from None
    try:
        sheet = book.worksheets[0]
        records = [list(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    if not records:
        raise ConvertError([located(name, "the first worksheet is empty",
                                    "the first row names the columns: Sequence, Task, ...")])
    header: list[Cell] = records[0]
    while header and header[-1] is None:
        header = header[:-1]
    rows = [(n, r) for n, r in enumerate(records[1:], 2)]

    def place(row: int, col: int) -> str:
        label = header[col] if col < len(header) and header[col] else f"column {col + 1}"
        return f"cell {get_column_letter(col + 1)}{row} ({label})"

    return Table(name, list(header), rows, place)


def write(header: list[str], rows: list[list[Cell]], title: str = "Tasks") -> bytes:
    """A workbook with one sheet: bold header, frozen, dates as date cells."""
    openpyxl = _openpyxl()
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title[:31] or "Tasks"
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, never a formula
    sheet.freeze_panes = "A2"
    stamp = dt.datetime(2000, 1, 1)
    book.properties.creator = "plansync"
    book.properties.created = stamp
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
