"""The canonical form: one document, one byte sequence.

`canonical_bytes(doc)` is exactly `json.dumps(normalise(doc), indent=2, ensure_ascii=False,
sort_keys=True) + "\\n"` encoded as UTF-8, where `normalise` sorts entity lists by natural key,
drops defaults and writes integral numbers as integers (docs/seed-format.md). orjson produces
those same bytes much faster; where its output could differ (floats it spells differently,
integers beyond 64 bits) we use json.dumps itself. A property test holds the two equal.

The functions here expect a document that passed schema validation.
"""

from __future__ import annotations

import json
from operator import is_, is_not
from typing import Any

import orjson

from plansync.errors import PlansyncError
from plansync.memory import no_gc_pauses
from plansync.seed.model import DOCUMENT, Kind

_ORJSON_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS


class _State:
    """What normalising learned about the document that matters for writing bytes."""

    __slots__ = ("exotic_float", "reordered", "share", "sort")

    def __init__(self, sort: bool = True, share: bool = False) -> None:
        self.exotic_float = False
        self.reordered = False  # sorting moved an entity (the document was not in order)
        self.sort = sort
        # share: objects and lists that need no change are the input's own (for writing
        # bytes, where nothing is changed after); else every one is a new object
        self.share = share


def normalise(doc: dict[str, Any], *, sort: bool = True) -> dict[str, Any]:
    """The canonical data of a valid document (a new object; `doc` is not changed).

    With sort=False entity lists keep their order (defaults and numbers are still
    normalised): for consumers that match entities by key and never look at list order.
    """
    return _object(doc, DOCUMENT, _State(sort))


def normalise_entity(entity: dict[str, Any], kind: Kind) -> dict[str, Any]:
    """One entity of kind `kind` (a task, a project...) as `normalise(doc, sort=False)` leaves
    it inside a document (a new object)."""
    return _object(entity, kind, _State(sort=False))


def canonical_bytes(doc: dict[str, Any]) -> bytes:
    """The canonical file content of a valid document."""
    state = _State(share=True)
    with no_gc_pauses():
        return dumps(_object(doc, DOCUMENT, state), fast=not state.exotic_float)


def normal_and_bytes(doc: dict[str, Any]) -> tuple[dict[str, Any], bytes, bool]:
    """`normalise(doc)` and `canonical_bytes(doc)` from one normalisation, and whether sorting
    moved any entity: when not, the data also equals `normalise(doc, sort=False)`. The data
    shares what needs no change with `doc` (all of it for a canonical document): change
    neither."""
    state = _State(share=True)
    with no_gc_pauses():
        data = _object(doc, DOCUMENT, state)
        return data, dumps(data, fast=not state.exotic_float), state.reordered


def canonical_text(doc: dict[str, Any]) -> str:
    return canonical_bytes(doc).decode("utf-8")


def dumps(data: Any, *, fast: bool = True) -> bytes:
    """Sorted, 2-space indented JSON bytes with a final newline (json.dumps's exact bytes)."""
    if fast:
        try:
            return orjson.dumps(data, option=_ORJSON_OPTIONS) + b"\n"
        except TypeError:  # orjson.JSONEncodeError: big integers, lone surrogates
            pass
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise PlansyncError(
            "the document holds a string with a lone surrogate escape (like \\ud800), "
            "which cannot be written as UTF-8",
            hint="replace the escape with the character you meant") from exc


def _number(value: Any, state: _State) -> Any:
    if type(value) is float:
        if value.is_integer():
            return int(value)  # 3.0 -> 3, -0.0 -> 0
        magnitude = abs(value)
        if magnitude < 1e-4 or magnitude >= 1e16:  # written with an exponent
            state.exotic_float = True
    return value


def _free(value: Any, state: _State) -> Any:
    """Normalise numbers anywhere inside free-form JSON (event payloads)."""
    if type(value) is dict:
        return {k: _free(v, state) for k, v in value.items()}
    if type(value) is list:
        return [_free(v, state) for v in value]
    return _number(value, state)


def _object(obj: dict[str, Any], kind: Kind, state: _State) -> dict[str, Any]:
    """One object's canonical data. Only the keys that can need work are looked at (a valid
    document holds plain strings and booleans everywhere else); with `state.share`, `obj`
    itself when nothing in it needs a change (an already canonical document is walked
    without a copy)."""
    changed: dict[str, Any] | None = None
    numbers, lists, objects = kind.numbers, kind.lists, kind.objects
    empty_list = False  # lists are only ever under these keys (the schema's arrays are)
    for key in kind.special.intersection(obj):
        value = obj[key]
        if key in numbers:
            if type(value) is not float:
                continue
            new = _number(value, state)
        elif key in lists:
            empty_list = empty_list or not value
            new = _list(key, value, kind, state)
        elif key in objects:
            new = _object(value, objects[key], state)
        elif type(value) in (dict, list) or type(value) is float:
            empty_list = empty_list or value == []
            new = _free(value, state)  # free-form JSON (event payloads) is always copied
        else:
            continue
        if new is not value:
            if changed is None:
                changed = {}
            changed[key] = new
    if state.share and changed is None \
            and not (not kind.keep_empty and (empty_list or "" in obj.values())):
        for key, default in kind.defaults.items():
            if key in obj:
                value = obj[key]
                if value == default and type(value) is type(default):
                    break
        else:
            return obj
    out = obj.copy()
    if changed:
        out.update(changed)
    if not kind.keep_empty and (empty_list or "" in out.values()):
        for key in [k for k, v in out.items() if v == "" or v == []]:
            del out[key]
    for key, default in kind.defaults.items():
        if key in out:
            value = out[key]
            if value == default and type(value) is type(default):
                del out[key]
    return out


def _list(key: str, items: list[Any], kind: Kind, state: _State) -> list[Any]:
    """One entity list's canonical data (with `state.share`, `items` itself when it needs no
    change)."""
    sort_key, child = kind.lists[key]
    if child is not None:
        new = [_object(item, child, state) for item in items]
        if state.share and all(map(is_, new, items)):
            new = items
    else:
        new = items if state.share else list(items)
    if key in kind.ordered_lists or not state.sort:
        return new
    out = sorted(new, key=sort_key)
    if any(map(is_not, out, new)):
        state.reordered = True
        return out
    return new
