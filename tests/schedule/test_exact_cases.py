"""Hand-checked minimal cases of issue 16: the rules the engine used to get wrong, and the
cases where the docs said something else than the (right) code. Unless said otherwise:
project start Monday 2026-01-05 on Monday-Friday, so offsets 0..4 are Jan 5..9, 5..9 are
Jan 12..16 and 10 is Mon Jan 19. Each case is also checked against the brute-force
reference (tests/schedule/reference.py)."""

from __future__ import annotations

from typing import Any

from plansync.schedule.cpm import schedule
from tests.schedule.docs import ALL_DAYS, dep, one, program, project, rows, task
from tests.schedule.reference import reference_rows

MON5, TUE6, WED7, THU8, FRI9 = "2026-01-05", "2026-01-06", "2026-01-07", "2026-01-08", "2026-01-09"
SAT10, SUN11, MON12, TUE13 = "2026-01-10", "2026-01-11", "2026-01-12", "2026-01-13"


def late(row: Any) -> tuple[str, str, str, str, float, float, bool]:
    return (row.early_start, row.early_finish, row.late_start, row.late_finish,
            row.total_float, row.free_float, row.critical)


def agrees_with_reference(doc: dict[str, Any]) -> None:
    expected, finish = reference_rows(doc)
    result = schedule(doc)
    assert result.finish == finish
    for row in result.tasks:
        want = expected[f"{row.project}:{row.wbs}"]
        assert (row.early_start, row.early_finish, row.late_start, row.late_finish) == (
            want["early_start"], want["early_finish"], want["late_start"], want["late_finish"])
        assert abs(row.total_float - float(want["total_float"])) < 1e-6
        assert abs(row.free_float - float(want["free_float"])) < 1e-6
        assert row.critical == want["critical"]


def test_free_float_of_a_leaf_of_a_summary_predecessor() -> None:
    # S (A 2d, B 3d) FS-> X, and Y 10d FS-> X: X starts at 10 (Mon 19). B ends at 3 and can
    # slip 7 days without moving X; A ends at 2: 8. They used to get 0 (measured against an
    # internal node of S instead of X).
    doc = one([task("1"), task("1.1", 2), task("1.2", 3), task("2", 10), task("3", 1)],
              [dep("1", "3"), dep("2", "3")])
    r = rows(schedule(doc))
    assert (r["lm:1.1"].total_float, r["lm:1.1"].free_float) == (8, 8)
    assert (r["lm:1.2"].total_float, r["lm:1.2"].free_float) == (7, 7)
    assert (r["lm:1"].total_float, r["lm:1"].free_float) == (7, 7)
    assert r["lm:3"].early_start == "2026-01-19"
    agrees_with_reference(doc)


def test_free_float_of_a_predecessor_of_a_summary() -> None:
    # P (1d) FS-> S (C 1d, D 1d with start_no_earlier_than Thu 8): C starts Tue (right after
    # P), D on Thu. P's slack is the least over S's leaves: 0 (against C), not against an
    # internal node.
    doc = one([task("1", 1), task("2"), task("2.1", 1),
               task("2.2", 1, constraint={"type": "start_no_earlier_than", "date": THU8})],
              [dep("1", "2")])
    r = rows(schedule(doc))
    assert r["lm:2.1"].early_start == TUE6 and r["lm:2.2"].early_start == THU8
    assert r["lm:1"].free_float == 0
    agrees_with_reference(doc)


def test_a_summary_of_started_work_never_bounds_the_program_end() -> None:
    # 1 (5d) FS+3-> S, whose only leaf 2.1 started Mon 5 (1 day): 2.1 is pinned there, so S's
    # internal start node sits at offset 8, past every task. 3 (5d, Mon-Fri) ends the program
    # on Fri 9: it is critical, and no late date falls after Fri 9 (the internal node used to
    # end the backward pass at offset 8: 3 got float 3 and lost its critical flag).
    doc = one([task("1", 5), task("2"),
               task("2.1", 1, status="in_progress", actual_start=MON5), task("3", 5)],
              [dep("1", "2", lag=3)])
    s = schedule(doc)
    r = rows(s)
    assert s.finish == FRI9
    assert late(r["lm:3"]) == (MON5, FRI9, MON5, FRI9, 0, 0, True)
    assert all(row.late_finish <= s.finish for row in s.tasks)
    # 1 should have ended 8 days before 2.1's late start (offset 4): float -8 + ... = -4
    assert r["lm:1"].total_float == -4 and r["lm:1"].critical
    agrees_with_reference(doc)


