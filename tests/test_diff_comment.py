"""The pull-request comment as GitHub renders it: CommonMark with tables and inline HTML
(markdown-it-py), asserted on the rendered HTML, not only on the markdown source."""

from __future__ import annotations

import copy
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from plansync.cli import cli
from plansync.diff import Change, diff_documents, schedule_impact
from plansync.diff.context import describe
from plansync.render.comment import GITHUB_LIMIT, MIN_CHARS, comments
from plansync.render.diff import Section
from plansync.seed.canonical import canonical_bytes
from tests.processes import children
from tests.schedule.docs import dep, one, task

GITHUB = MarkdownIt("commonmark", {"html": True}).enable("table")


def rendered(markdown: str) -> str:
    return GITHUB.render(markdown)


class _Cells(HTMLParser):
    """The text of each table row's cells, per table."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.tags: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def parsed(markdown: str) -> _Cells:
    parser = _Cells()
    parser.feed(rendered(markdown))
    return parser


def section(old: dict[str, Any], new: dict[str, Any], schedule: bool = True,
            path: str | None = None) -> Section:
    changes = diff_documents(old, new)
    impact = schedule_impact(old, new, changes) if schedule else None
    return Section(path, new["program"]["code"], changes, impact, describe(old, new, changes))


def plan() -> dict[str, Any]:
    """lm: 1 (3 days) -> 2 (2 days) -> 3 (1 day), and 4 (1 day) on its own; from Mon 5 Jan."""
    return one([task("1", 3), task("2", 2), task("3", 1), task("4", 1)],
               [dep("1", "2"), dep("2", "3")])


def tasks_of(doc: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = doc["program"]["projects"][0]["tasks"]
    return found


def test_added_removed_changed_and_moved_read_apart_in_one_table() -> None:
    old, new = plan(), plan()
    tasks = tasks_of(new)
    tasks[1]["duration"] = 4  # changed
    tasks.remove(tasks[3])  # 4 removed
    tasks[2]["wbs"] = "5"  # 3 moved to 5
    new["program"]["projects"][0]["dependencies"][1]["to"] = "5"
    tasks.append({"wbs": "6", "name": "Sign-off", "duration": 2})  # added
    new["program"]["projects"][0]["dependencies"].append(dep("5", "6"))
    [text] = comments([section(old, new)])
    html = rendered(text)
    assert "<blockquote>" not in html and "<ul>" not in html
    assert "Plan changes: 2 added, 1 removed, 1 changed, 2 moved in 1 program" in html
    rows = {tuple(r[:3]): r for r in parsed(text).tables[-1][1:]}
    assert rows[("➕ added", "task", "lm:6")][3:] == ["Sign-off", "", "", "2 days, after 5"]
    assert rows[("➖ removed", "task", "lm:4")][3] == "task 4"
    assert rows[("✏️ changed", "task", "lm:2")][3:] == ["task 2", "duration", "2", "4"]
    assert rows[("🔀 moved", "task", "lm:5")][3:] == ["task 3", "wbs", "\"3\"", "\"5\""]
    assert rows[("➕ added", "dependency", "lm:5 -> 6")][-1] == "FS"
    assert parsed(text).tables[-1][0] == ["change", "kind", "key", "name", "field", "before",
                                          "after"]


def test_an_empty_diff_says_so_in_one_line() -> None:
    [text] = comments([])
    visible = [line for line in text.splitlines() if line and not line.startswith("<!--")]
    assert visible == ["**No plan changes**"]
    assert "No plan changes" in rendered(text)


def test_long_values_are_whole_and_folded() -> None:
    old, new = plan(), plan()
    note = "Backticks ` and pipes | and <b>tags</b> " * 10
    tasks_of(new)[0]["notes"] = note
    [text] = comments([section(old, new)])
    html = rendered(text)
    assert "<details><summary>" in html
    code = re.findall(r"<code>(.*?)</code>", html)
    assert any(json.dumps(note).replace("&", "&amp;").replace("<", "&lt;").replace(
        ">", "&gt;").replace('"', "&quot;") == c for c in code), code
    assert "…\"" not in text.split("<summary>")[0]  # no value cut anywhere


def test_more_than_ten_rows_fold_and_none_is_dropped() -> None:
    old = plan()
    new = copy.deepcopy(old)
    tasks_of(new).extend({"wbs": str(n), "name": f"Step {n}", "duration": 1}
                         for n in range(5, 30))
    new["program"]["projects"][0]["dependencies"] += [dep(str(n), str(n + 1))
                                                      for n in range(5, 29)]
    [text] = comments([section(old, new)])
    assert "more" not in text
    cells = parsed(text)
    assert "details" in cells.tags
    keys = {row[2] for table in cells.tables for row in table if table[0][0] == "change"}
    assert {f"lm:{n}" for n in range(5, 30)} <= keys
    joined = next(t for t in cells.tables if t[0] == ["task", "name"])
    assert len(joined) - 1 == 25  # every task that joined the critical path, folded


def test_a_missed_deadline_and_constraint_are_new_warnings_first() -> None:
    old = plan()
    tasks_of(old)[2]["deadline"] = "2026-01-12"
    tasks_of(old)[1]["constraint"] = {"type": "must_finish_on", "date": "2026-01-09"}
    new = copy.deepcopy(old)
    tasks_of(new)[0]["duration"] = 6  # 1 ends Mon 12, 2 Wed 14, 3 Thu 15
    s = section(old, new)
    assert s.impact is not None
    kinds = [(w["kind"], w["task"]) for w in s.impact["warnings"]["new"]]
    assert ("missed-constraint", "lm:2") in kinds and ("missed-deadline", "lm:3") in kinds
    assert ("negative-float", "lm:1") in kinds
    [text] = comments([s])
    html = rendered(text)
    assert html.index("New warnings") < html.index("Finish") < html.index("change in prog")
    assert "missed deadline" in html and "lm:3 finishes 2026-01-15, after its deadline" in html
    back = section(new, old)
    assert back.impact is not None
    assert {w["kind"] for w in back.impact["warnings"]["resolved"]} == {
        "missed-constraint", "missed-deadline", "negative-float"}
    assert "Resolved warnings" in rendered(comments([back])[0])


def test_the_effective_duration_is_shown_when_a_duration_replaces_an_estimate() -> None:
    old = plan()
    del tasks_of(old)[3]["duration"]
    tasks_of(old)[3]["estimate"] = {"optimistic": 5, "likely": 7, "pessimistic": 12}
    new = copy.deepcopy(old)
    tasks_of(new)[3]["duration"] = 20
    [text] = comments([section(old, new)])
    assert "effective 7.5 -&gt; 20 days" in rendered(text)


def test_the_picture_is_a_mermaid_gantt_of_before_and_after() -> None:
    old, new = plan(), plan()
    tasks_of(new)[0]["duration"] = 5
    [text] = comments([section(old, new)])
    html = rendered(text)
    block = re.search(r'<pre><code class="language-mermaid">(.*?)</code></pre>', html, re.S)
    assert block is not None
    chart = block.group(1)
    assert chart.startswith("gantt\n") and "dateFormat YYYY-MM-DD" in chart
    assert "section lm∶1 task 1" in chart  # a key keeps its look, without Mermaid's colon
    assert "before :done, b" in chart and "after :crit, a" in chart
    assert "2026-01-05, 2026-01-08" in chart  # before: Mon 5 - Wed 7 (end is exclusive)


def test_no_schedule_change_is_one_line() -> None:
    old, new = plan(), plan()
    tasks_of(new)[0]["name"] = "Renamed"
    [text] = comments([section(old, new)])
    assert "Schedule: no change to finish dates, the critical path or warnings." in text
    assert "mermaid" not in text


# --- splitting


def _change(n: int, size: int) -> Change:
    return Change("change", "task", "prog", "lm", f"1.{n}", "notes", "x" * size,
                  f"note | {n} `" + "y" * size)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 6_000), min_size=1, max_size=60), st.integers(MIN_CHARS, 20_000))
def test_split_comments_are_each_under_the_limit_and_miss_nothing(sizes: list[int],
                                                                   limit: int) -> None:
    changes = [_change(n, size) for n, size in enumerate(sizes)]
    parts = comments([Section(None, "prog", changes)], limit)
    assert all(len(p) <= limit for p in parts)
    for n, part in enumerate(parts, 1):
        assert part.startswith(f"<!-- plansync-diff:{n} -->")
        assert len(parts) == 1 or f"comment {n} of {len(parts)}" in part
        html = rendered(part)
        assert "<table>" in html or "<details>" in html
        assert "| change |" not in html  # every table is a table: its header repeated
    rows = [r for p in parts for table in parsed(p).tables for r in table[1:]]
    assert [r[2] for r in rows] == [f"lm:1.{n}" for n in range(len(sizes))]  # all, in order
    for row, size in zip(rows, sizes, strict=True):
        assert row[-1].endswith("`" + "y" * size + '"') or row[3].startswith("this row is")


def test_a_row_larger_than_a_comment_says_so() -> None:
    parts = comments([Section(None, "prog", [_change(1, 10_000)])], MIN_CHARS)
    assert all(len(p) <= MIN_CHARS for p in parts)
    assert "too long for a comment" in "".join(parts)


def test_the_cli_writes_numbered_comments_and_a_json_array(tmp_path: Path) -> None:
    old = plan()
    new = copy.deepcopy(old)
    tasks_of(new).extend({"wbs": str(n), "name": f"Step {n} " + "z" * 200, "duration": 1}
                         for n in range(5, 60))
    (tmp_path / "a.seed.json").write_bytes(canonical_bytes(old))
    (tmp_path / "b.seed.json").write_bytes(canonical_bytes(new))
    args = ["diff", str(tmp_path / "a.seed.json"), str(tmp_path / "b.seed.json")]
    result = CliRunner().invoke(cli, [*args, "--format", "markdown-json",
                                      "--max-comment-chars", "5000"])
    assert result.exit_code == 1, result.output
    parts = json.loads(result.stdout)
    assert len(parts) > 2 and all(len(p) <= 5000 for p in parts)
    out = tmp_path / "comment.md"
    result = CliRunner().invoke(cli, [*args, "--format", "markdown", "--max-comment-chars",
                                      "5000", "-o", str(out)])
    assert result.exit_code == 1
    written = sorted(tmp_path.glob("comment.*.md"), key=lambda p: int(p.name.split(".")[1]))
    assert [p.read_text() for p in written] == parts
    assert not out.exists()
    result = CliRunner().invoke(cli, [*args, "--format", "markdown"])
    assert result.stdout.count("<!-- plansync-diff:") == 1 and len(result.stdout) < GITHUB_LIMIT


def test_the_json_schedule_has_warnings(tmp_path: Path) -> None:
    old = plan()
    new = copy.deepcopy(old)
    tasks_of(new)[2]["deadline"] = "2026-01-06"
    (tmp_path / "a.seed.json").write_bytes(canonical_bytes(old))
    (tmp_path / "b.seed.json").write_bytes(canonical_bytes(new))
    result = CliRunner().invoke(cli, ["diff", str(tmp_path / "a.seed.json"),
                                      str(tmp_path / "b.seed.json"), "--format", "json"])
    data = json.loads(result.stdout)
    assert data["schedule"]["prog"]["warnings"]["new"] == [{
        "kind": "missed-deadline", "task": "lm:3", "name": "task 3",
        "message": "lm:3 finishes 2026-01-12, after its deadline 2026-01-06"}]


def test_big_inputs_read_in_two_processes_give_the_same_output(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """PLANSYNC_PARALLEL_BYTES=0 takes the two-process path (the old side validated and
    scheduled in a second process) on small files: the same output, the same errors."""
    old, new = plan(), plan()
    tasks_of(new)[0]["duration"] = 5
    tasks_of(new)[2]["deadline"] = "2026-01-06"
    (tmp_path / "a.seed.json").write_bytes(canonical_bytes(old))
    (tmp_path / "b.seed.json").write_bytes(canonical_bytes(new))
    (tmp_path / "bad.seed.json").write_text('{"version": 1, "program": {"code": "X"}}')
    outputs = []
    for threshold in ("1000000000", "0"):
        monkeypatch.setenv("PLANSYNC_PARALLEL_BYTES", threshold)
        runs = [CliRunner().invoke(cli, ["diff", str(tmp_path / a), str(tmp_path / b),
                                         "--format", fmt])
                for a, b, fmt in (("a.seed.json", "b.seed.json", "json"),
                                  ("a.seed.json", "b.seed.json", "markdown"),
                                  ("bad.seed.json", "b.seed.json", "text"))]
        outputs.append([(r.exit_code, r.stdout, r.stderr) for r in runs])
    assert outputs[0] == outputs[1]
    assert [code for code, _, _ in outputs[1]] == [1, 1, 2]
    assert "missed-deadline" in outputs[1][0][1]


def test_an_old_file_that_cannot_be_read_is_the_same_error_in_two_processes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second process fails on an old file over PLANSYNC_MAX_FILE_SIZE: this one reads
    it again and says what the one-process way says (exit 3), and an invalid new side is
    reported as always."""
    old, new = plan(), plan()
    tasks_of(new)[0]["duration"] = 5
    (tmp_path / "a.seed.json").write_bytes(canonical_bytes(old) + b" " * 4096)
    (tmp_path / "b.seed.json").write_bytes(canonical_bytes(new))
    (tmp_path / "bad.seed.json").write_text('{"version": 1, "program": {"code": "X"}}')
    monkeypatch.setenv("PLANSYNC_MAX_FILE_SIZE", str(len(canonical_bytes(old)) + 100))
    outputs = []
    for threshold in ("1000000000", "0"):
        monkeypatch.setenv("PLANSYNC_PARALLEL_BYTES", threshold)
        runs = [CliRunner().invoke(cli, ["diff", str(tmp_path / a), str(tmp_path / b)])
                for a, b in (("a.seed.json", "b.seed.json"), ("b.seed.json", "bad.seed.json"),
                             ("bad.seed.json", "bad.seed.json"))]
        outputs.append([(r.exit_code, r.stdout, r.stderr) for r in runs])
    assert outputs[0] == outputs[1]
    assert [code for code, _, _ in outputs[1]] == [3, 2, 2]
    assert "cannot read" in outputs[1][0][2]


