"""Hand-checked schedules. Unless said otherwise: project start Monday 2026-01-05, calendar
Monday-Friday, so offsets 0..4 are Jan 5..9 (Mon..Fri), 5..9 are Jan 12..16, and offset -1 is
Friday Jan 2. A task at offset s with duration d shows start = day(s), finish = day(s+d-1)."""

from __future__ import annotations

import pytest

from plansync.schedule.cpm import CycleError, schedule
from tests.schedule.docs import ALL_DAYS, dates, dep, one, program, project, rows, task

MON5, TUE6, WED7, THU8, FRI9 = "2026-01-05", "2026-01-06", "2026-01-07", "2026-01-08", "2026-01-09"
MON12, TUE13 = "2026-01-12", "2026-01-13"


def pair(kind: str, lag: float, pred_duration: float, succ_duration: float,
         pred_offset: int = 0) -> tuple[str, str]:
    """Schedule x (pred_offset days) -> a -> b with a dependency `kind lag` from a to b."""
    tasks = [task("1", pred_duration), task("2", succ_duration)]
    deps = [dep("1", "2", kind, lag)]
    if pred_offset:
        tasks.append(task("3", pred_offset))
        deps.append(dep("3", "1"))
    return dates(rows(schedule(one(tasks, deps)))["lm:2"])


@pytest.mark.parametrize(("kind", "lag", "pred_offset", "succ_duration", "expected"), [
    # a = [0,3) Mon-Wed. FS 0: b starts at 3 = Thu, 2 days -> Thu-Fri.
    ("FS", 0, 0, 2, (THU8, FRI9)),
    # FS +2: b starts at 5 = Mon 12 (crosses the weekend), 2 days -> Mon-Tue.
    ("FS", 2, 0, 2, (MON12, TUE13)),
    # FS -1 (lead): b starts at 2 = Wed, 2 days -> Wed-Thu.
    ("FS", -1, 0, 2, (WED7, THU8)),
    # SS +2: b starts at 0 + 2 = Wed.
    ("SS", 2, 0, 2, (WED7, THU8)),
    # a after a 2-day task: a = [2,5) Wed-Fri. SS -1: b starts at 1 = Tue, 2 days -> Tue-Wed.
    ("SS", -1, 2, 2, (TUE6, WED7)),
    # FF 0: b (1 day) finishes at >= 3, so starts at 2 = Wed.
    ("FF", 0, 0, 1, (WED7, WED7)),
    # FF +2: b finish >= 5 -> start 4 = Fri.
    ("FF", 2, 0, 1, (FRI9, FRI9)),
    # FF -1: b finish >= 2 -> start 1 = Tue.
    ("FF", -1, 0, 1, (TUE6, TUE6)),
    # a = [2,5). SF 0: b (2 days) finish >= 2 -> start 0 = Mon, Mon-Tue.
    ("SF", 0, 2, 2, (MON5, TUE6)),
    # a = [2,5). SF +3: b finish >= 5 -> start 3 = Thu, Thu-Fri.
    ("SF", 3, 2, 2, (THU8, FRI9)),
    # a = [4,7) Fri-Tue. SF -1: b (1 day) finish >= 3 -> start 2 = Wed.
    ("SF", -1, 4, 1, (WED7, WED7)),
])
def test_dependency_kinds_and_lags(kind: str, lag: float, pred_offset: int, succ_duration: int,
                                   expected: tuple[str, str]) -> None:
    assert pair(kind, lag, 3, succ_duration, pred_offset) == expected


def test_weekend_crossing() -> None:
    # starts Thu 8 (constraint), 4 working days: Thu 8, Fri 9, Mon 12, Tue 13.
    doc = one([task("1", 4, constraint={"type": "start_no_earlier_than", "date": THU8})])
    assert dates(rows(schedule(doc))["lm:1"]) == (THU8, TUE13)


def test_holidays_are_skipped() -> None:
    # Wed 7 is a holiday: 1 (3 days) = Mon 5, Tue 6, Thu 8; 2 follows on Fri 9.
    cal = [{"code": "work", "workdays": ALL_DAYS[:5], "holidays": [WED7]}]
    doc = one([task("1", 3), task("2", 1)], [dep("1", "2")], calendars=cal)
    r = rows(schedule(doc))
    assert dates(r["lm:1"]) == (MON5, THU8)
    assert dates(r["lm:2"]) == (FRI9, FRI9)


def test_project_start_on_a_weekend_moves_to_monday() -> None:
    doc = one([task("1", 1)], start="2026-01-10")
    assert dates(rows(schedule(doc))["lm:1"]) == (MON12, MON12)