def test_cross_calendar_late_dates_fit_the_forward_rule_with_a_fractional_successor() -> None:
    # s:1 (7-day calendar, 3 days) Mon 5 - Wed 7, FF to w:1 (Mon-Fri, PERT mean 2.5 days).
    # Forward: s:1's finish is the end of Wed 7, so w:1 finishes at offset 3 or later: it
    # runs [0.5, 3), Mon 5 - Wed 7. Backward: w:1 may end at 3.0 at the latest, so s:1's
    # finish may be converted to w's offset 3 at the latest: Wed 7 (late start Mon 5, float 0).
    cals = [{"code": "all", "workdays": ALL_DAYS}, {"code": "week", "workdays": ALL_DAYS[:5]}]
    doc = program(
        project("s", [task("1", 3)], calendar="all"),
        project("w", [task("1", estimate={"optimistic": 1, "likely": 2, "pessimistic": 6})],
                [dep("s:1", "1", "FF")], calendar="week"),
        calendars=cals)
    r = rows(schedule(doc))
    assert late(r["w:1"]) == (MON5, WED7, MON5, WED7, 0, 0, True)
    assert late(r["s:1"]) == (MON5, WED7, MON5, WED7, 0, 0, True)
    agrees_with_reference(doc)


def test_must_start_on_a_weekend_means_the_next_working_day_for_both_bounds() -> None:
    # must_start_on Sat 10: early and late start Mon 12 (it used to be early Mon 12, late
    # Fri 9: float -1 and a warning that could never go away).
    doc = one([task("1", 10), task("2", 2, constraint={"type": "must_start_on",
                                                       "date": SAT10})])
    s = schedule(doc)
    assert late(rows(s)["lm:2"]) == (MON12, TUE13, MON12, TUE13, 0, 0, True)
    assert s.warnings == []
    agrees_with_reference(doc)


def test_start_no_later_than_a_weekend_means_the_next_working_day() -> None:
    # 1 (3d) -> 2 (1d) start_no_later_than Sun 11: 2 starts Thu 8, may start Mon 12 at the
    # latest: float 2 (the finish is 1's end + 2's... set by 3, 10 days).
    doc = one([task("1", 3), task("2", 1, constraint={"type": "start_no_later_than",
                                                      "date": SUN11}), task("3", 10)],
              [dep("1", "2")])
    r = rows(schedule(doc))
    assert (r["lm:2"].early_start, r["lm:2"].late_start, r["lm:2"].total_float) == (
        THU8, MON12, 2)
    assert r["lm:1"].total_float == 2
    agrees_with_reference(doc)


def test_finish_constraints_on_a_weekend_mean_the_last_working_day_before() -> None:
    # finish_no_earlier_than Sat 10 and must_finish_on Sun 11 both mean "the last working day
    # on or before": Fri 9. A 2-day task then runs Thu 8 - Fri 9.
    for kind, day in (("finish_no_earlier_than", SAT10), ("must_finish_on", SUN11)):
        doc = one([task("1", 2, constraint={"type": kind, "date": day})])
        r = rows(schedule(doc))["lm:1"]
        assert (r.early_start, r.early_finish, r.late_finish) == (THU8, FRI9, FRI9), kind
        agrees_with_reference(doc)


