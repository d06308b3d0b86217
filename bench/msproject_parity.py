"""Compare plansync's Microsoft Project conventions with MPXJ's MicrosoftScheduler.

    python bench/msproject_parity.py [--seed 1] [--plans 200] [--show 3]

MPXJ's `org.mpxj.cpm.MicrosoftScheduler` reproduces the dates Microsoft Project computes. Each
generated plan (one Monday-Friday project, tasks of 0 to 5 days, every link type with small
leads and lags, some constraints) is written to MSPDI by `plansync convert`'s writer, read and
scheduled by MPXJ from the project start, and scheduled by plansync under `conventions:
msproject`; the early start and finish dates of every task are compared. Plans that differ are
counted by kind: only milestones differ, a task of the plan starts before the project start,
or anything else. Needs the `mpxj` extra and Java, like the converter.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from plansync.convert.mpxj.jvm import _jvm  # noqa: E402
from plansync.convert.mpxj.write import write_mspdi  # noqa: E402
from plansync.convert.report import Report  # noqa: E402
from plansync.schedule.cpm import schedule  # noqa: E402

START = "2026-03-02"  # a Monday
KINDS = ("start_no_earlier_than", "finish_no_earlier_than", "must_start_on", "must_finish_on",
         "start_no_later_than", "finish_no_later_than")


def plan(rng: random.Random) -> dict[str, Any]:
    n = rng.randint(2, 8)
    tasks: list[dict[str, Any]] = []
    for i in range(1, n + 1):
        task: dict[str, Any] = {"wbs": str(i), "name": f"t{i}"}
        days = rng.randint(0, 5)
        if days:
            task["duration"] = days
        else:
            task["milestone"] = True
        if rng.random() < 0.2:
            task["constraint"] = {"type": rng.choice(KINDS),
                                  "date": f"2026-03-{rng.randint(2, 27):02d}"}
        tasks.append(task)
    deps, seen = [], set()
    for _ in range(rng.randint(0, n + 2)):
        a, b = sorted(rng.sample(range(1, n + 1), 2))
        if (a, b) in seen:
            continue
        seen.add((a, b))
        dep: dict[str, Any] = {"from": str(a), "to": str(b)}
        kind = rng.choice(["FS", "FS", "SS", "FF", "SF"])
        if kind != "FS":
            dep["type"] = kind
        lag = rng.choice([0, 0, 0, 1, 2, -1])
        if lag:
            dep["lag"] = lag
        deps.append(dep)
    return {"version": 1, "program": {
        "code": "p", "name": "P", "scheduling": {"conventions": "msproject"},
        "projects": [{"code": "p", "name": "P", "start": START, "tasks": tasks,
                      "dependencies": deps}]}}


def mpxj_dates(doc: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Task name -> (start, finish) as MPXJ's MicrosoftScheduler dates them."""
    import jpype
    from java.time import LocalDateTime
    from org.mpxj import Duration, TimeUnit
    from org.mpxj.reader import UniversalProjectReader

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "plan.xml")
        Path(path).write_bytes(write_mspdi(doc, Report()))
        project = UniversalProjectReader().read(path)
    for task in project.getTasks():  # the scheduler wants progress values on every task
        if task.getActualDuration() is None:
            task.setActualDuration(Duration.getInstance(0, TimeUnit.DAYS))
        if task.getRemainingDuration() is None and task.getDuration() is not None:
            task.setRemainingDuration(task.getDuration())
    jpype.JClass("org.mpxj.cpm.MicrosoftScheduler")().schedule(
        project, LocalDateTime.of(2026, 3, 2, 8, 0))
    return {str(t.getName()): (str(t.getStart())[:10], str(t.getFinish())[:10])
            for t in project.getTasks() if t.getName() is not None and t.getStart() is not None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--plans", type=int, default=200)
    parser.add_argument("--show", type=int, default=3, help="plans to print per kind")
    args = parser.parse_args()
    _jvm()
    rng = random.Random(args.seed)
    kinds: dict[str, int] = {}
    compared = 0
    for _ in range(args.plans):
        doc = plan(rng)
        ours = {r.name: (r.early_start, r.early_finish) for r in schedule(doc).tasks}
        try:
            theirs = mpxj_dates(doc)
        except Exception as exc:  # noqa: BLE001 - MPXJ refuses some plans (its message)
            print(f"MPXJ: {exc}")
            continue
        compared += 1
        differ = {k: (v, theirs.get(k)) for k, v in ours.items() if v != theirs.get(k)}
        if not differ:
            continue
        milestones = {t["name"] for t in doc["program"]["projects"][0]["tasks"]
                      if t.get("milestone")}
        kind = ("milestones only" if set(differ) <= milestones else
                "work before the project start" if any(v[0] < START for v in ours.values())
                else "other")
        kinds[kind] = kinds.get(kind, 0) + 1
        if kinds[kind] <= args.show:
            print(f"[{kind}] {json.dumps(doc)}\n  (plansync, MPXJ): {differ}")
    print(f"{compared} plans compared, {sum(kinds.values())} differ: {kinds}")


if __name__ == "__main__":
    main()
