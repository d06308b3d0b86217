"""Microsoft Project's conventions (`scheduling: {conventions: msproject}`), hand-checked, each
next to what the default plansync conventions say. Project start Monday 2026-01-05 on
Monday-Friday unless said otherwise (offset -1 is Fri Jan 2, -2 Thu Jan 1)."""

from __future__ import annotations

from typing import Any

from plansync.schedule.cpm import schedule
from tests.schedule.docs import dep, one, rows, task
from tests.schedule.test_exact_cases import agrees_with_reference, late

MON5, TUE6, WED7, THU8, FRI9 = "2026-01-05", "2026-01-06", "2026-01-07", "2026-01-08", "2026-01-09"
MON12, TUE13 = "2026-01-12", "2026-01-13"


def ms(doc: dict[str, Any]) -> dict[str, Any]:
    doc["program"]["scheduling"] = {"conventions": "msproject"}
    return doc


def test_must_start_on_is_honoured_over_its_link_with_a_warning() -> None:
    # 1 (5d) Mon 5 - Fri 9 -> 2 (2d) must_start_on Wed 7.
    def doc() -> dict[str, Any]:
        return one([task("1", 5), task("2", 2, constraint={"type": "must_start_on",
                                                           "date": WED7})], [dep("1", "2")])
    # plansync: the link wins, 2 starts Mon 12 and its late start stays Wed 7: float -3.
    s = schedule(doc())
    assert late(rows(s)["lm:2"]) == (MON12, TUE13, WED7, THU8, -3, 0, True)
    assert s.warnings == ["lm:2 cannot meet must_start_on 2026-01-07: its early start is "
                          "2026-01-12"]
    # msproject: 2 is pinned on Wed 7 (late dates too), the link gives way; 1 shows -3.
    m = schedule(ms(doc()))
    r = rows(m)
    assert late(r["lm:2"]) == (WED7, THU8, WED7, THU8, 0, 0, True)
    assert (r["lm:1"].total_float, r["lm:1"].late_finish) == (-3, TUE6)
    assert m.finish == FRI9
    assert m.warnings == ["lm:2 must_start_on 2026-01-07 is honoured over its dependencies, "
                          "which would start it on 2026-01-12"]
    assert m.conventions == "msproject"
    agrees_with_reference(ms(doc()))


def test_start_no_later_than_caps_the_early_start() -> None:
    # 1 (3d) -> 2 (1d) start_no_later_than Tue 6: plansync starts 2 on Thu 8 (float -2);
    # msproject on Tue 6, and 1 (which should end by Mon 5) has float -2.
    def doc() -> dict[str, Any]:
        return one([task("1", 3), task("2", 1, constraint={"type": "start_no_later_than",
                                                           "date": TUE6})], [dep("1", "2")])
    assert rows(schedule(doc()))["lm:2"].early_start == THU8
    r = rows(schedule(ms(doc())))
    assert late(r["lm:2"]) == (TUE6, TUE6, TUE6, TUE6, 0, 0, True)
    assert r["lm:1"].total_float == -2
    agrees_with_reference(ms(doc()))


def test_constraint_dates_before_the_project_start_are_honoured() -> None:
    # The project starts Mon 12. 1 (2d) start_no_earlier_than Mon 5, 2 (1d) must_start_on
    # Wed 7, 3 (1d) finish_no_earlier_than Fri 9: plansync starts all three on Mon 12.
    def doc() -> dict[str, Any]:
        return one([task("1", 2, constraint={"type": "start_no_earlier_than", "date": MON5}),
                    task("2", 1, constraint={"type": "must_start_on", "date": WED7}),
                    task("3", 1, constraint={"type": "finish_no_earlier_than", "date": FRI9}),
                    task("4", 1)], start=MON12)
    assert {r.early_start for r in schedule(doc()).tasks} == {MON12}
    r = rows(schedule(ms(doc())))
    assert [r[k].early_start for k in ("lm:1", "lm:2", "lm:3", "lm:4")] == [
        MON5, WED7, FRI9, MON12]
    agrees_with_reference(ms(doc()))


def test_a_lead_may_place_a_task_before_the_project_start() -> None:
    # 1 (3d) Mon 5 - Wed 7, SS -2 -> 2 (2d): plansync keeps 2 at the project start (Mon 5);
    # msproject starts it two working days before: Thu Jan 1 - Fri Jan 2.
    def doc() -> dict[str, Any]:
        return one([task("1", 3), task("2", 2)], [dep("1", "2", "SS", -2)])
    assert rows(schedule(doc()))["lm:2"].early_start == MON5
    s = schedule(ms(doc()))
    r = rows(s)
    assert (r["lm:2"].early_start, r["lm:2"].early_finish) == ("2026-01-01", "2026-01-02")
    assert s.start == "2026-01-01"
    agrees_with_reference(ms(doc()))


