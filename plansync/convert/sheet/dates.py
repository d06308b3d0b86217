"""Dates as a sheet holds them: date cells, Excel serial numbers, and the ways people type
a date (`sheet_day`); ambiguous day/month orders are refused.
"""

from __future__ import annotations

import datetime as dt
import re

from plansync.convert.planned import parse_day
from plansync.convert.sheet.table import _Reader, _Row, text

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
