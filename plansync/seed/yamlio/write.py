"""Writing YAML seed files with ruamel.yaml: a round-trip tree brought into canonical order in
place (comments kept, for `fmt`), plain data written canonically, and a new document merged
into an existing tree (for `pull` and merges), keeping the comments of what stays."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from plansync.seed.yamlio.read import datetime_text, make_yaml


def dump(tree: Any) -> str:
    out = io.StringIO()
    make_yaml().dump(tree, out)
    return out.getvalue()


def canonicalise_tree(tree: CommentedMap) -> None:
    """Bring a schema-valid ruamel tree into canonical order in place, keeping comments.

    The same rules as canonical JSON (plansync.seed.model.SPEC): keys sorted, entity lists
    sorted by natural key, defaults and empty values dropped, integral numbers as integers.
    """
    from plansync.seed.model import DOCUMENT

    _tree_object(tree, DOCUMENT)


_LINE_BREAKS = ("\x85", "\u2028", "\u2029")


def _safe_text(value: Any) -> Any:
    """Strings with Unicode line breaks go double-quoted, where ruamel escapes them
    (\\N, \\L, \\P); in other styles it writes them raw and they read back changed."""
    if isinstance(value, str) and any(c in value for c in _LINE_BREAKS):
        return DoubleQuotedScalarString(value)
    return value


def _tree_number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else float(value)
    return int(value)


def _plain_scalar(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return datetime_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return str(value)
    return _tree_number(value)


def _tree_free(value: Any) -> Any:
    if isinstance(value, CommentedMap):
        for k in list(value):
            value[k] = _tree_free(value[k])
        _sort_keys(value)
        return value
    if isinstance(value, CommentedSeq):
        for i, item in enumerate(value):
            value[i] = _tree_free(item)
        return value
    return _safe_text(_tree_number(value))


def _tree_object(node: CommentedMap, kind: Any) -> None:
    for key in list(node):
        value = node[key]
        if key in kind.numbers:
            node[key] = value = _tree_number(value)
        elif key in kind.lists:
            _tree_list(value, kind.lists[key], ordered=key in kind.ordered_lists)
        elif key in kind.objects:
            _tree_object(value, kind.objects[key])
        elif isinstance(value, (CommentedMap, CommentedSeq, float)):
            node[key] = value = _tree_free(value)
        elif isinstance(value, str):
            node[key] = value = _safe_text(value)
        empty = value == "" or (isinstance(value, list) and not value)
        if (empty and not kind.keep_empty) or (
                key in kind.defaults and _is_default(value, kind.defaults[key])):
            del node[key]
    _sort_keys(node)


def _is_default(value: Any, default: Any) -> bool:
    return bool(value == default and type(_tree_number(value)) is type(default))


def _tree_list(seq: CommentedSeq, rule: Any, *, ordered: bool) -> None:
    sort_key, child = rule
    if child is not None:
        for item in seq:
            _tree_object(item, child)
        if not ordered:
            seq.sort(key=lambda item: sort_key(_plain_view(item)))
        return
    for i, item in enumerate(seq):
        seq[i] = _tree_number(item) if not isinstance(item, str) else _safe_text(item)
    if not ordered:
        seq.sort(key=lambda item: sort_key(_plain_scalar(item)))


def _plain_view(item: CommentedMap) -> dict[str, Any]:
    return {str(k): _plain_scalar(v) for k, v in item.items()
            if not isinstance(v, (CommentedMap, CommentedSeq))}


def _sort_keys(node: CommentedMap) -> None:
    keys = list(node)
    if keys != sorted(keys):
        for key in sorted(keys):
            node.move_to_end(key)


def dump_plain(data: Any) -> str:
    """YAML text of plain data, in the same style fmt writes (keys already in order)."""
    return dump(_to_tree(data))


def _to_tree(value: Any) -> Any:
    if isinstance(value, dict):
        node = CommentedMap()
        for key in sorted(value):
            node[key] = _to_tree(value[key])
        return node
    if isinstance(value, list):
        return CommentedSeq(_to_tree(v) for v in value)
    return _safe_text(value)


def merge_into_tree(tree: CommentedMap, doc: dict[str, Any]) -> None:
    """Make a YAML tree hold `doc` (valid, plain data) while keeping what it can: entities
    that persist (matched by natural key) keep their comments, values that did not change keep
    their style; then the canonical order. Used by `pull` to update hand-written YAML."""
    from plansync.seed.model import DOCUMENT

    _merge_object(tree, doc, DOCUMENT)
    canonicalise_tree(tree)


def _plain_of(node: Any) -> Any:
    if isinstance(node, CommentedMap):
        return {str(k): _plain_of(v) for k, v in node.items()}
    if isinstance(node, CommentedSeq):
        return [_plain_of(v) for v in node]
    return _plain_scalar(node)


def _merge_object(node: CommentedMap, new: dict[str, Any], kind: Any) -> None:
    for key in [k for k in node if k not in new]:
        del node[key]
    for key, value in new.items():
        current = node.get(key)
        if key in kind.lists and isinstance(current, CommentedSeq) \
                and key not in kind.ordered_lists and kind.lists[key][1] is not None:
            _merge_entities(current, value, kind.lists[key])
        elif key in kind.objects and isinstance(current, CommentedMap):
            _merge_object(current, value, kind.objects[key])
        elif key not in node or _plain_of(current) != value:
            node[key] = _to_tree(value)


def _merge_entities(seq: CommentedSeq, items: list[dict[str, Any]], rule: Any) -> None:
    natural_key, child = rule
    wanted = {natural_key(item): item for item in items}
    for index in reversed(range(len(seq))):
        if natural_key(_plain_of(seq[index])) not in wanted:
            del seq[index]
    present = {natural_key(_plain_of(item)): item for item in seq}
    for key, item in wanted.items():
        if key in present:
            _merge_object(present[key], item, child)
        else:
            seq.append(_to_tree(item))
