"""Every published PSPLIB j30/j120 network finishes after its known MPM-Time."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from plansync.schedule.cpm import cpm_passes, schedule
from plansync.schedule.network import Network
from tests.schedule.psplib import DATA, FULL, parse_sm, seed_document

FILES = sorted(DATA.glob("j*/*.sm"))
START = date(2026, 1, 5)


def test_all_published_instances_are_present() -> None:
    # 480 j30 + 600 j120; the sample in the repository is every 40th of them
    assert len(FILES) == (1080 if DATA == FULL else 27)


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.name}" for p in FILES])
def test_program_finishes_after_mpm_time(path: Path) -> None:
    instance = parse_sm(path)
    result = schedule(seed_document(instance))
    assert result.finish == (START + timedelta(days=instance.mpm_time - 1)).isoformat()
    assert result.start == START.isoformat()
    # the critical path runs from the start milestone to the end milestone without float
    ends = (result.critical_path[0], result.critical_path[-1])
    assert ends == ("p:1", f"p:{max(instance.durations)}")
    critical = {f"{r.project}:{r.wbs}" for r in result.tasks if r.critical}
    assert set(result.critical_path) <= critical


@pytest.mark.parametrize("path", FILES[::40], ids=[p.name for p in FILES[::40]])
def test_array_passes_give_mpm_time(path: Path) -> None:
    instance = parse_sm(path)
    jobs = sorted(instance.durations)
    edges = [(a - 1, b - 1, "FS", 0.0) for a in jobs for b in instance.successors[a]]
    timing = cpm_passes(Network([float(instance.durations[j]) for j in jobs], edges))
    assert timing.finish == instance.mpm_time
    assert min(ls - es for es, ls in zip(timing.es, timing.ls, strict=True)) == 0
