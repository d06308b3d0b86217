"""Working-day calendars: dates <-> working-day offsets, and which day an instant falls on."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable
from datetime import date
from functools import lru_cache

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MON_FRI = WEEKDAYS[:5]
_CHUNK = 1461  # days added per extension of the precomputed range (four years)
_MAX_ORDINAL = date.max.toordinal()


class WorkCalendar:
    """Working days (weekdays minus holidays) numbered by offset from an anchor date.

    Offset 0 is the first working day on or after `anchor`; offsets count working days and may
    be negative. Working days are precomputed as sorted ordinals (extended on demand), so every
    conversion is a list index or a bisect.
    """

    def __init__(
        self,
        workdays: Iterable[str] = MON_FRI,
        holidays: Iterable[str | date] = (),
        anchor: date = date(2000, 1, 3),
    ) -> None:
        names = set(workdays)
        if names - set(WEEKDAYS):
            raise ValueError(f"unknown weekday names: {sorted(names - set(WEEKDAYS))}")
        if not names:
            raise ValueError("a calendar needs at least one working weekday")
        self.workdays = tuple(d for d in WEEKDAYS if d in names)
        self.holidays = frozenset(_ordinal(h) for h in holidays)
        self._weekdays = frozenset(WEEKDAYS.index(d) for d in names)
        self._lo = self._hi = anchor.toordinal()  # precomputed ordinal range [lo, hi)
        self._days: list[int] = []  # working-day ordinals in [lo, hi), ascending
        self._base = 0  # index in _days of offset 0
        self._extend_forward()

    @property
    def key(self) -> tuple[tuple[str, ...], frozenset[int]]:
        """What makes two calendars equal: their workdays and holidays."""
        return (self.workdays, self.holidays)

    def is_workday(self, ordinal: int) -> bool:
        """Whether the day with this proleptic ordinal is a working day."""
        return (ordinal - 1) % 7 in self._weekdays and ordinal not in self.holidays

    def offset_on_or_after(self, ordinal: int) -> int:
        """Offset of the first working day on or after the day `ordinal`."""
        while ordinal < self._lo:
            self._extend_backward()
        while ordinal >= self._hi:
            self._extend_forward()
        i = bisect_left(self._days, ordinal)
        while i >= len(self._days):
            self._extend_forward()
        return i - self._base

    def start_offset(self, day: date) -> int:
        """Offset of the day a task starting on `day` starts on (the next one if non-working)."""
        return self.offset_on_or_after(day.toordinal())

    def finish_offset(self, day: date) -> int:
        """Exclusive finish offset of work whose last day is `day`: working days up to `day`."""
        return self.offset_on_or_after(day.toordinal() + 1)

    def ordinal_at(self, offset: int) -> int:
        """Ordinal of the working day at an integer offset."""
        while offset + self._base < 0:
            self._extend_backward()
        while offset + self._base >= len(self._days):
            self._extend_forward()
        return self._days[offset + self._base]

    def ordinals_at(self, offsets: list[int]) -> list[int]:
        """`ordinal_at` of each offset, with one range check for the whole list."""
        if offsets:
            self.ordinal_at(min(offsets))  # extends the precomputed range to cover both ends
            self.ordinal_at(max(offsets))
        days, base = self._days, self._base
        return [days[k + base] for k in offsets]

    def date_at(self, offset: int) -> date:
        """The working day at an integer offset."""
        return date.fromordinal(self.ordinal_at(offset))

    def _extend_forward(self) -> None:
        hi = self._hi + _CHUNK
        if hi > _MAX_ORDINAL:
            raise ValueError("the schedule runs past the year 9999")
        self._days.extend(o for o in range(self._hi, hi) if self.is_workday(o))
        self._hi = hi

    def _extend_backward(self) -> None:
        lo = self._lo - _CHUNK
        if lo < 1:
            raise ValueError("the schedule runs before the year 1")
        new = [o for o in range(lo, self._lo) if self.is_workday(o)]
        self._days[:0] = new
        self._base += len(new)
        self._lo = lo


def _ordinal(day: str | date) -> int:
    return (day if isinstance(day, date) else date.fromisoformat(day)).toordinal()


@lru_cache(maxsize=65536)
def iso_date(ordinal: int) -> str:
    """`YYYY-MM-DD` of a day ordinal (cached: schedules reuse few distinct days)."""
    return date.fromordinal(ordinal).isoformat()


def snap(x: float) -> float:
    """`x`, or the nearest integer when within 1e-9 of it (absorbs float sums like 0.1 * 3)."""
    r = round(x)
    return float(r) if -1e-9 < x - r < 1e-9 else x


def first_day(start: float, duration: float, origin: float) -> int:
    """Offset of the day a task's start date is: the day containing the start instant.

    A milestone (duration 0) after `origin`, where its project's work begins (Plan.dating), is
    shown on the day of the work before it (the day at ceil(m) - 1); at or before `origin` it
    is shown on the day at floor(m).
    """
    s = snap(start)
    if duration > 0 or s <= origin:
        return math.floor(s)
    return math.ceil(s) - 1


def last_day(start: float, duration: float, origin: float) -> int:
    """Offset of the day a task's finish date is: the day of its last instant of work."""
    if duration <= 0:
        return first_day(start, 0, origin)
    return math.ceil(snap(start + duration)) - 1


def day_span(start: float, duration: float, origin: float) -> tuple[int, int]:
    """(first_day, last_day) of a task at once, snapping each instant only once: the report
    calls this for every leaf, twice."""
    r = round(start)
    near = -1e-9 < start - r < 1e-9  # snap(start), inlined like below
    if duration > 0:
        end = start + duration
        q = round(end)
        last = (q if -1e-9 < end - q < 1e-9 else math.ceil(end)) - 1
        return (r if near else math.floor(start)), last
    s = r if near else start
    day = math.floor(s) if s <= origin else math.ceil(s) - 1
    return day, day


def carry_forward(source: WorkCalendar, target: WorkCalendar, value: float, finish: bool) -> int:
    """Convert a start (or exclusive finish) offset of `source` to an offset of `target`.

    The value is rounded up to a whole day first, then mapped through its date: a start is the
    beginning of its day, a finish the end of the last day of work; the result is the first
    working day of `target` at or after that instant. Never earlier than the source instant.
    """
    k = math.ceil(snap(value))
    instant = source.ordinal_at(k - 1) + 1 if finish else source.ordinal_at(k)
    return target.offset_on_or_after(instant)


def carry_back(source: WorkCalendar, target: WorkCalendar, bound: float, finish: bool) -> int:
    """The largest `source` offset v with carry_forward(source, target, v, finish) <= bound."""
    day = target.ordinal_at(math.floor(snap(bound)))
    if finish:
        return source.offset_on_or_after(day)
    return source.offset_on_or_after(day + 1) - 1
