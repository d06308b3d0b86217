"""Whatever a foreign file holds, a converter answers with a plan or located problems
(exit 0 or 1), never with a crash (exit 4)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.convert.helpers import run

scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 200000),
                    st.floats(-1e6, 1e6, allow_nan=False), st.text(max_size=12),
                    st.sampled_from(["t-1", "t-2", "2026-03-02T08:00:00Z", "1", "1.1",
                                     "FinishToStart", "MustStartOn", "Inactive"]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=6)
TASK_KEYS = ["id", "name", "outlineNumber", "parentId", "order", "duration", "milestone",
             "percentComplete", "constraintType", "constraintDate", "deadline", "notes",
             "actualStart", "sprintId", "summary"]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def records(keys: list[str]) -> st.SearchStrategy[list[dict[str, Any]]]:
    return st.lists(st.dictionaries(st.sampled_from(keys), values, max_size=6), max_size=4)


@SETTINGS
@given(tasks=records(TASK_KEYS), links=records(["predecessorId", "successorId", "linkType",
                                                "delay"]),
       assignments=records(["taskId", "resourceId", "units"]),
       calendars=records(["id", "name", "data", "baseCalendarId"]),
       project=st.dictionaries(st.sampled_from(["name", "projectStart", "calendarId",
                                                "timezoneOffset", "timezoneName"]), values))
def test_project_for_the_web_never_crashes(tmp_path: Path, tasks: Any, links: Any,
                                           assignments: Any, calendars: Any,
                                           project: Any) -> None:
    doc = {"project": {**project, "tasks": tasks, "links": links, "assignments": assignments,
                       "calendars": calendars}}
    path = tmp_path / "export.json"
    path.write_text(json.dumps(doc))
    code, _, err = run("convert", str(path), "--from", "msproject-json", "-o",
                       str(tmp_path / "x.seed.json"))
    assert code in (0, 1), err


@SETTINGS
@given(items=st.lists(st.dictionaries(st.sampled_from(
    ["taskNumber", "name", "parent", "sequence", "links", "data"]), values, max_size=6),
    max_size=4))
def test_task_json_never_crashes(tmp_path: Path, items: Any) -> None:
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps(items))
    code, _, err = run("convert", str(path), "--from", "tasks-json", "--start", "2026-03-02",
                       "-o", str(tmp_path / "x.seed.json"))
    assert code in (0, 1), err


cells = st.one_of(st.text(max_size=8), st.sampled_from(["1", "2", "3fs", "2026-03-02", "x",
                                                        "A <a@b.co>", ""]))


@SETTINGS
@given(header=st.lists(st.sampled_from(["Sequence", "Task", "", "Task 3", "Start", "Finish",
                                        "Dependencies", "Status", "Assigned to", "Other"]),
                       max_size=7),
       rows=st.lists(st.lists(cells, max_size=8), max_size=5))
def test_sheets_never_crash(tmp_path: Path, header: list[str], rows: list[list[str]]) -> None:
    import csv

    path = tmp_path / "sheet.csv"
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    code, _, err = run("convert", str(path), "--start", "2026-03-02", "-o",
                       str(tmp_path / "x.seed.json"))
    assert code in (0, 1), err
