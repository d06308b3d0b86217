"""Schedules as a table (80 columns, critical path marked), JSON and CSV.

The table and the CSV are text for people and spreadsheets: control characters in names are
written as escapes (`plansync.render.safe`); JSON carries the exact values."""

from __future__ import annotations

import csv
import io
from typing import Any

import orjson

from plansync.render.safe import escape, json_text
from plansync.schedule.pert import PertResult
from plansync.schedule.report import Schedule, ScheduleRow

ROW_FIELDS = ("project", "wbs", "name", "early_start", "early_finish", "late_start",
              "late_finish", "total_float", "free_float", "critical")
assert ScheduleRow._fields[:len(ROW_FIELDS)] == ROW_FIELDS


def as_data(schedule: Schedule, rows: list[ScheduleRow],
            pert: PertResult | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "program": schedule.program, "start": schedule.start, "finish": schedule.finish,
        "critical_path": schedule.critical_path,
        "projects": {code: {"start": p.start, "finish": p.finish,
                            "critical_path": p.critical_path}
                     for code, p in schedule.projects.items()},
        "tasks": [dict(zip(ROW_FIELDS, row, strict=False)) for row in rows],  # first fields
        "warnings": schedule.warnings,
        "conventions": schedule.conventions,
    }
    if pert is not None:
        data["pert"] = {"expected_finish": pert.expected_finish,
                        "std_dev": round(pert.std_dev, 3), "p50": pert.p50, "p80": pert.p80,
                        "p95": pert.p95, "samples": pert.samples, "seed": pert.seed,
                        "distribution": "PERT-Beta"}
    return data


def to_json(schedule: Schedule, rows: list[ScheduleRow], pert: PertResult | None) -> str:
    data = orjson.dumps(as_data(schedule, rows, pert), option=orjson.OPT_INDENT_2).decode()
    return json_text(data)


def to_csv(schedule: Schedule, rows: list[ScheduleRow], pert: PertResult | None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ROW_FIELDS)
    for row in rows:
        writer.writerow([_cell(getattr(row, f)) for f in ROW_FIELDS])
    return out.getvalue().rstrip("\n")


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return str(value).lower()
    return escape(value) if isinstance(value, str) else value


def _days(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _key(row: ScheduleRow, single: bool) -> str:
    return escape(row.wbs if single else f"{row.project}:{row.wbs}")


def _key_fit(key: str, width: int) -> str:
    """Shorten the project part first: the wbs is what tells tasks apart."""
    if len(key) <= width:
        return key
    project, _, wbs = key.rpartition(":")
    if project and len(wbs) + 3 <= width:
        return project[:width - len(wbs) - 2] + "…:" + wbs
    return "…" + key[-(width - 1):]


def to_table(schedule: Schedule, rows: list[ScheduleRow], pert: PertResult | None) -> str:
    """79 columns: `*` marks critical tasks; early start and finish, late finish, total and
    free float (working days). Then the program's span and its critical path."""
    single = len({r.project for r in rows}) <= 1
    keys = [_key(r, single) for r in rows]
    key_w = min(14, max([len(k) for k in keys] + [4]))
    name_w = 79 - 2 - key_w - 1 - 3 * 11 - 7 - 6
    head = [f"project {escape(rows[0].project)}"] if single and rows else []
    lines = [*head, f"  {'task':<{key_w}} {'name':<{name_w}} {'start':<10} {'finish':<10} "
             f"{'late fin.':<10} {'float':>6} {'free':>5}"]
    for r, key in zip(rows, keys, strict=True):
        mark = "* " if r.critical else "  "
        lines.append(f"{mark}{_key_fit(key, key_w):<{key_w}} "
                     f"{_fit(escape(r.name), name_w):<{name_w}} {r.early_start:<10} "
                     f"{r.early_finish:<10} {r.late_finish:<10} {_days(r.total_float):>6} "
                     f"{_days(r.free_float):>5}")
    lines.append("")
    rules = " (msproject conventions)" if schedule.conventions == "msproject" else ""
    lines.append(f"program {escape(schedule.program)}: {schedule.start} -> {schedule.finish}"
                 f"{rules}")
    for code, project in schedule.projects.items():
        lines.append(f"  project {escape(code)}: {project.start} -> {project.finish}")
    lines.append("critical path (*): " + escape(" -> ".join(schedule.critical_path) or "none"))
    if pert is not None:
        lines.append(f"PERT: expected finish {pert.expected_finish}, sd {pert.std_dev:.1f} "
                     "working days along the critical path")
        lines.append(f"Monte Carlo ({pert.samples} samples, seed {pert.seed}, PERT-Beta): "
                     f"P50 {pert.p50}, P80 {pert.p80}, P95 {pert.p95}")
    lines.extend(f"warning: {escape(w)}" for w in schedule.warnings)
    return "\n".join(lines)


RENDERERS = {"table": to_table, "json": to_json, "csv": to_csv}
