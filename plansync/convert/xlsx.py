"""Task sheets as Excel workbooks (.xlsx), through openpyxl: the one module that imports it."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

from plansync.convert.report import located
from plansync.convert.sheet import Cell, Table, escape_formula
from plansync.errors import ConvertError, MissingComponent

# What the parts of a workbook may unpack to, together: a 100,000-row sheet is about 40 MB,
# a zip bomb (a few KB that unpack to gigabytes) is refused before anything is unpacked.
MAX_UNPACKED = 512 * 1024 * 1024
# OOXML writes characters XML cannot hold as _xHHHH_ (ECMA-376, ST_Xstring), and a literal
# "_xHHHH_" with its underscore escaped (_x005F_xHHHH_).
_OOXML_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\r\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_TITLE_BAD = re.compile(r"[\\/*?:\[\]\x00-\x1f]")


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - a dependency of plansync
        raise MissingComponent("reading and writing .xlsx files needs openpyxl",
                               hint="pip install openpyxl") from None
    return openpyxl


def _unreadable(name: str, why: str) -> ConvertError:
    return ConvertError([located(name, f"not a readable .xlsx workbook: {why}",
                                 "save the sheet as an Excel workbook (.xlsx)")])


def _check_zip(name: str, data: bytes) -> None:
    """A zip whose parts unpack to at most MAX_UNPACKED bytes (zipfile never reads more than
    a part declares)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise _unreadable(name, str(exc) or type(exc).__name__) from None
    if total > MAX_UNPACKED:
        raise ConvertError([located(
            name, f"the workbook unpacks to {total:,} bytes, more than the "
            f"{MAX_UNPACKED:,} a task sheet may (a zip bomb?)",
            "save the task sheet alone in a workbook of its own")])


def ooxml_unescape(value: str) -> str:
    return _OOXML_ESCAPED.sub(lambda m: chr(int(m[1], 16)), value) if "_x" in value else value


def ooxml_escape(value: str) -> str:
    return _NOT_XML.sub(lambda m: f"_x{ord(m[0]):04X}_", value)


def read(name: str, data: bytes) -> Table:
    """The first visible worksheet of a workbook; errors name the cell (C5). A formula gives
    the value Excel saved with it; one that was never calculated is an error."""
    openpyxl = _openpyxl()
    from openpyxl.utils import get_column_letter

    _check_zip(name, data)
    try:
        records, formulas, epoch, others = _records(openpyxl, data, data_only=False)
        if formulas:  # the values Excel saved with the formulas
            values, _, _, _ = _records(openpyxl, data, data_only=True)
    except ConvertError:
        raise
    except Exception as exc:  # openpyxl fails in many ways on damaged parts
        raise _unreadable(name, f"{type(exc).__name__}: {exc}"[:300]) from None
    if records is None:
        raise ConvertError([located(name, "the workbook has no visible worksheet",
                                    "show the task sheet (Format > Sheet > Unhide)")])
    problems = []
    for row, col in formulas:
        value = values[row - 1][col] if row - 1 < len(values) and col < len(
            values[row - 1]) else None
        if value is None:
            problems.append(located(
                name, f"cell {get_column_letter(col + 1)}{row} holds a formula "
                f"({str(records[row - 1][col])[:60]}) whose value was never saved",
                "open the workbook in Excel and save it (so the value is stored), or "
                "replace the formula by its value", line=row, column=col + 1))
        records[row - 1][col] = value
    if problems:
        raise ConvertError(problems)
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

    return Table(name, list(header), rows, place, epoch=epoch, other_sheets=others)


def _records(openpyxl: Any, data: bytes, *, data_only: bool
             ) -> tuple[Any, list[tuple[int, int]], dt.datetime, int]:
    """(rows of cell values or None without a visible sheet, (row, column) of the formula
    cells, the workbook's date epoch, how many other worksheets hold something)."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    try:
        visible = [s for s in book.worksheets if getattr(s, "sheet_state", "visible")
                   == "visible"]
        if not visible:
            return None, [], book.epoch, 0
        formulas: list[tuple[int, int]] = []
        records: list[list[Cell]] = []
        for r, cells in enumerate(visible[0].iter_rows(), 1):
            row: list[Cell] = []
            for c, cell in enumerate(cells):
                value = getattr(cell, "value", None)
                if getattr(cell, "data_type", None) == "f" and not data_only:
                    formulas.append((r, c))
                elif isinstance(value, str):
                    value = ooxml_unescape(value)
                row.append(value)
            records.append(row)
        return records, formulas, book.epoch, len(book.worksheets) - 1
    finally:
        book.close()


def sheet_title(title: str) -> str:
    """A worksheet title Excel accepts: at most 31 characters, none of \\ / * ? : [ ]."""
    cleaned = _TITLE_BAD.sub("_", title).strip("'")[:31].strip()
    return cleaned or "Tasks"


def write(header: list[str], rows: list[list[Cell]], title: str = "Tasks") -> bytes:
    """A workbook with one sheet: bold header, frozen, dates as date cells; text is always
    text (never a formula: `=1+1` is written `'=1+1`), with the characters XML cannot hold
    as _xHHHH_."""
    openpyxl = _openpyxl()
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = sheet_title(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([ooxml_escape(escape_formula(v)) if isinstance(v, str) else v
                      for v in row])
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula
    sheet.freeze_panes = "A2"
    stamp = dt.datetime(2000, 1, 1)
    book.properties.creator = "plansync"
    book.properties.created = stamp
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
