"""The fast YAML reader (libyaml) against the full one (ruamel.yaml, the reference): on every
text it reads, the same plain data, types included; on any other it steps aside (None), and
the CLI then reports exactly the located problems the full reader finds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from plansync.cli import cli
from plansync.errors import SeedError
from plansync.seed import yamlfast, yamlio
from plansync.seed.load import Limits, load_seed
from tests.seed.test_hostile_input import YAML_HEAD
from tests.strategies import documents, same

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "plans"

# Plain scalars whose meaning differs between YAML 1.1 (PyYAML's default) and 1.2, or that
# look like numbers, dates or constants.
TRAPS = [
    "yes", "no", "on", "off", "y", "n", "Yes", "NO", "On", "OFF", "Y", "N",
    "0o17", "017", "0x1F", "0b101", "1_000", "1:20", "1:20:30", "-1:20", "+1", "-1", "0", "-0",
    "00", "12", ".5", "1.", "1e3", "1.5e3", "1E3", "-1.5", "0.25", "12.50", "-0.0",
    ".inf", "-.Inf", "+.INF", ".NaN", ".nan", "~", "null", "Null", "NULL", "nULL",
    "true", "True", "TRUE", "tRUE", "false", "False", "FALSE",
    "2026-03-02", "2026-02-30", "0000-01-01", "2026-3-2", "2026-03-02T10:00:00Z",
    "2026-03-02 10:00:00", "2026-03-02t10:00:00.5+02:00", "20260302",
    "=", "<<", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
    "-9223372036854775809", "1" * 30, "1.0e+300", "0.1", "123456789012345678901234567890.5",
    "a b", "a:b", "a#b", "a #b", "x-1", "1-x", "1.2.3", "v1.0", "mon", "T-001", "R&D",
    "Q & A", "fix it!", "a * b", "50%", "@home", "`x`", "-", "--", "---", "...", "a: b",
    "[a]", "{a: b}", "a, b", "? a", "- a", "|", ">", "'", '"', "#", "%YAML", "é", "日本",
    "\U0001F600", "a\tb", "a\x85b", "a\u2028b", "a\ufeffb", "\\", "\\0",
]

# characters that matter to a YAML scanner, and a few that do not
ALPHABET = "ab yYnNtTfFeEoxX019_-+.:,#'\"!&*[]{}?|>%@`~=<\\\t\n\r\x85\u2028\u00e9\x07"


def reference(text: str, max_depth: int = 32) -> tuple[str, Any]:
    """("ok", data) or ("error", (code, line, column, pointer)) from the full reader."""
    try:
        return "ok", yamlio.load_yaml("x.seed.yaml", text, Limits(max_depth=max_depth))[0]
    except SeedError as exc:
        p = exc.problems[0]
        return "error", (p.code, p.line, p.column, p.pointer)


def agrees(text: str, max_depth: int = 32) -> Any:
    """The fast reader's data, asserted equal to the reference's (None: it stepped aside)."""
    fast = yamlfast.read(text, max_depth)
    if fast is not None:
        outcome, data = reference(text, max_depth)
        assert outcome == "ok", (text, fast, data)
        assert same(fast, data), (text, fast, data)
    return fast


# -- scalars ---------------------------------------------------------------------------------


def single_quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def double_quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def block(value: str, header: str, indent: str) -> str:
    """A block scalar (| or >, maybe with a chomping indicator) holding the lines of value."""
    return header + "\n" + "".join(f"{indent}{line}\n" for line in value.split("\n"))


scalar_values = st.one_of(st.sampled_from(TRAPS), st.text(ALPHABET, max_size=10))
BLOCK_HEADERS = ["|", "|-", "|+", ">", ">-", ">+", "| # c"]
styles = st.sampled_from(["plain", "single", "double", *BLOCK_HEADERS])


def written(value: str, style: str, indent: str) -> str:
    if style == "single":
        return single_quoted(value)
    if style == "double":
        return double_quoted(value)
    if style in BLOCK_HEADERS:
        return block(value, style, indent)
    return value


def placements(value: str, style: str) -> list[str]:
    """The scalar as a mapping value, a block and a flow sequence item, and a key."""
    scalar = written(value, style, "    ")
    is_block = style in BLOCK_HEADERS
    texts = [f"version: 1\nk: {scalar}" + ("z: 1\n" if is_block else "\nz: 1\n"),
             f"k:\n  - {written(value, style, '    ')}" + ("" if is_block else "\n  - x\n")]
    if not is_block:
        texts += [f"k: [{scalar}, x]\n", f"k: {{{scalar}: 1}}\n", f"{scalar}: 1\nk: 2\n",
                  f"k:\n  {scalar}: 1\n"]
    return texts


@pytest.mark.parametrize("value", TRAPS)
def test_each_trap_reads_as_the_full_reader_reads_it(value: str) -> None:
    for style in ("plain", "single", "double"):
        for text in placements(value, style):
            agrees(text)


@pytest.mark.parametrize(("value", "expected"), [
    ("yes", "yes"), ("no", "no"), ("on", "on"), ("off", "off"), ("y", "y"), ("n", "n"),
    ("1:20", "1:20"), ("~", None), ("null", None), ("Null", None), ("", None),
    ("true", True), ("True", True), ("TRUE", True), ("false", False), ("tRUE", "tRUE"),
    ("12", 12), ("-1", -1), ("0", 0), ("0.25", 0.25), ("-1.5", -1.5), ("12.50", 12.5),
    ("2026-03-02", "2026-03-02"), ("2026-3-2", "2026-3-2"), ("x-1", "x-1"), ("R&D", "R&D"),
])
def test_the_common_forms_are_read_fast_with_the_yaml_1_2_meaning(value: str,
                                                                  expected: Any) -> None:
    text = f"k: {value}\n"
    assert same(agrees(text), {"k": expected}), text
    assert same(reference(text), ("ok", {"k": expected}))


@pytest.mark.parametrize("value", [
    "0o17", "017", "0x1F", "0b101", "1_000", "+1", ".5", "1e3", ".inf", "-.Inf", ".NaN",
    "2026-02-30", "2026-03-02T10:00:00Z", "=", "<<", "9223372036854775808", "1.0e+300",
])
def test_the_rarer_forms_are_left_to_the_full_reader(value: str) -> None:
    assert yamlfast.read(f"k: {value}\n", 32) is None


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(scalar_values, styles)
@example("\n ", "|")  # lines of spaces only: libyaml reads them, ruamel refuses
@example("\n ", ">-")
def test_any_scalar_anywhere_reads_as_the_full_reader_reads_it(value: str, style: str) -> None:
    for text in placements(value, style):
        agrees(text)


# -- documents -------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(documents())
def test_what_plansync_writes_is_read_fast_and_the_same(doc: dict[str, Any]) -> None:
    text = yamlio.dump_plain(doc)

    fast = agrees(text)

    assert fast is not None, text


@st.composite
def hand_written(draw: Any, depth: int = 0, indent: str = "") -> str:
    """A YAML mapping as people write it: block and flow collections, every scalar style,
    comments, blank lines, explicit document markers."""
    lines = []
    keys = draw(st.lists(st.one_of(st.sampled_from(["a", "b", "wbs", "from", "tasks", "risks",
                                                    "1", "on", "x y", "'q'", '"d"', "a"]),
                                   st.text("abk:-# '\"", min_size=1, max_size=4)),
                         min_size=1, max_size=4))
    for key in keys:
        kind = draw(st.sampled_from(["scalar", "scalar", "map", "seq", "flow", "comment"]))
        if kind == "comment":
            lines.append(f"{indent}# {draw(st.text('ab: #-', max_size=5))}\n")
            continue
        if kind == "scalar" or depth >= 3:
            value, style = draw(scalar_values), draw(styles)
            lines.append(f"{indent}{key}: {written(value, style, indent + '  ')}"
                         + ("" if style in BLOCK_HEADERS else "\n"))
        elif kind == "map":
            lines.append(f"{indent}{key}:\n" + draw(hand_written(depth + 1, indent + "  ")))
        elif kind == "seq":
            items = draw(st.lists(st.tuples(scalar_values, styles), min_size=1, max_size=3))
            lines.append(f"{indent}{key}:\n" + "".join(
                f"{indent}  - {written(v, s, indent + '    ')}"
                + ("" if s in BLOCK_HEADERS else "\n") for v, s in items))
        else:
            items = draw(st.lists(st.tuples(scalar_values, st.sampled_from(
                ["plain", "single", "double"])), max_size=3))
            lines.append(f"{indent}{key}: [" + ", ".join(written(v, s, "") for v, s in items)
                         + "]\n")
        if draw(st.booleans()):
            lines.append("\n")
    return "".join(lines)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(hand_written(), st.sampled_from(["", "---\n", "--- # start\n", "%YAML 1.2\n---\n"]),
       st.sampled_from(["", "...\n", "---\nb: 1\n", "# end"]))
def test_hand_written_yaml_reads_as_the_full_reader_reads_it(body: str, head: str,
                                                             tail: str) -> None:
    agrees(head + body + tail)


FLOW_TOKENS = ["a", "b1", "1", "'q'", '"d"', "''", '""', ":", ": ", ",", ", ", " ", "[", "]",
               "{", "}", "?", "? ", "#", " #c", "-", "- ", "&x ", "*x", "!t ", "\n  ", "\t"]


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(FLOW_TOKENS), max_size=8), st.sampled_from(["[]", "{}"]))
@example(["'q'", ":"], "[]")  # a pair in a flow sequence: libyaml reads it, ruamel refuses
@example(['"d"', ":", "b1"], "[]")
def test_flow_collections_read_as_the_full_reader_reads_them(tokens: list[str],
                                                             brackets: str) -> None:
    agrees(f"k: {brackets[0]}{''.join(tokens)}{brackets[1]}\nz: 1\n")


def test_the_example_plans_are_read_fast_and_the_same() -> None:
    plans = sorted(EXAMPLES.glob("*.seed.yaml"))
    assert plans
    for plan in plans:
        assert agrees(plan.read_text(encoding="utf-8")) is not None, plan


@pytest.mark.parametrize("depth", [1, 2, 3, 31, 32, 33])
def test_nesting_at_the_limit_reads_as_the_full_reader_reads_it(depth: int) -> None:
    text = "k: " + "[" * depth + "]" * depth + "\n"
    for max_depth in (1, 2, 3, 32):
        fast = agrees(text, max_depth)
        assert (fast is None) == (reference(text, max_depth)[0] == "error")


# -- through the CLI -------------------------------------------------------------------------

HEAD = YAML_HEAD + "        - wbs: '1'\n          name: Design\n          duration: 5\n"

REFUSED = {
    "anchor": HEAD + "        - wbs: '2'\n          name: &n Build\n          duration: 3\n",
    "alias": HEAD + "        - wbs: '2'\n          name: *n\n",
    "anchor-and-alias": HEAD.replace("name: Design", "name: &n Design")
    + "        - wbs: '2'\n          name: *n\n",
    "duplicate-key": HEAD + "          duration: 6\n",
    "duplicate-quoted-key": HEAD + "          'name': Again\n",
    "tag": HEAD + "          notes: !!binary aGVsbG8=\n",
    "local-tag": HEAD + "          notes: !mine x\n",
    "non-string-key": HEAD + "          1: one\n",
    "merge-key": HEAD + "          <<: {notes: x}\n",
    "deep": HEAD + "          notes: " + "[" * 40 + "]" * 40 + "\n",
    "two-documents": HEAD + "---\nversion: 1\n",
    "wbs-number": HEAD + "        - wbs: 1.10\n          name: Lost\n",
    "dependency-number": HEAD + "      dependencies:\n        - from: '1'\n          to: 2\n",
    "risk-task-number": HEAD + "      risks:\n        - code: r\n          tasks:\n"
    "            - '1'\n            - 1.10\n",
    "nul-key": HEAD + '          "no\\0te": x\n',
    "impossible-date": HEAD.replace("2026-03-02", "2026-02-30"),
    "infinity": HEAD.replace("duration: 5", "duration: .inf"),
    "nul": HEAD.replace("name: Design", 'name: "De\\0sign"'),
    "syntax": HEAD + "          name: [unclosed\n",
}


def cli_problems(path: Path) -> tuple[int, list[dict[str, Any]]]:
    result = CliRunner().invoke(cli, ["validate", "--format", "json", str(path)])
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip() else []


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refused_yaml_gets_the_full_readers_located_problem(case: str,
                                                            tmp_path: Path) -> None:
    text = REFUSED[case]
    source = tmp_path / "x.seed.yaml"
    source.write_text(text, encoding="utf-8")
    outcome, located = reference(text)

    code, problems = cli_problems(source)

    assert yamlfast.read(text, 32) is None
    assert code == 1, problems
    first = problems[0]
    if outcome == "error":  # refused by the reader itself
        assert (first["code"], first["line"], first["column"], first["pointer"]) == located
    assert first["line"] > 0 and first["column"] > 0 and first["hint"], first


def test_yaml_1_1_booleans_stay_strings_and_lose_no_location(tmp_path: Path) -> None:
    """`milestone: yes` is the string "yes" (YAML 1.2), read fast; the schema refuses it, at
    the line and column of the value, which the full reader finds once it is needed."""
    text = HEAD + "          milestone: yes\n"
    source = tmp_path / "x.seed.yaml"
    source.write_text(text, encoding="utf-8")

    fast = yamlfast.read(text, 32)
    code, problems = cli_problems(source)

    assert fast is not None
    assert fast["program"]["projects"][0]["tasks"][0]["milestone"] == "yes"
    assert code == 1
    assert [(p["line"], p["column"], p["pointer"]) for p in problems] == [
        (text.count("\n"), len("          milestone: ") + 1,
         "/program/projects/0/tasks/0/milestone")]


def test_a_yaml_1_1_directive_is_left_to_the_full_reader(tmp_path: Path) -> None:
    """Under %YAML 1.1, ruamel reads `yes` as true: the fast reader, which knows YAML 1.2
    only, steps aside, and the file keeps the meaning it had."""
    text = "%YAML 1.1\n---\n" + HEAD + "          milestone: yes\n"
    source = tmp_path / "x.seed.yaml"
    source.write_text(text, encoding="utf-8")

    assert yamlfast.read(text, 32) is None
    assert load_seed(source).doc["program"]["projects"][0]["tasks"][0]["milestone"] is True
    assert cli_problems(source) == (0, [])


def test_a_fast_read_seed_has_the_tree_fmt_needs(tmp_path: Path) -> None:
    source = tmp_path / "x.seed.yaml"
    text = "# the plan\n" + HEAD
    source.write_text(text, encoding="utf-8")
    line = text.splitlines().index("          duration: 5") + 1

    seed = load_seed(source)

    assert seed.read_tree is None  # read fast: no tree yet
    assert seed.tree is not None and seed.read_tree is seed.tree
    assert seed.position("/program/projects/0/tasks/0/duration") == (line, 21)
    result = CliRunner().invoke(cli, ["fmt", str(source)])
    assert result.exit_code == 0, result.output
    assert source.read_text(encoding="utf-8").startswith("# the plan\n")


def test_validating_a_valid_yaml_file_does_not_load_the_full_reader(tmp_path: Path) -> None:
    """The speed of `validate` on YAML: ruamel.yaml is not even imported for a valid file."""
    source = tmp_path / "x.seed.yaml"
    source.write_text(HEAD, encoding="utf-8")
    program = ("import sys\nfrom plansync.cli import main\ntry:\n    main()\nfinally:\n"
               "    print('ruamel.yaml' in sys.modules, file=sys.stderr)\n")

    result = subprocess.run([sys.executable, "-c", program, "validate", str(source)],
                            capture_output=True, text=True, check=False)

    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1] == "False"
