"""Task sheets as CSV files (UTF-8, with or without a byte order mark; comma or semicolon)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from plansync.convert.report import located
from plansync.convert.sheet import Cell, Table, escape_formula
from plansync.errors import ConvertError


def read(name: str, data: bytes) -> Table:
    """The table of a CSV file; rows are numbered as records (row 1 is the header)."""
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConvertError([located(name, f"not UTF-8 text: byte 0x{data[exc.start]:02x} at "
                                    f"offset {exc.start}", "save the sheet as CSV UTF-8")]
                           ) from None
    first = content.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter, strict=True)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise ConvertError([located(name, f"not a readable CSV file: {exc} (line "
                                    f"{reader.line_num})", "check the quotes on that line",
                                    line=reader.line_num, column=1)]) from None
    if not records:
        raise ConvertError([located(name, "the file is empty", "the first row names the "
                                    "columns: Sequence, Task, ...")])
    header = [h.strip() for h in records[0]]
    rows: list[tuple[int, list[Cell]]] = [(n, list(r)) for n, r in enumerate(records[1:], 2)]

    def place(row: int, col: int) -> str:
        label = header[col] if col < len(header) and header[col] else f"column {col + 1}"
        return f"row {row}, column {col + 1} ({label})"

    return Table(name, list(header), rows, place)


def write(header: list[str], rows: list[list[Cell]]) -> bytes:
    """RFC 4180 lines (CRLF, so that a field holding a carriage return is quoted too); a
    text that a spreadsheet would take for a formula is escaped (`'=1+1`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[_cell(c) for c in row] for row in rows])
    return out.getvalue().encode("utf-8")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return escape_formula(value)
    return str(value)
