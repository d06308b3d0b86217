"""Task sheets (the tabular task export/import) <-> seed, whatever holds the cells.

A `Table` is the header and the rows of one sheet with their places; `csvfile` and `xlsx`
read and write the files, this package maps the columns. Headers are normalised as the
reference says: spaces and underscores removed, lower case ("Planned Start Date",
"planned_start_date" and "plannedstartdate" are one column).

table.py holds the cells and the text of a cell, read.py reads the header and the rows into a
WBS tree, fields.py reads each row's columns into task fields, with dates.py for dates and
people.py for assignees, and export.py writes a project back as a header and rows.
"""

from __future__ import annotations

from plansync.convert.planned import MAX_DURATION
from plansync.convert.sheet.dates import read_date, serial_day, sheet_day
from plansync.convert.sheet.export import HEADERS, STATUS_LABELS, export_rows
from plansync.convert.sheet.fields import parse_dependencies
from plansync.convert.sheet.people import parse_people, person, quote_name, written_name
from plansync.convert.sheet.read import KNOWN_DROPPED, READ, columns, read_table
from plansync.convert.sheet.table import (
    ALIASES,
    FORMULA_START,
    Cell,
    Table,
    escape_formula,
    normalise,
    sheet_text,
    text,
    unescape_formula,
)

__all__ = ["ALIASES", "FORMULA_START", "HEADERS", "KNOWN_DROPPED", "MAX_DURATION", "READ",
           "STATUS_LABELS", "Cell", "Table", "columns", "escape_formula", "export_rows",
           "normalise", "parse_dependencies", "parse_people", "person", "quote_name",
           "read_date", "read_table", "serial_day", "sheet_day", "sheet_text", "text",
           "unescape_formula", "written_name"]