def test_identical_files_in_two_processes(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """No change: the second process, still scheduling the old side, is ended, and the
    answer is the one-process answer (exit 0)."""
    (tmp_path / "a.seed.json").write_bytes(canonical_bytes(plan()))
    (tmp_path / "b.seed.json").write_bytes(canonical_bytes(plan()))
    outputs = []
    for threshold in ("1000000000", "0"):
        monkeypatch.setenv("PLANSYNC_PARALLEL_BYTES", threshold)
        result = CliRunner().invoke(cli, ["diff", str(tmp_path / "a.seed.json"),
                                          str(tmp_path / "b.seed.json"), "--format", "json"])
        outputs.append((result.exit_code, result.stdout, result.stderr))
    assert outputs[0] == outputs[1]
    assert outputs[1][0] == 0


@pytest.mark.slow
def test_a_second_process_killed_midway_means_one_process_again(tmp_path: Path) -> None:
    """kill -9 of the second process (a Git diff: the old side is a blob only the child
    holds) is not a bug: the diff runs again in one process, with the same answer."""
    import os
    import signal
    import subprocess
    import sys
    import time

    import pygit2

    from tests.gitrepos import commit_all

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    try:
        from generate import generate_program
    finally:
        sys.path.pop(0)
    doc = generate_program(20000, seed=3)
    pygit2.init_repository(str(tmp_path))
    plan_file = tmp_path / "big.seed.json"
    plan_file.write_bytes(canonical_bytes(doc))
    commit_all(tmp_path, "plan")
    doc["program"]["projects"][0]["tasks"][-1]["name"] = "Renamed"
    plan_file.write_bytes(canonical_bytes(doc))
    env = {**os.environ, "PLANSYNC_PARALLEL_BYTES": "1000", "NO_COLOR": "1"}
    command = [sys.executable, "-m", "plansync", "diff", "--format", "json"]
    expected = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert expected.returncode == 1, expected.stderr
    proc = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    killed = False
    deadline = time.monotonic() + 60
    while not killed and proc.poll() is None and time.monotonic() < deadline:
        for child in children(proc.pid):
            os.kill(child, signal.SIGKILL)
            killed = True
        time.sleep(0.001)
    out, err = proc.communicate(timeout=120)
    assert killed, "the second process was never seen"
    assert proc.returncode == 1, err
    assert "diffing again in one process" in err
    assert out == expected.stdout


def test_no_pipe_to_spare_means_one_process(tmp_path: Path) -> None:
    """The open-files limit reached before the second process could get its pipes: the diff
    runs in one process, with the same answer (it was an exit 4)."""
    import os
    import subprocess
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    try:
        from generate import generate_program
    finally:
        sys.path.pop(0)
    doc = generate_program(300, seed=5)
    old, new = tmp_path / "old.seed.json", tmp_path / "new.seed.json"
    old.write_bytes(canonical_bytes(doc))
    doc["program"]["projects"][0]["tasks"][-1]["name"] = "Renamed"
    new.write_bytes(canonical_bytes(doc))
    env = {**os.environ, "PLANSYNC_PARALLEL_BYTES": "1000", "NO_COLOR": "1"}
    command = ["diff", "--format", "json", str(old), str(new)]
    expected = subprocess.run([sys.executable, "-m", "plansync", *command], env=env,
                              capture_output=True, text=True)
    assert expected.returncode == 1, expected.stderr
    script = ("import os, resource, sys\n"
              "from plansync.cli import main\n"
              "free = len(os.listdir('/proc/self/fd'))  # one of them was listdir's own\n"
              "resource.setrlimit(resource.RLIMIT_NOFILE,\n"
              "                   (free, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))\n"
              f"sys.argv = ['plansync', *{command!r}]\n"
              "main()\n")
    limited = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                             text=True)
    assert limited.returncode == 1, limited.stderr
    assert limited.stdout == expected.stdout