def test_a_milestone_whose_late_date_falls_before_its_project_start() -> None:
    # milestone 1 -> 2 (2d) with finish_no_later_than Mon 5: 2's late finish is Mon 5 (end
    # offset 1), so its late start is offset -1, and the milestone's late instant is -1:
    # before the project start, it shows the day at floor(-1): Fri Jan 2 (not the project
    # start day, which is where an instant at the start offset itself shows).
    doc = one([task("1", milestone=True), task("2", 2, constraint={
        "type": "finish_no_later_than", "date": MON5})], [dep("1", "2")])
    r = rows(schedule(doc))
    assert (r["lm:1"].early_start, r["lm:1"].late_start, r["lm:1"].late_finish) == (
        MON5, "2026-01-02", "2026-01-02")
    assert r["lm:1"].total_float == -1
    agrees_with_reference(doc)


def test_the_program_finish_set_by_a_milestone_at_its_project_start_on_several_calendars(
) -> None:
    # a: Mon-Fri, starts Mon 12 with only a milestone: it shows Mon 12, the program finish.
    # b: 7-day calendar, starts Mon 5, 3 days: Mon 5 - Wed 7. The calendar of the finish
    # date (a's) ends at its largest early finish: offset 0 exactly, so the milestone is
    # critical; b's tasks end with the finish date (Mon 12 included): 3 may finish Mon 12,
    # float 5.
    cals = [{"code": "all", "workdays": ALL_DAYS}, {"code": "week", "workdays": ALL_DAYS[:5]}]
    doc = program(project("a", [task("1", milestone=True)], start=MON12, calendar="week"),
                  project("b", [task("1", 3)], calendar="all"), calendars=cals)
    s = schedule(doc)
    r = rows(s)
    assert s.finish == MON12
    assert late(r["a:1"]) == (MON12, MON12, MON12, MON12, 0, 0, True)
    assert (r["b:1"].late_finish, r["b:1"].total_float) == (MON12, 5)
    agrees_with_reference(doc)


def test_milestones_when_a_lead_puts_work_before_the_project_start() -> None:
    # Microsoft Project's conventions: project start Mon 12 (offset 5). Task 1 (half a day)
    # must finish no earlier than Sun 11, so on Fri 9 (the last working day on or before):
    # it runs [4.5, 5). Milestone 2 follows it FS -1 (at 4, the start of Fri 9), milestone 3
    # SS 0 (at 4.5). The project's work begins on Fri 9, so an instant at 5 is the end of
    # Fri 9, not the start of Mon 12: 2's late instant (5, the program's end) shows Fri 9,
    # the program finish. It used to show Mon 12, after the program finish.
    doc = one([task("1", 0.5, constraint={"type": "finish_no_earlier_than", "date": SUN11}),
               task("2", milestone=True), task("3", milestone=True)],
              [dep("1", "2", lag=-1), dep("1", "3", "SS")], start=MON12)
    doc["program"]["scheduling"] = {"conventions": "msproject"}
    s = schedule(doc)
    r = rows(s)
    assert s.finish == FRI9
    assert late(r["lm:1"]) == (FRI9, FRI9, FRI9, FRI9, 0, 0, True)
    assert late(r["lm:2"]) == (FRI9, FRI9, FRI9, FRI9, 1, 1, False)
    assert late(r["lm:3"]) == (FRI9, FRI9, FRI9, FRI9, 0.5, 0.5, False)
    agrees_with_reference(doc)


def test_milestones_with_actual_dates_before_the_project_start() -> None:
    # Project start Thu 8. Milestone 1 was done on Tue 6 and milestone 2 (on the 7-day
    # calendar: elapsed) started on Mon 5: each is the instant at the end of its actual day
    # and shows that day (they used to show the next day, the start of the following one,
    # and 2 missed its deadline of Mon 5). The program finishes Tue 6; 2 may move to Tue 6.
    doc = one([task("1", milestone=True, status="done", actual_start=MON5, actual_finish=TUE6),
               task("2", status="in_progress", actual_start=MON5, deadline=MON5,
                    elapsed=True)], start=THU8)
    s = schedule(doc)
    r = rows(s)
    assert s.finish == TUE6
    assert late(r["lm:1"]) == (TUE6, TUE6, TUE6, TUE6, 0, 0, False)
    assert late(r["lm:2"]) == (MON5, MON5, TUE6, TUE6, 1, 1, False)
    assert not r["lm:2"].deadline_missed and s.warnings == []
    agrees_with_reference(doc)
