"""No input makes plansync crash: arbitrary bytes and mutated plans get problems, not
tracebacks; whatever validates can be formatted, imported, exported and scheduled."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from plansync.instance.sqlite import SqliteInstance
from plansync.seed.canonical import canonical_bytes
from plansync.seed.validate import validate_bytes
from tests.seed.test_schema_fast_path import _mutated
from tests.strategies import documents


@given(st.binary(max_size=400), st.sampled_from(["x.seed.json", "x.seed.yaml"]))
def test_arbitrary_bytes_give_problems_not_exceptions(data: bytes, name: str) -> None:
    result = validate_bytes(name, data)
    for problem in result.problems:
        assert problem.file == name and problem.message


@given(documents(max_projects=2), st.randoms(use_true_random=False))
def test_whatever_validates_survives_the_whole_pipeline(doc: dict[str, Any],
                                                        rng: random.Random) -> None:
    mutated = _mutated(doc, rng)
    for kind in ("json", "yaml"):
        if kind == "json":
            data = json.dumps(mutated).encode()
        else:
            from plansync.seed import yamlio

            try:
                data = yamlio.dump_plain(mutated).encode()
            except Exception:  # noqa: BLE001 - some mutations are not plain YAML data
                continue
        result = validate_bytes(f"p.seed.{kind}", data)
        if result.problems:
            assert all(p.message for p in result.problems)
            continue
        assert result.seed is not None
        canonical = canonical_bytes(result.seed.doc)
        instance = SqliteInstance(":memory:")
        instance.import_document(result.seed.doc)
        code = result.seed.doc["program"]["code"]
        assert canonical_bytes(instance.export_program(code)) == canonical


def test_the_examples_survive_the_whole_pipeline() -> None:
    for path in (Path(__file__).resolve().parents[1] / "examples" / "plans").iterdir():
        result = validate_bytes(path.name, path.read_bytes())
        assert result.ok and result.seed is not None


@given(st.text(alphabet=st.sampled_from(list("ab:- \n[]{}'\"!&*#12.09TZ,?|>%@`")),
               max_size=120))
def test_arbitrary_yaml_text_gives_problems_not_exceptions(text: str) -> None:
    result = validate_bytes("x.seed.yaml", text.encode())
    for problem in result.problems:
        assert problem.message