def test_start_no_earlier_than() -> None:
    # 1 = [0,5) sets the finish (5). 2 (2 days) may not start before Wed: ES 2 (Wed-Thu),
    # LS = 5 - 2 = 3 (Thu-Fri), total float 1.
    doc = one([task("1", 5), task("2", 2, constraint={"type": "start_no_earlier_than",
                                                      "date": WED7})])
    r = rows(schedule(doc))["lm:2"]
    assert (r.early_start, r.early_finish, r.late_start, r.late_finish) == (WED7, THU8, THU8, FRI9)
    assert r.total_float == 1


def test_start_no_later_than_makes_negative_float() -> None:
    # 1 (2 days) -> 2 (2 days), 2 must start by Tue (offset 1) but can start only at 2:
    # LS(2) = 1 (Tue), LF(2) = Wed; LS(1) = 1 - 2 = -1 (Fri Jan 2), LF(1) = Mon; float -1.
    doc = one([task("1", 2), task("2", 2, constraint={"type": "start_no_later_than",
                                                      "date": TUE6})], [dep("1", "2")])
    s = schedule(doc)
    r = rows(s)
    assert (r["lm:2"].early_start, r["lm:2"].late_start, r["lm:2"].late_finish) == (
        WED7, TUE6, WED7)
    assert (r["lm:1"].late_start, r["lm:1"].late_finish) == ("2026-01-02", MON5)
    assert r["lm:1"].total_float == r["lm:2"].total_float == -1
    assert r["lm:1"].critical and r["lm:2"].critical
    assert any("lm:2" in w and "start_no_later_than" in w for w in s.warnings)


def test_finish_no_earlier_than() -> None:
    # 2 days finishing no earlier than Fri (offset 4): start 3 = Thu.
    doc = one([task("1", 2, constraint={"type": "finish_no_earlier_than", "date": FRI9})])
    assert dates(rows(schedule(doc))["lm:1"]) == (THU8, FRI9)


def test_finish_no_later_than() -> None:
    # 3 days Mon-Wed, must finish by Tue: LF = Tue, LS = Tue - 3 days = Fri Jan 2, float -1.
    doc = one([task("1", 3, constraint={"type": "finish_no_later_than", "date": TUE6})])
    s = schedule(doc)
    r = rows(s)["lm:1"]
    assert (r.early_start, r.early_finish, r.late_start, r.late_finish) == (
        MON5, WED7, "2026-01-02", TUE6)
    assert r.total_float == -1
    assert len(s.warnings) == 1 and "finish_no_later_than 2026-01-06" in s.warnings[0]


def test_must_start_on() -> None:
    # 1 = [0,5) sets the finish. 2 (2 days) must start Thu (3): ES = LS = 3, float 0.
    doc = one([task("1", 5), task("2", 2, constraint={"type": "must_start_on", "date": THU8})])
    r = rows(schedule(doc))["lm:2"]
    assert (r.early_start, r.early_finish, r.late_start, r.late_finish) == (THU8, FRI9, THU8, FRI9)
    assert r.total_float == 0 and r.critical


def test_must_finish_on() -> None:
    # 1 (7 days, Mon 5 - Tue 13) sets the finish. 2 (2 days) must finish Fri 9: ES = LS = 3,
    # so it is critical although 1 is longer.
    doc = one([task("1", 7), task("2", 2, constraint={"type": "must_finish_on", "date": FRI9})])
    r = rows(schedule(doc))
    assert dates(r["lm:1"]) == (MON5, TUE13)
    assert (r["lm:2"].early_start, r["lm:2"].late_start, r["lm:2"].late_finish) == (
        THU8, THU8, FRI9)
    assert r["lm:2"].total_float == 0 and r["lm:2"].critical
    assert r["lm:1"].total_float == 0


def test_milestones_at_start_and_after_work() -> None:
    # m1 at offset 0 shows the start day; 2 (2 days) starts on it: Mon-Tue; m3 at offset 2
    # shows the day before (Tue); 4 starts at 2 = Wed. 5 has no duration: a milestone too.
    doc = one([task("1", milestone=True), task("2", 2), task("3", 0), task("4", 1), task("5")],
              [dep("1", "2"), dep("2", "3"), dep("3", "4")])
    r = rows(schedule(doc))
    assert dates(r["lm:1"]) == (MON5, MON5)
    assert dates(r["lm:2"]) == (MON5, TUE6)
    assert dates(r["lm:3"]) == (TUE6, TUE6)
    assert dates(r["lm:4"]) == (WED7, WED7)
    assert [r[k].milestone for k in ("lm:1", "lm:2", "lm:3", "lm:4", "lm:5")] == [
        True, False, True, False, True]