def test_a_finish_to_finish_link_never_starts_a_task_before_the_project_start() -> None:
    # 1 (2d) Mon 5 - Tue 6, FF -> 2 (4d): the link alone would run 2 Wed Dec 31 - Tue 6 (FF
    # is no lead, but the successor is longer). Microsoft Project starts it at the project
    # start, Mon 5 - Thu 8 (as MPXJ's MicrosoftScheduler shows); an SF link may still place a
    # task before the start (1 SF -> 3 (3d): 3 ends by Mon 5's start, Wed Dec 31 - Fri 2).
    def doc() -> dict[str, Any]:
        return one([task("1", 2), task("2", 4), task("3", 3)],
                   [dep("1", "2", "FF"), dep("1", "3", "SF")])
    s = schedule(ms(doc()))
    r = rows(s)
    assert (r["lm:2"].early_start, r["lm:2"].early_finish) == (MON5, THU8)
    assert (r["lm:3"].early_start, r["lm:3"].early_finish) == ("2025-12-31", "2026-01-02")
    plain = rows(schedule(doc()))
    assert (plain["lm:2"].early_start, plain["lm:3"].early_start) == (MON5, MON5)
    agrees_with_reference(ms(doc()))


def test_milestones_keep_microsoft_projects_time_of_day() -> None:
    # 1 (3d) starts no earlier than Tue 6: Tue 6 - Thu 8. Milestones: A must start on Mon 12;
    # B SS from 1; C FS from 1; D SS +1 day from 1. Microsoft Project keeps a time of day: A
    # and B are at 8:00 of their day (Mon 12, Tue 6), C at 17:00 of Thu 8, D at 17:00 of
    # Tue 6 (8:00 plus a working day). plansync's whole-day rule dates an instant after the
    # project start by the work before it: A Fri 9, B Mon 5 (C and D the same).
    def doc() -> dict[str, Any]:
        return one([task("1", 3, constraint={"type": "start_no_earlier_than", "date": TUE6}),
                    task("2", milestone=True, constraint={"type": "must_start_on",
                                                           "date": MON12}),
                    task("3", milestone=True), task("4", milestone=True),
                    task("5", milestone=True)],
                   [dep("1", "3", "SS"), dep("1", "4"), dep("1", "5", "SS", 1)])
    r = rows(schedule(ms(doc())))
    assert [r[f"lm:{w}"].early_start for w in "2345"] == [MON12, TUE6, THU8, TUE6]
    assert [r[f"lm:{w}"].early_finish for w in "2345"] == [MON12, TUE6, THU8, TUE6]
    plain = rows(schedule(doc()))
    assert [plain[f"lm:{w}"].early_start for w in "2345"] == [FRI9, MON5, THU8, TUE6]
    agrees_with_reference(ms(doc()))
    agrees_with_reference(doc())


def test_a_deadline_caps_the_late_finish() -> None:
    # 1 (3d) Mon 5 - Wed 7 with a deadline on Tue 6; 2 (5d) ends the program on Fri 9.
    # plansync: 1 has float 2 and only misses its deadline; msproject: its late finish is
    # Tue 6, float -1, critical.
    def doc() -> dict[str, Any]:
        return one([task("1", 3, deadline=TUE6), task("2", 5)])
    r = rows(schedule(doc()))["lm:1"]
    assert (r.total_float, r.critical, r.deadline_missed) == (2, False, True)
    m = rows(schedule(ms(doc())))["lm:1"]
    assert (m.late_finish, m.total_float, m.critical, m.deadline_missed) == (
        TUE6, -1, True, True)
    agrees_with_reference(ms(doc()))


def test_done_work_bounds_nothing_before_it() -> None:
    # 1 (3d) -> 2, done on Mon 5 (recorded out of order). plansync: 1 should have ended
    # before 2 started: float -3. msproject ignores links into done work in the backward
    # pass: 1 ends with the program (float 0).
    def doc() -> dict[str, Any]:
        return one([task("1", 3), task("2", 1, status="done", actual_start=MON5,
                                        actual_finish=MON5)], [dep("1", "2")])
    assert rows(schedule(doc()))["lm:1"].total_float == -3
    assert rows(schedule(ms(doc())))["lm:1"].total_float == 0
    agrees_with_reference(ms(doc()))


def test_the_conventions_argument_overrides_the_document() -> None:
    doc = ms(one([task("1", 3), task("2", 2)], [dep("1", "2", "SS", -2)]))
    assert rows(schedule(doc, "plansync"))["lm:2"].early_start == MON5
    assert schedule(doc, "plansync").conventions == "plansync"
