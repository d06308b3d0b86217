"""Reading PSPLIB single-mode .sm files (durations, successors, MPM-Time) into seed documents."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.schedule.docs import ALL_DAYS

# The whole published j30 and j120 sets where the workplace holds them (../shared), else the
# sample kept in the repository (every 40th file of both sets, 27 networks, as published), so
# that these tests always run.
FULL = Path(__file__).resolve().parents[3] / "shared" / "data" / "psplib"
SAMPLE = Path(__file__).resolve().parent / "psplib_sample"
DATA = FULL if FULL.is_dir() else SAMPLE


@dataclass(frozen=True)
class Instance:
    mpm_time: int
    durations: dict[int, int]
    successors: dict[int, list[int]]


def _block(lines: list[str], title: str, skip: int) -> list[list[str]]:
    start = next(i for i, line in enumerate(lines) if line.startswith(title)) + skip
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("*"))
    return [line.split() for line in lines[start:end] if line.strip()]


def parse_sm(path: Path) -> Instance:
    lines = path.read_text().splitlines()
    mpm = int(_block(lines, "PROJECT INFORMATION", 2)[0][-1])
    successors = {int(f[0]): [int(s) for s in f[3:]]
                  for f in _block(lines, "PRECEDENCE RELATIONS", 2)}
    durations = {int(f[0]): int(f[2]) for f in _block(lines, "REQUESTS/DURATIONS", 3)}
    return Instance(mpm, durations, successors)


def seed_document(instance: Instance, start: str = "2026-01-05") -> dict[str, Any]:
    """One project on a 7-day calendar: job j is task str(j), jobs 1 and N milestones, FS links."""
    last = max(instance.durations)
    tasks: list[dict[str, Any]] = []
    for job, duration in sorted(instance.durations.items()):
        task: dict[str, Any] = {"wbs": str(job), "name": f"job {job}"}
        if job in (1, last):
            task["milestone"] = True
        else:
            task["duration"] = duration
        tasks.append(task)
    deps = [{"from": str(a), "to": str(b)}
            for a, succ in sorted(instance.successors.items()) for b in succ]
    return {"version": 1, "program": {
        "code": "psplib", "name": "PSPLIB",
        "calendars": [{"code": "all", "workdays": ALL_DAYS}],
        "projects": [{"code": "p", "name": "P", "start": start, "calendar": "all",
                      "tasks": tasks, "dependencies": deps}]}}