def test_summary_roll_up_and_dependencies_on_summaries() -> None:
    # 1.1 (2) Mon-Tue -> 1.2 (3) Wed-Fri; summary 1 = Mon 5 - Fri 9.
    # 2 (1 day) FS after summary 1: after its latest finish -> Mon 12.
    # 3 (2 days) Mon-Tue -> summary 4: both 4.1 and 4.2 start Wed 7.
    tasks = [task("1"), task("1.1", 2), task("1.2", 3), task("2", 1), task("3", 2),
             task("4"), task("4.1", 1), task("4.2", 2)]
    deps = [dep("1.1", "1.2"), dep("1", "2"), dep("3", "4")]
    r = rows(schedule(one(tasks, deps)))
    assert r["lm:1"].summary and not r["lm:1.1"].summary
    assert dates(r["lm:1"]) == (MON5, FRI9)
    assert dates(r["lm:2"]) == (MON12, MON12)
    assert dates(r["lm:4.1"]) == (WED7, WED7)
    assert dates(r["lm:4.2"]) == (WED7, THU8)
    assert dates(r["lm:4"]) == (WED7, THU8)


def test_ss_from_a_summary_uses_its_earliest_start() -> None:
    # summary 1: 1.1 starts Mon (0), 1.2 starts Thu (SNET). 2 SS+1 after 1 -> offset 1 = Tue.
    tasks = [task("1"), task("1.1", 1),
             task("1.2", 1, constraint={"type": "start_no_earlier_than", "date": THU8}),
             task("2", 1)]
    r = rows(schedule(one(tasks, [dep("1", "2", "SS", 1)])))
    assert dates(r["lm:2"]) == (TUE6, TUE6)


def test_cross_project_link() -> None:
    # a:1 (3) Mon-Wed -> b:1 (2) Thu-Fri; the program's critical path crosses projects.
    s = schedule(program(project("a", [task("1", 3)]),
                         project("b", [task("1", 2)], [dep("a:1", "1")])))
    r = rows(s)
    assert dates(r["b:1"]) == (THU8, FRI9)
    assert (s.start, s.finish) == (MON5, FRI9)
    assert s.critical_path == ["a:1", "b:1"]
    assert (s.projects["a"].finish, s.projects["b"].start) == (WED7, THU8)
    assert s.projects["b"].critical_path == ["a:1", "b:1"]


def test_cross_calendar_links() -> None:
    # w (Mon-Fri): 1 = Mon 5 - Fri 9 (5 days). s (7 days): 1 follows -> Sat 10 - Sun 11.
    # s:2 (6 days) Mon 5 - Sat 10 -> w:2 follows on the next Mon-Fri day: Mon 12.
    cals = [{"code": "all", "workdays": ALL_DAYS}, {"code": "work", "workdays": ALL_DAYS[:5]}]
    s = schedule(program(
        project("w", [task("1", 5), task("2", 1)], [dep("s:2", "2")], calendar="work"),
        project("s", [task("1", 2), task("2", 6)], [dep("w:1", "1")], calendar="all"),
        calendars=cals))
    r = rows(s)
    assert dates(r["s:1"]) == ("2026-01-10", "2026-01-11")
    assert dates(r["w:2"]) == (MON12, MON12)
    assert s.finish == MON12
    # Floats count working days of each task's own calendar:
    # s:2 may end Sunday (a 7-day working day) and w:2 still starts Monday: float 1, free 1;
    # s:1 may end Monday 12, the program finish: float 1;
    # w:1 slipping to Monday would push s:1 to Tue-Wed: float 0.
    assert (r["s:2"].total_float, r["s:2"].free_float) == (1, 1)
    assert r["s:1"].total_float == 1 and r["w:1"].total_float == 0
    assert r["w:2"].critical and r["w:1"].critical and not r["s:2"].critical
    # The critical path is the driving chain to the finish: s:2's finish sets w:2's start.
    assert s.critical_path == ["s:2", "w:2"]


def test_done_task_keeps_actual_dates() -> None:
    # 1 planned 2 days but done Mon 5 - Thu 8; 2 follows on Fri 9. Done work is never critical.
    doc = one([task("1", 2, status="done", actual_start=MON5, actual_finish=THU8), task("2", 1)],
              [dep("1", "2")])
    r = rows(schedule(doc))
    assert dates(r["lm:1"]) == (MON5, THU8)
    assert dates(r["lm:2"]) == (FRI9, FRI9)
    assert not r["lm:1"].critical and r["lm:2"].critical


