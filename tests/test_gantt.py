"""plansync gantt: the SVG drawn by a real renderer (cairosvg), the bars found in its pixels;
the HTML page self-contained; the Mermaid block; the CLI's choices of format and errors."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from plansync.cli import cli
from plansync.render.gantt import CRITICAL, HEADER_H, LABEL_W, NORMAL, ROW_H, SUMMARY, day_width
from plansync.seed.canonical import canonical_bytes
from tests.schedule.docs import dep, one, task
from tests.strategies import documents

cairosvg = pytest.importorskip("cairosvg")
Image = pytest.importorskip("PIL.Image")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    """lm from Mon 5 Jan 2026: 1 (3 days) -> 2 (2 days) -> 3 (1 day) on the critical path;
    4 (1 day) with float; 5 a summary of 5.1 (1 day) and a milestone 5.2."""
    doc = one([task("1", 3), task("2", 2), task("3", 1), task("4", 1), task("5"),
               task("5.1", 1), task("5.2", 0, milestone=True)],
              [dep("1", "2"), dep("2", "3"), dep("5.1", "5.2")])
    path = tmp_path / "plan.seed.json"
    path.write_bytes(canonical_bytes(doc))
    return path


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _near(pixel: tuple[int, ...], want: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 8 for a, b in zip(pixel[:3], want, strict=True))


def _runs(image: Any, y: int, color: str) -> list[tuple[int, int]]:
    """The horizontal runs of `color` (within a small tolerance) on pixel row y."""
    want = _rgb(color)
    hits = [x for x in range(image.size[0]) if _near(image.getpixel((x, y)), want)]
    runs: list[tuple[int, int]] = []
    for x in hits:
        if runs and runs[-1][1] == x - 1:
            runs[-1] = (runs[-1][0], x)
        else:
            runs.append((x, x))
    return runs


def test_the_svg_shows_the_bars_where_the_schedule_puts_them(plan_file: Path,
                                                             tmp_path: Path) -> None:
    out = tmp_path / "plan.svg"
    code, _, err = run("gantt", str(plan_file), "-o", str(out))
    assert code == 0 and "wrote" in err
    png = cairosvg.svg2png(bytestring=out.read_bytes())
    image = Image.open(io.BytesIO(png)).convert("RGB")
    dw = day_width(8)  # Mon 5 to Mon 12 January

    def row_y(i: int) -> int:
        return HEADER_H + i * ROW_H + ROW_H // 2

    def expected(first_day: int, days: int) -> tuple[int, int]:
        return round(LABEL_W + first_day * dw), round(LABEL_W + (first_day + days) * dw) - 1

    for i, (first_day, days) in enumerate([(0, 3), (3, 2), (7, 1)]):  # critical: red
        [(a, b)] = _runs(image, row_y(i), CRITICAL)
        want = expected(first_day, days)
        assert abs(a - want[0]) <= 2 and abs(b - want[1]) <= 2, (i, (a, b), want)
    assert _runs(image, row_y(0), NORMAL) == []
    [(a, b)] = _runs(image, row_y(3), NORMAL)  # 4: one day with float, blue
    assert abs(a - LABEL_W) <= 2 and abs(b - (LABEL_W + dw - 1)) <= 2
    assert _runs(image, row_y(3), CRITICAL) == []
    summary = _runs(image, row_y(4) + 1, SUMMARY)  # 5: a thin dark bar over Monday 5
    assert any(abs(a - LABEL_W) <= 2 and b - a >= dw - 4 for a, b in summary), summary


def test_html_is_one_self_contained_page(plan_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.html"
    assert run("gantt", str(plan_file), "-o", str(out))[0] == 0
    page = out.read_text()
    assert page.startswith("<!doctype html>") and "<svg" in page
    assert "<script" not in page and not re.search(r"(src|href)=", page)


def test_mermaid_is_the_default_on_stdout(plan_file: Path) -> None:
    code, out, _ = run("gantt", str(plan_file))
    assert code == 0 and out.startswith("```mermaid\ngantt\n")
    assert "    1 task 1 :crit, t0, 2026-01-05, 2026-01-08" in out
    assert "5.2 task 5.2 :milestone, t6, 2026-01-05, 2026-01-05" in out


def test_a_format_that_contradicts_the_name_and_an_unknown_suffix(plan_file: Path) -> None:
    code, _, err = run("gantt", str(plan_file), "-o", "x.svg", "--format", "html")
    assert code == 2 and "contradicts" in err
    code, _, err = run("gantt", str(plan_file), "-o", "x.png")
    assert code == 2 and "cannot tell the format" in err


def test_names_are_escaped_in_svg(tmp_path: Path) -> None:
    doc = one([task("1", 2, name="<script>alert(1)</script> & \x1b[31m")])
    path = tmp_path / "evil.seed.json"
    path.write_bytes(canonical_bytes(doc))
    code, out, _ = run("gantt", str(path), "--format", "svg")
    assert code == 0 and "<script>" not in out and "&lt;script&gt;" in out
    assert "\x1b" not in out and "\\x1b[31m" in out
    cairosvg.svg2png(bytestring=out.encode())  # still a valid SVG


@settings(max_examples=50, deadline=None)
@given(documents())
def test_any_plan_draws_one_shape_per_task_and_mermaid_lines_stay_whole(
        doc: dict[str, Any]) -> None:
    from plansync.render.gantt import svg
    from plansync.render.mermaid import schedule_gantt
    from plansync.schedule.cpm import schedule

    result = schedule(doc)
    picture = svg("t", result.tasks)
    assert picture.count("<title>") == len(result.tasks) + 1  # one tooltip per shape
    cairosvg.svg2png(bytestring=picture.encode())  # a valid SVG, whatever the names
    lines = schedule_gantt("t", result.tasks).splitlines()[5:-1]
    for line in lines:
        if not line.startswith("    section "):
            title, _, rest = line.partition(" :")
            assert ":" not in title and "#" not in title and ";" not in title
            assert rest.count(",") >= 2


@given(st.text())
def test_mermaid_text_is_always_safe(text: str) -> None:
    from plansync.render.mermaid import safe

    out = safe(text)
    assert not set(out) & set(':;#`\n\r"<>{}[]%\\')
