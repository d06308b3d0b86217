"""Hostile input: lone surrogates, overlong wbs numbers, YAML merge keys, tags, deep nesting
and huge integers. Each is refused by the loader or the schema with a located problem and
exit 1, by every command that reads a seed file, and never stops a folder run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from plansync.cli import cli
from plansync.seed.canonical import canonical_bytes

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "plans"

YAML_HEAD = """\
version: 1
program:
  code: gemini
  name: Gemini
  projects:
    - code: capsule
      name: Capsule
      start: 2026-03-02
      tasks:
"""


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


def first_problem(path: Path) -> dict[str, Any]:
    result = invoke("validate", "--format", "json", str(path))
    assert result.exit_code == 1, result.output
    problem: dict[str, Any] = json.loads(result.stdout)[0]
    return problem


def every_reader(path: Path, tmp_path: Path) -> list[tuple[str, Any]]:
    """Every command that reads a seed file, run on `path`."""
    other = "json" if path.name.endswith(".yaml") else "yaml"
    return [
        ("validate", invoke("validate", str(path))),
        ("fmt", invoke("fmt", str(path))),
        ("fmt --check", invoke("fmt", "--check", str(path))),
        ("convert", invoke("convert", str(path), "-o", str(tmp_path / f"out.seed.{other}"))),
        ("import", invoke("import", "--instance", "memory:", str(path))),
        ("roundtrip", invoke("roundtrip", str(path))),
        ("schedule", invoke("schedule", str(path))),
    ]


SURROGATES = {
    "json-value": ('{"version": 1, "program": {"code": "a", "name": "A \\ud800"}}\n',
                   "x.seed.json", 1, 49, "/program/name"),
    "json-key": ('{"version": 1, "program": {"code": "a", "name": "A",\n "\\udbff": 1}}\n',
                 "x.seed.json", 2, 2, "/program/\\udbff"),
    "json-pair-half": ('{"version": 1, "program": {"code": "a", "name": "\\ude00\\ud83d"}}\n',
                       "x.seed.json", 1, 49, "/program/name"),
    "yaml-value": ('version: 1\nprogram:\n  code: a\n  name: "A \\ud800"\n',
                   "x.seed.yaml", 4, 9, "/program/name"),
    "yaml-key": ('version: 1\nprogram:\n  code: a\n  name: A\n  "\\udc00": 1\n',
                 "x.seed.yaml", 5, 3, "/program/\\udc00"),
}


@pytest.mark.parametrize("case", sorted(SURROGATES))
def test_a_lone_surrogate_is_the_same_located_finding_for_every_command(
        case: str, tmp_path: Path) -> None:
    text, name, line, column, pointer = SURROGATES[case]
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    before = source.read_bytes()

    problem = first_problem(source)

    assert (problem["line"], problem["column"], problem["pointer"], problem["code"]) == (
        line, column, pointer, "surrogate")
    where = f"{source}:{line}:{column}"
    for command, result in every_reader(source, tmp_path):
        assert result.exit_code == 1, (command, result.output)
        assert where in result.output and "lone surrogate" in result.output, command
    assert source.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [name], "nothing written"


def test_a_surrogate_pair_escape_is_one_character_and_fine(tmp_path: Path) -> None:
    source = tmp_path / "x.seed.json"
    source.write_text('{"version": 1, "program": {"code": "a", "name": "A \\ud83d\\ude00"}}')

    assert invoke("validate", str(source)).exit_code == 0
    assert invoke("roundtrip", str(source)).exit_code == 1  # not canonical, but no error
    assert invoke("fmt", str(source)).exit_code == 0
    assert "A \U0001F600" in source.read_text("utf-8")


def _plan(wbs: str) -> dict[str, Any]:
    return {"version": 1, "program": {"code": "a", "name": "A", "projects": [
        {"code": "p", "name": "P", "start": "2026-01-05",
         "tasks": [{"wbs": "1", "name": "T"}, {"wbs": wbs, "name": "U", "duration": 1}],
         "dependencies": [{"from": "1", "to": f"p2:{wbs}"}]},
        {"code": "p2", "name": "P2", "start": "2026-01-05",
         "tasks": [{"wbs": "1", "name": "T"}, {"wbs": wbs, "name": "U"}]}]}}


@pytest.mark.parametrize("wbs", ["1." + "1" * 10, "1." + "7" * 5000, "1.1234567891"])
def test_a_wbs_number_over_nine_digits_is_refused_where_it_stands(wbs: str,
                                                                   tmp_path: Path) -> None:
    source = tmp_path / "x.seed.json"
    source.write_text(json.dumps(_plan(wbs)))

    result = invoke("validate", "--format", "json", str(source))

    assert result.exit_code == 1
    pointers = {p["pointer"] for p in json.loads(result.stdout)}
    assert {"/program/projects/0/tasks/1/wbs", "/program/projects/0/dependencies/0/to",
            "/program/projects/1/tasks/1/wbs"} <= pointers
    for command, outcome in every_reader(source, tmp_path):
        assert outcome.exit_code == 1, (command, outcome.output)


def test_a_nine_digit_wbs_number_goes_all_the_way_through(tmp_path: Path) -> None:
    source = tmp_path / "x.seed.json"
    source.write_bytes(canonical_bytes(_plan("1.999999999")))

    for command, result in every_reader(source, tmp_path):
        assert result.exit_code == 0, (command, result.output)


YAML_REFUSED = {
    "merge-with-alias": ("        - &t {wbs: '1', name: A}\n        - <<: *t\n          wbs: '2'\n",
                         "yaml-alias", 10, 11, "/program/projects/0/tasks/0"),
    "merge-alias-only": ("        - wbs: '1'\n          <<: *nowhere\n", "yaml-merge", 11, 11,
                         "/program/projects/0/tasks/0/<<"),
    "merge-plain": ("        - wbs: '1'\n          <<: {name: A}\n", "yaml-merge", 11, 11,
                    "/program/projects/0/tasks/0/<<"),
    "python-object": ("        - !!python/object:os.system {wbs: '1', name: A}\n", "yaml-tag",
                      10, 11, "/program/projects/0/tasks/0"),
    "python-apply-seq": ("        - wbs: '1'\n          name: A\n          assignees: "
                         "!!python/object/apply:os.system [ls]\n", "yaml-tag", 12, 22,
                         "/program/projects/0/tasks/0/assignees"),
    "set": ("        - wbs: '1'\n          name: A\n          assignees: !!set {a: null}\n",
            "yaml-tag", 12, 22, "/program/projects/0/tasks/0/assignees"),
    "omap": ("        - !!omap [wbs: '1', name: A]\n", "yaml-tag", 10, 11,
             "/program/projects/0/tasks/0"),
    "binary": ("        - wbs: '1'\n          name: !!binary aGVsbG8=\n", "yaml-tag", 11, 17,
               "/program/projects/0/tasks/0/name"),
    "local-tag-on-key": ("        - !secret wbs: '1'\n          name: A\n", "yaml-tag", 10, 11,
                         "/program/projects/0/tasks/0/wbs"),
    "non-specific-tag": ("        - wbs: ! 1.10\n          name: A\n", "yaml-tag", 10, 16,
                         "/program/projects/0/tasks/0/wbs"),
    "huge-integer": ("        - wbs: '1'\n          name: A\n          duration: "
                     + "9" * 5000 + "\n", "number-range", 12, 21,
                     "/program/projects/0/tasks/0/duration"),
    "huge-hex": ("        - wbs: '1'\n          name: A\n          duration: 0x"
                 + "f" * 40 + "\n", "number-range", 12, 21,
                 "/program/projects/0/tasks/0/duration"),
    "65-bit-integer": ("        - wbs: '1'\n          name: A\n          duration: "
                       "18446744073709551616\n", "number-range", 12, 21,
                       "/program/projects/0/tasks/0/duration"),
    "huge-float": ("        - wbs: '1'\n          name: A\n          duration: 1.0e+300\n",
                   "number-range", 12, 21, "/program/projects/0/tasks/0/duration"),
    "deep": ("        - wbs: '1'\n          name: A\n          notes: " + "[" * 3000
             + "]" * 3000 + "\n", "too-deep", 12, 45,
             "/program/projects/0/tasks/0/notes" + "/0" * 27),
}


@pytest.mark.parametrize("case", sorted(YAML_REFUSED))
def test_yaml_that_is_not_plain_data_is_refused_with_a_location(case: str,
                                                                 tmp_path: Path) -> None:
    body, code, line, column, pointer = YAML_REFUSED[case]
    source = tmp_path / "x.seed.yaml"
    source.write_text(YAML_HEAD + body, encoding="utf-8")

    problem = first_problem(source)

    assert (problem["code"], problem["line"], problem["column"], problem["pointer"]) == (
        code, line, column, pointer), problem
    assert problem["hint"]
    for command, result in every_reader(source, tmp_path):
        assert result.exit_code == 1, (command, result.output)


def test_core_schema_tags_are_still_plain_data(tmp_path: Path) -> None:
    source = tmp_path / "x.seed.yaml"
    source.write_text("!!map\nversion: !!int 1\nprogram: !!map\n  code: a\n  name: A\n"
                      "  projects: !!seq []\n", encoding="utf-8")

    assert invoke("validate", str(source)).exit_code == 0
    assert invoke("roundtrip", str(source)).exit_code == 0


def test_yaml_deeper_than_python_can_recurse_with_the_cap_raised(tmp_path: Path) -> None:
    source = tmp_path / "x.seed.yaml"
    source.write_text(YAML_HEAD + "        - notes: " + "[" * 5000 + "]" * 5000 + "\n")

    result = invoke("validate", "--format", "json", "--max-depth", "200", str(source))

    assert result.exit_code == 1
    problem = json.loads(result.stdout)[0]
    assert problem["code"] == "too-deep" and problem["line"] == 10 and problem["column"] > 0


def test_a_broken_yaml_file_does_not_stop_a_folder_run(tmp_path: Path) -> None:
    """A merge key with an alias used to crash the loader with a KeyError, aborting
    `validate DIR` and `fmt DIR` halfway: now it is one located problem among the others."""
    for plan in EXAMPLES.iterdir():
        shutil.copy(plan, tmp_path / plan.name)
    (tmp_path / "a-merge.seed.yaml").write_text(
        YAML_HEAD + "        - &t {wbs: '1', name: A}\n        - <<: *t\n          wbs: '2'\n")
    (tmp_path / "z-broken.seed.json").write_text('{"version": 1, "program": {"code": "z",}}')

    validated = invoke("validate", "--format", "json", str(tmp_path))
    formatted = invoke("fmt", "--format", "json", "--check", str(tmp_path))

    assert validated.exit_code == 1
    files = {Path(p["file"]).name for p in json.loads(validated.stdout)}
    assert files == {"a-merge.seed.yaml", "z-broken.seed.json"}
    assert formatted.exit_code == 1
    assert formatted.stdout.count("a-merge.seed.yaml") >= 1
    assert "z-broken.seed.json" in formatted.stdout


def test_a_crash_on_one_file_is_reported_and_the_others_are_still_checked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """If plansync itself fails on one file (a bug: here ruamel.yaml is made to fail, as a
    stand-in for one we do not know yet), every other file is still checked and reported, the
    failing file is named as an internal error, and the run exits 4."""
    import ruamel.yaml

    real_load = ruamel.yaml.YAML.load

    def load(self: Any, stream: Any) -> Any:
        if "bug-here" in str(stream):
            raise RuntimeError("simulated bug")
        return real_load(self, stream)

    monkeypatch.setattr(ruamel.yaml.YAML, "load", load)
    for plan in EXAMPLES.iterdir():
        shutil.copy(plan, tmp_path / plan.name)
    (tmp_path / "a-bug.seed.yaml").write_text("# bug-here\n" + YAML_HEAD)
    (tmp_path / "z-broken.seed.json").write_text('{"version": 1, "program": {"code": "z",}}')

    for args in (["validate", "--format", "json"], ["fmt", "--check"], ["fmt"]):
        result = invoke(*args, str(tmp_path))
        assert result.exit_code == 4, (args, result.output)
        assert "a-bug.seed.yaml" in result.output and "z-broken.seed.json" in result.output
        assert "internal-error" in result.output or "plansync failed" in result.output
        assert "plansync failed on 1 file(s)" in result.stderr


@pytest.mark.parametrize(("args", "env"), [
    (["--max-file-size", "1e999k"], {}),
    (["--max-file-size", "-5"], {}),
    (["--max-depth", "10000"], {}),
    ([], {"PLANSYNC_MAX_FILE_SIZE": "lots"}),
    ([], {"PLANSYNC_MAX_DEPTH": "deep"}),
    ([], {"PLANSYNC_MAX_DEPTH": "100000"}),
])
def test_bad_limits_are_usage_errors(args: list[str], env: dict[str, str],
                                     tmp_path: Path) -> None:
    source = tmp_path / "x.seed.json"
    shutil.copy(EXAMPLES / "apollo.seed.json", source)

    result = CliRunner(env=env).invoke(cli, ["validate", *args, str(source)])

    assert result.exit_code == 2, result.output


@pytest.mark.parametrize(("args", "env"), [
    ([], {"PLANSYNC_MAX_DEPTH": "\u00b3"}), (["--max-depth", "\u00b2\u00b3"], {})])
def test_a_depth_in_other_digits_is_not_a_depth(args: list[str], env: dict[str, str],
                                                tmp_path: Path) -> None:
    """str.isdigit() takes superscripts that int() refuses: said as a bad depth, not as
    Python's complaint about int()."""
    source = tmp_path / "x.seed.json"
    shutil.copy(EXAMPLES / "apollo.seed.json", source)
    result = CliRunner(env=env).invoke(cli, ["validate", *args, str(source)])
    assert result.exit_code == 2, result.output
    assert "is not a whole number from 1 to 200" in result.output, result.output
    assert "int()" not in result.output, result.output