def test_started_task_keeps_actual_start() -> None:
    # started Tue 6 with 2 days: Tue-Wed, although the project starts Monday.
    doc = one([task("1", 2, status="in_progress", actual_start=TUE6)])
    assert dates(rows(schedule(doc))["lm:1"]) == (TUE6, WED7)


def test_fractional_duration() -> None:
    # 1 = [0, 1.5): Mon-Tue. 2 (1 day) FS = [1.5, 2.5): starts in Tue, ends in Wed.
    r = rows(schedule(one([task("1", 1.5), task("2", 1)], [dep("1", "2")])))
    assert dates(r["lm:1"]) == (MON5, TUE6)
    assert dates(r["lm:2"]) == (TUE6, WED7)
    assert r["lm:1"].total_float == 0


def test_pert_estimate_is_the_mean() -> None:
    # (1 + 4*2 + 9) / 6 = 3 days: Mon-Wed. (1 + 4*2 + 6) / 6 = 2.5 days: Mon-Wed.
    r = rows(schedule(one([
        task("1", estimate={"optimistic": 1, "likely": 2, "pessimistic": 9}),
        task("2", estimate={"optimistic": 1, "likely": 2, "pessimistic": 6}),
    ])))
    assert dates(r["lm:1"]) == (MON5, WED7)
    assert dates(r["lm:2"]) == (MON5, WED7)
    assert r["lm:1"].total_float == 0 and r["lm:2"].total_float == 0.5


def test_deadline_missed_is_reported_not_enforced() -> None:
    # 3 days Mon-Wed: a Tuesday deadline is missed, a Wednesday one is met.
    s = schedule(one([task("1", 3, deadline=TUE6), task("2", 3, deadline=WED7)]))
    r = rows(s)
    assert dates(r["lm:1"]) == (MON5, WED7)
    assert r["lm:1"].deadline_missed and not r["lm:2"].deadline_missed
    assert s.warnings == ["lm:1 finishes 2026-01-07, after its deadline 2026-01-06"]


def test_total_and_free_float() -> None:
    # 1 (2) -> 2 (1); 3 (5) alone sets the finish at 5.
    # 1: ES 0, LS = (5 - 1) - 2 = 2 -> total 2, but 2 starts right after it -> free 0.
    # 2: ES 2, EF 3, LS 4 -> total 2, free 2 (no successor: slack to the finish).
    r = rows(schedule(one([task("1", 2), task("2", 1), task("3", 5)], [dep("1", "2")])))
    assert (r["lm:1"].total_float, r["lm:1"].free_float) == (2, 0)
    assert (r["lm:2"].total_float, r["lm:2"].free_float) == (2, 2)
    assert (r["lm:3"].total_float, r["lm:3"].critical) == (0, True)
    assert not r["lm:1"].critical


def test_cycle_is_named_as_a_path() -> None:
    doc = one([task("1", 1), task("2", 1), task("3", 1)],
              [dep("1", "2"), dep("2", "3"), dep("3", "2")])
    with pytest.raises(CycleError) as caught:
        schedule(doc)
    assert caught.value.cycle in (["lm:2", "lm:3", "lm:2"], ["lm:3", "lm:2", "lm:3"])
    assert str(caught.value) == "dependencies form a cycle: " + " -> ".join(caught.value.cycle)


def test_link_from_a_task_to_its_own_summary_is_a_cycle() -> None:
    doc = one([task("1"), task("1.1", 1), task("1.2", 1)], [dep("1.1", "1")])
    with pytest.raises(CycleError) as caught:
        schedule(doc)
    assert set(caught.value.cycle) == {"lm:1", "lm:1.1"}


def test_finish_side_link_into_a_summary_applies_to_every_leaf() -> None:
    # 1 (5 days) ends Fri 9. FF 1 -> summary 2: each leaf of 2 finishes no earlier than Fri:
    # 2.1 (1 day) on Fri 9, 2.2 (2 days) Thu 8 - Fri 9.
    tasks = [task("1", 5), task("2"), task("2.1", 1), task("2.2", 2)]
    r = rows(schedule(one(tasks, [dep("1", "2", "FF")])))
    assert dates(r["lm:2.1"]) == (FRI9, FRI9)
    assert dates(r["lm:2.2"]) == (THU8, FRI9)
    assert dates(r["lm:2"]) == (THU8, FRI9)
