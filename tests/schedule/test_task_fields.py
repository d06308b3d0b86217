"""The task fields issue 16 added to the format, scheduled: manual tasks, a calendar per task,
elapsed durations and milestones with a duration. Hand-checked; project start Monday
2026-01-05 on Monday-Friday, under both conventions unless said otherwise."""

from __future__ import annotations

from typing import Any

import pytest

from plansync.schedule.cpm import schedule
from tests.schedule.docs import ALL_DAYS, dates, dep, one, rows, task
from tests.schedule.test_exact_cases import agrees_with_reference, late

MON5, TUE6, WED7, THU8, FRI9 = "2026-01-05", "2026-01-06", "2026-01-07", "2026-01-08", "2026-01-09"
SAT10, SUN11, MON12, TUE13 = "2026-01-10", "2026-01-11", "2026-01-12", "2026-01-13"
CONVENTIONS = ["plansync", "msproject"]
CALS = [{"code": "all", "workdays": ALL_DAYS},
        {"code": "week", "workdays": ALL_DAYS[:5], "holidays": ["2026-01-12"]}]


def with_conventions(doc: dict[str, Any], conventions: str) -> dict[str, Any]:
    doc["program"]["scheduling"] = {"conventions": conventions}
    return doc


@pytest.mark.parametrize("conventions", CONVENTIONS)
def test_a_manual_task_keeps_its_start_and_moves_its_successors(conventions: str) -> None:
    # 1 (5d) Mon 5 - Fri 9 -> 2 (2d, manual from Wed 7) -> 3 (1d). 2 stays Wed 7 - Thu 8
    # (its link would start it on Mon 12: a warning), 3 follows it on Fri 9.
    doc = with_conventions(one(
        [task("1", 5), task("2", 2, manual=True, start=WED7), task("3", 1)],
        [dep("1", "2"), dep("2", "3")]), conventions)
    s = schedule(doc)
    r = rows(s)
    assert dates(r["lm:2"]) == (WED7, THU8)
    assert dates(r["lm:3"]) == (FRI9, FRI9)
    assert s.warnings == ["lm:2 is scheduled manually from 2026-01-07; its dependencies "
                          "would start it on 2026-01-12"]
    # its late dates are computed normally: 3 may end with the program (Fri 9)
    assert (r["lm:2"].late_start, r["lm:2"].total_float) == (WED7, 0)
    assert r["lm:1"].total_float == -3  # it should have ended before 2's start
    agrees_with_reference(doc)


def test_a_manual_task_before_the_project_start_and_on_a_weekend() -> None:
    # manual from Fri Jan 2 (before the project start): it stays there; manual from Sat 10:
    # the next working day, Mon 12.
    doc = one([task("1", 1, manual=True, start="2026-01-02"),
               task("2", 1, manual=True, start=SAT10)])
    r = rows(schedule(doc))
    assert dates(r["lm:1"]) == ("2026-01-02", "2026-01-02")
    assert dates(r["lm:2"]) == (MON12, MON12)
    agrees_with_reference(doc)


@pytest.mark.parametrize("conventions", CONVENTIONS)
def test_a_task_on_its_own_calendar(conventions: str) -> None:
    # The project works Monday-Friday with a holiday on Mon 12; 2 works every day ("all").
    # 1 (5d) Mon 5 - Fri 9 -> 2 (2d on "all"): Sat 10 - Sun 11 -> 3 (1d, the project's
    # calendar): Tue 13 (Mon 12 is its holiday). Floats count each task's own working days.
    doc = with_conventions(one([task("1", 5), task("2", 2, calendar="all"), task("3", 1)],
                               [dep("1", "2"), dep("2", "3")], calendars=CALS,
                               calendar="week"), conventions)
    r = rows(schedule(doc))
    assert dates(r["lm:2"]) == (SAT10, SUN11)
    assert dates(r["lm:3"]) == (TUE13, TUE13)
    # 2 may slip one day of its own (Mon 12) and 3 still starts Tue 13
    assert (r["lm:2"].total_float, r["lm:2"].free_float) == (1, 1)
    assert r["lm:1"].critical and r["lm:3"].critical
    agrees_with_reference(doc)


@pytest.mark.parametrize("conventions", CONVENTIONS)
def test_an_elapsed_duration_counts_calendar_days(conventions: str) -> None:
    # 1 (5d) Mon 5 - Fri 9 -> 2 (3 elapsed days, e.g. concrete curing): Sat 10 - Mon 12,
    # through the weekend and the project's holiday on Mon 12 -> 3 (1d): Tue 13.
    doc = with_conventions(one([task("1", 5), task("2", 3, elapsed=True), task("3", 1)],
                               [dep("1", "2"), dep("2", "3")], calendars=CALS,
                               calendar="week"), conventions)
    r = rows(schedule(doc))
    assert dates(r["lm:2"]) == (SAT10, MON12)
    assert dates(r["lm:3"]) == (TUE13, TUE13)
    assert all(row.critical for row in r.values())
    agrees_with_reference(doc)


def test_a_summary_of_leaves_on_different_calendars_links_by_dates() -> None:
    # Summary 1: 1.1 (2d, Mon-Fri) Mon 5 - Tue 6 and 1.2 (1 elapsed day) Mon 5. 1 FS-> 2:
    # the summary's finish is a date, the end of Tue 6: 2 starts Wed 7.
    doc = one([task("1"), task("1.1", 2), task("1.2", 1, elapsed=True), task("2", 1)],
              [dep("1", "2")])
    r = rows(schedule(doc))
    assert dates(r["lm:2"]) == (WED7, WED7)
    assert (r["lm:1.2"].total_float, r["lm:1.2"].free_float) == (1, 1)  # Tue 6 is free
    agrees_with_reference(doc)


@pytest.mark.parametrize("conventions", CONVENTIONS)
def test_a_milestone_with_a_duration(conventions: str) -> None:
    # A 2-day task flagged as a milestone (a review that takes two days, shown as a
    # milestone): it runs Mon 5 - Tue 6 like any task, and its row says milestone.
    doc = with_conventions(one([task("1", 2, milestone=True), task("2", 1)],
                               [dep("1", "2")]), conventions)
    r = rows(schedule(doc))
    assert late(r["lm:1"]) == (MON5, TUE6, MON5, TUE6, 0, 0, True)
    assert r["lm:1"].milestone and not r["lm:2"].milestone
    assert dates(r["lm:2"]) == (WED7, WED7)
    agrees_with_reference(doc)
