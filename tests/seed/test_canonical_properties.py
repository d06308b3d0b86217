"""Properties of the canonical form that must hold for every valid document."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plansync.seed import yamlio
from plansync.seed.canonical import canonical_bytes, dumps, normal_and_bytes, normalise
from plansync.seed.fmt import format_file
from plansync.seed.schema import is_valid
from plansync.seed.validate import validate_file
from tests.seed.test_parse_equivalence import same
from tests.strategies import documents, shuffled


def reference_bytes(doc: dict[str, Any]) -> bytes:
    """The definition: json.dumps of the normalised document."""
    return (json.dumps(normalise(doc), indent=2, ensure_ascii=False, sort_keys=True)
            + "\n").encode()


@given(documents())
def test_generated_documents_are_valid(doc: dict[str, Any]) -> None:
    assert is_valid(doc)


@given(documents())
def test_canonical_bytes_are_json_dumps_bytes(doc: dict[str, Any]) -> None:
    assert canonical_bytes(doc) == reference_bytes(doc)


@given(documents())
def test_canonical_is_idempotent(doc: dict[str, Any]) -> None:
    once = canonical_bytes(doc)
    assert canonical_bytes(json.loads(once)) == once


@given(documents(), st.randoms(use_true_random=False), st.booleans())
def test_one_normalisation_gives_the_data_and_the_bytes(doc: dict[str, Any], rnd: Any,
                                                       shuffle: bool) -> None:
    # what an import uses: the sorted data, the bytes, and the data in document order
    if shuffle:
        doc = shuffled(doc, rnd)
    before = json.dumps(doc)
    data, raw, reordered = normal_and_bytes(doc)
    assert data == normalise(doc)
    assert raw == canonical_bytes(doc) == reference_bytes(doc)
    assert json.dumps(doc) == before  # what needs no change is shared, nothing is changed
    canonical = json.loads(raw)
    assert normal_and_bytes(canonical)[0] is canonical  # a canonical document: not copied
    unsorted = normalise(doc, sort=False)
    if reordered:
        assert json.dumps(unsorted) != json.dumps(data)  # some list's order did change
    else:
        assert json.dumps(unsorted) == json.dumps(data)  # the same, in the same order


@given(documents(), st.randoms(use_true_random=False))
def test_shuffling_lists_and_keys_does_not_change_bytes(doc: dict[str, Any],
                                                        rng: random.Random) -> None:
    assert canonical_bytes(shuffled(doc, rng)) == canonical_bytes(doc)


@given(st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70),
              st.floats(allow_nan=False, allow_infinity=False), st.text()),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20))
def test_fast_writer_equals_json_dumps_on_any_data(data: Any) -> None:
    # orjson is only a faster way to the same bytes; where it would differ we must fall back
    state_safe = not _has_exponent_float(data)
    expected = (json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode()
    assert dumps(data, fast=state_safe) == expected


def _has_exponent_float(data: Any) -> bool:
    if isinstance(data, dict):
        return any(_has_exponent_float(v) for v in data.values())
    if isinstance(data, list):
        return any(_has_exponent_float(v) for v in data)
    return isinstance(data, float) and "e" in repr(data)


@given(documents())
def test_fmt_is_idempotent_on_files(tmp_path_factory: Any, doc: dict[str, Any]) -> None:
    path = Path(tmp_path_factory.mktemp("fmt")) / "p.seed.json"
    path.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    format_file(path, write=True)
    first = path.read_bytes()
    assert format_file(path, write=True).changed is False
    assert path.read_bytes() == first == canonical_bytes(doc)


@given(documents())
def test_yaml_to_json_equals_canonical_json(tmp_path_factory: Any, doc: dict[str, Any]) -> None:
    from plansync.seed.convert import converted_bytes

    folder = Path(tmp_path_factory.mktemp("yaml"))
    source = folder / "p.seed.yaml"
    source.write_text(yamlio.dump_plain(doc), encoding="utf-8")
    result = validate_file(source)
    assert result.ok, result.problems
    assert converted_bytes(source, "json") == canonical_bytes(doc)
    format_file(source, write=True)
    formatted = source.read_bytes()
    assert format_file(source).changed is False
    assert converted_bytes(source, "json") == canonical_bytes(doc)
    assert source.read_bytes() == formatted


def _every_key(obj: dict[str, Any], kind: Any, sort: bool = True) -> dict[str, Any]:
    """The canonical data by its first definition: every key looked at (the fast path in
    canonical.py looks only at the keys a Kind names; this pins that it misses none)."""
    from plansync.seed.canonical import _free, _number, _State

    state = _State(sort)
    out: dict[str, Any] = {}
    for key, value in obj.items():
        if key in kind.numbers:
            value = _number(value, state)
        elif key in kind.lists:
            by, child = kind.lists[key]
            value = [_every_key(v, child, sort) if child is not None else v for v in value]
            if key not in kind.ordered_lists and sort:
                value = sorted(value, key=by)
        elif key in kind.objects:
            value = _every_key(value, kind.objects[key], sort)
        elif type(value) in (dict, list, float):
            value = _free(value, state)
        if not kind.keep_empty and (value == "" or value == []):
            continue
        if key in kind.defaults and value == kind.defaults[key] and \
                type(value) is type(kind.defaults[key]):
            continue
        out[key] = value
    return out


@given(documents(), st.randoms(use_true_random=False),
       st.sampled_from([None, [], {}, "", [[]], {"a": [], "b": 2.0}, 3.0]))
def test_normalise_looks_at_every_key_that_can_need_it(doc: dict[str, Any],
                                                       rng: random.Random, origin: Any) -> None:
    from plansync.seed.model import DOCUMENT

    messy = shuffled(doc, rng)
    if origin is not None:
        messy["program"]["origin"] = origin
    assert same(normalise(messy), _every_key(messy, DOCUMENT))
    assert same(normalise(messy, sort=False), _every_key(messy, DOCUMENT, sort=False))
    assert canonical_bytes(messy) == (json.dumps(_every_key(messy, DOCUMENT), indent=2,
                                                 ensure_ascii=False, sort_keys=True)
                                      + "\n").encode()


@pytest.mark.parametrize("origin", [[], "", {"a": []}, [[]], {}])
def test_an_empty_origin_is_dropped_like_any_empty_value(origin: Any) -> None:
    from plansync.seed.model import DOCUMENT

    doc = json.loads((Path(__file__).resolve().parents[2] / "docs" / "examples"
                      / "minimal.seed.json").read_text())
    doc["program"]["origin"] = origin
    assert same(normalise(doc), _every_key(doc, DOCUMENT))
    assert ("origin" in normalise(doc)["program"]) == (origin not in ([], ""))
