"""Where plansync parses a file with orjson while the strict parser checks it (fmt of a big
JSON file, schedule: see validated_alongside and valid_then), whatever the strict parser accepts
must reach orjson as the very same data: the same types, the same floats to the bit. And what
orjson reads differently (big integers, 1e999, duplicate keys) the strict parser refuses."""

from __future__ import annotations

import json
import random
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from plansync.errors import SeedError
from plansync.seed.canonical import canonical_bytes
from plansync.seed.load import Limits, parse_json
from tests.strategies import documents, same, shuffled

NUMBERS = st.one_of(
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-(2.0**63),
              max_value=2.0**63, exclude_max=True),
    st.sampled_from([0.0, -0.0, 1.0, 1e-7, 5e-324, 2.2250738585072014e-308, 0.1, 1e15,
                     9007199254740993.0, 123456.789]))
# Text without NUL, which the strict parser refuses anywhere (no instance can store it).
TEXT = st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",))
FREE = st.recursive(
    st.none() | st.booleans() | NUMBERS | st.text(TEXT, max_size=5),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(TEXT, max_size=3), children, max_size=3), max_leaves=8)


def _styles(doc: Any, rng: random.Random) -> list[str]:
    return [json.dumps(doc), json.dumps(doc, indent=rng.choice([1, 2, "\t"]), sort_keys=True),
            json.dumps(shuffled(doc, rng), ensure_ascii=False, separators=(",", ":")),
            json.dumps(doc, ensure_ascii=True, indent=3)]


def _strict(text: str) -> Any:
    return parse_json("p.seed.json", text, Limits(max_depth=200))


@given(documents(), st.randoms(use_true_random=False), st.lists(NUMBERS, max_size=6), FREE)
def test_what_the_strict_parser_accepts_orjson_reads_the_same(
        doc: dict[str, Any], rng: random.Random, numbers: list[Any], free: Any) -> None:
    doc["program"]["origin"] = {"numbers": numbers, "free": free}
    texts = [*_styles(doc, rng), canonical_bytes(doc).decode()]
    for text in texts:
        assert same(orjson.loads(text), _strict(text))
        assert same(orjson.loads(text.encode()), _strict(text))


@pytest.mark.parametrize("text", [
    '{"a": 9223372036854775808}', '{"a": -9223372036854775809}',
    '{"a": 18446744073709551616}', '{"a": 123456789012345678901234567890}',
    '{"a": 9223372036854775808.0}', '{"a": -1e19}', '{"a": 1e999}', '{"a": -1e400}',
    '{"a": NaN}', '{"a": Infinity}', '{"a": 1, "a": 1}', '{"b": {"a": 1, "a": 2}}',
    '[' * 202 + ']' * 202])
def test_what_orjson_reads_differently_the_strict_parser_refuses(text: str) -> None:
    with pytest.raises(SeedError):
        _strict(text)
