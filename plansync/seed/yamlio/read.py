"""Reading YAML 1.2 seed files with ruamel.yaml: plain data out (and the round-trip tree,
comments kept, for `fmt` and `pull`), every problem located, and positions of pointers.

This is the reference reader: plansync.seed.yamlfast (libyaml) reads what it is sure to read
the same way, for the commands that need only the data; everything else comes here.

People write `start: 2026-03-02` unquoted, so dates and timestamps become the format's date
strings. What YAML can say but a seed file cannot (anchors, aliases, tags, sets, numeric wbs)
is refused with a located error rather than guessed at.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, MappingStartEvent, ScalarEvent, SequenceStartEvent
from ruamel.yaml.nodes import MappingNode, ScalarNode

from plansync.errors import Problem, SeedError
from plansync.seed import locate
from plansync.seed import pointer as jp
from plansync.seed.load import WBS_KEYS, Limits, has_surrogate, surrogate_problem


class _Constructor(RoundTripConstructor):
    """ruamel's round-trip constructor, but an impossible date (2026-02-30) is a located
    YAML error rather than a bare ValueError from the datetime module."""

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        try:
            return super().construct_yaml_timestamp(node, values)
        except ValueError as exc:
            raise ConstructorError(None, None, f"{node.value} is not a valid date or time "
                                   f"({exc})", node.start_mark) from None


_Constructor.add_constructor("tag:yaml.org,2002:timestamp",
                             _Constructor.construct_yaml_timestamp)


_CORE = "tag:yaml.org,2002:"
# Tags a seed file may spell out: the YAML 1.2 core schema's, nothing that builds objects.
_CORE_TAGS = frozenset(_CORE + t for t in ("str", "int", "float", "bool", "null", "map", "seq"))
_MERGE_TAG = _CORE + "merge"
_INT_TAG = _CORE + "int"
_MAX_INT_TEXT = 24  # room for "0x", "0o" and "_" spellings of in-range integers
_ALIAS_HINT = "write the value out in full at each place it is used"


class _Refusal(Exception):
    """Something the composer refuses, located: (0-based mark, path, code, message, hint)."""

    def __init__(self, mark: Any, path: list[str | int], code: str, message: str,
                 hint: str) -> None:
        super().__init__(message)
        self.line: int = mark.line + 1 if mark else 0
        self.column: int = mark.column + 1 if mark else 0
        self.pointer = jp.join(path)
        self.code, self.message, self.hint = code, message, hint


class _StrictComposer(Composer):
    """ruamel's composer, refusing what plain data cannot hold before anything is built from
    it: anchors and aliases, merge keys (<<), tags outside the core schema, nesting deeper than
    the limit and integers too long to convert. It keeps the path of the node it composes, so
    each refusal has its JSON pointer as well as its line and column."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        state = self.loader.__dict__
        path: list[str | int] = state.setdefault("plansync_path", [])
        is_key = isinstance(parent, MappingNode) and index is None
        pushed = parent is not None and not is_key
        if pushed:
            path.append(index if isinstance(index, int) else
                        str(index.value) if isinstance(index, ScalarNode) else "?")
        event = self.parser.peek_event()
        state["plansync_mark"] = event.start_mark
        where = [*path, str(event.value)] if is_key and isinstance(event, ScalarEvent) else path
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
            raise _Refusal(event.start_mark, where, "yaml-alias", "YAML anchors and aliases "
                           "are not allowed in a seed file", _ALIAS_HINT)
        tag = getattr(event, "tag", None)
        if tag is not None and str(tag) not in _CORE_TAGS:
            raise _Refusal(event.start_mark, where, "yaml-tag",
                           f"the YAML tag {_tag_text(str(tag))} is not allowed in a seed file",
                           "remove the tag; a seed file holds plain data only (strings, "
                           "numbers, booleans, null, lists and mappings)")
        max_depth = self.loader.plansync_max_depth
        if isinstance(event, (MappingStartEvent, SequenceStartEvent)) and len(path) > max_depth:
            raise _Refusal(event.start_mark, path, "too-deep",
                           f"nesting deeper than {max_depth} levels",
                           "a seed document is only a few levels deep")
        node = super().compose_node(parent, index)
        if is_key and str(node.tag) == _MERGE_TAG:
            raise _Refusal(node.start_mark, where, "yaml-merge", "YAML merge keys (<<) are "
                           "not allowed in a seed file", "write the merged keys out in full "
                           "in this mapping")
        if str(node.tag) == _INT_TAG and len(str(node.value)) > _MAX_INT_TEXT:
            raise _Refusal(node.start_mark, where, "number-range",
                           locate.out_of_range_message(str(node.value)),
                           locate.INT_RANGE_HINT)
        if pushed:
            path.pop()
        return node


def _tag_text(tag: str) -> str:
    return "!!" + tag.removeprefix(_CORE) if tag.startswith(_CORE) else tag


def make_yaml(max_depth: int = 10_000) -> YAML:
    yaml = YAML(typ="rt")
    yaml.Composer = _StrictComposer
    yaml.Constructor = _Constructor
    yaml.version = None  # ruamel's default is YAML 1.2 (so `no` stays a string)
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never fold long strings
    yaml.preserve_quotes = True
    yaml.plansync_max_depth = max_depth  # type: ignore[attr-defined]
    return yaml


def load_yaml(name: str, text: str, limits: Limits) -> tuple[Any, Any]:
    """(plain data, ruamel tree) of a YAML seed file, or SeedError with the location."""
    yaml = make_yaml(limits.max_depth)
    try:
        tree = yaml.load(text)
    except _Refusal as exc:
        raise SeedError([Problem(name, exc.line, exc.column, exc.pointer, exc.code,
                                 exc.message, exc.hint)]) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        message = (exc.problem or exc.context or "invalid YAML").strip()
        hint = "keep one of the two keys" if "duplicate key" in message else \
            "write a real calendar date, YYYY-MM-DD" if "valid date" in message else \
            "check the YAML syntax (indentation, quotes, colons) at this point"
        raise SeedError([Problem(name, line, col, "", _code(message), message, hint)]) from None
    except RecursionError:
        mark = yaml.__dict__.get("plansync_mark")
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        raise SeedError([Problem(name, line, col, _composed_pointer(yaml), "too-deep",
                                 "nesting too deep to read",
                                 "a seed document is only a few levels deep")]) from None
    except (YAMLError, ValueError, TypeError) as exc:
        # ruamel lets a few construction errors through unmarked; still a problem, not a crash
        raise SeedError([Problem(name, 0, 0, "", "syntax", f"invalid YAML: {exc}",
                                 "check the YAML syntax")]) from None
    converter = _Converter(name, text, tree, limits.max_depth)
    return converter.plain(tree, []), tree


def _composed_pointer(yaml: YAML) -> str:
    """The pointer of the node being composed when reading stopped ("" once composed)."""
    return jp.join(yaml.__dict__.get("plansync_path", []))


def _code(message: str) -> str:
    if "duplicate key" in message:
        return "duplicate-key"
    return "date" if "valid date" in message else "syntax"


class _Converter:
    def __init__(self, name: str, text: str, tree: Any, max_depth: int) -> None:
        self.name = name
        self.text = text
        self.tree = tree
        self.max_depth = max_depth
        self.seen: set[int] = set()

    def fail(self, path: list[str | int], code: str, message: str, hint: str) -> None:
        pointer = jp.join(path)
        line, col = position(self.tree, pointer)
        raise SeedError([Problem(self.name, line, col, pointer, code, message, hint)])

    def refuse_surrogate(self, path: list[str | int], *, key: bool, value: str) -> None:
        line, col = position(self.tree, jp.join(path), key=key)
        raise SeedError([surrogate_problem(self.name, line, col, path, key, value)])

    def plain(self, node: Any, path: list[str | int]) -> Any:
        if isinstance(node, (CommentedMap, CommentedSeq)):
            return self.container(node, path)
        return self.scalar(node, path)

    def container(self, node: CommentedMap | CommentedSeq, path: list[str | int]) -> Any:
        if len(path) > self.max_depth:
            self.fail(path, "too-deep", f"nesting deeper than {self.max_depth} levels",
                      "a seed document is only a few levels deep")
        if id(node) in self.seen or _anchor(node):
            self.fail(path, "yaml-alias", "YAML anchors and aliases are not allowed in a seed "
                      "file", "write the value out in full at each place it is used")
        self.seen.add(id(node))
        self.refuse_tag(node, path)
        if isinstance(node, CommentedMap):
            out = {}
            for k, v in node.items():
                key = str(k)
                if has_surrogate(key):
                    self.refuse_surrogate([*path, key], key=True, value=key)
                out[key] = self.plain(v, [*path, key])
            return out
        return [self.plain(v, [*path, i]) for i, v in enumerate(node)]

    def refuse_tag(self, node: Any, path: list[str | int]) -> None:
        tag = getattr(getattr(node, "tag", None), "value", None)
        if tag and not tag.startswith("tag:yaml.org,2002:"):
            self.fail(path, "yaml-tag", f"the YAML tag {tag} is not allowed in a seed file",
                      "remove the tag; a seed file holds plain data only")

    def scalar(self, node: Any, path: list[str | int]) -> Any:
        if _anchor(node):
            self.fail(path, "yaml-alias", "YAML anchors and aliases are not allowed in a seed "
                      "file", "write the value out in full at each place it is used")
        self.refuse_tag(node, path)
        if isinstance(node, bool) or node is None:
            return node
        if isinstance(node, (int, float)):
            return self.number(node, path)
        if isinstance(node, str):
            if has_surrogate(node):
                self.refuse_surrogate(path, key=False, value=node)
            return str(node)
        if isinstance(node, dt.datetime):
            return datetime_text(node)
        if isinstance(node, dt.date):
            return node.isoformat()
        if isinstance(node, TaggedScalar):  # !!str 5: ruamel keeps the tag, not a str
            tag = str(getattr(node.tag, "value", node.tag))
            self.fail(path, "yaml-tag", f"the explicit YAML tag {_tag_text(tag)} is not "
                      "supported in a seed file", "remove the tag; quote the value to make it "
                      "a string")
        self.fail(path, "yaml-type", f"a YAML {type(node).__name__} is not plain data",
                  "use only mappings, lists, strings, numbers, booleans and dates")
        raise AssertionError("unreachable")

    def number(self, node: int | float, path: list[str | int]) -> int | float:
        parent = path[-1] if path else ""
        if parent in WBS_KEYS or (len(path) >= 2 and path[-2] == "tasks" and
                                   isinstance(parent, int) and "risks" in path):
            written = self.source_token(path)
            self.fail(path, "yaml-wbs-number",
                      f"{written} is a number here, but a wbs must be text",
                      f"quote it: '{written}' (unquoted, YAML reads 1.10 as the number 1.1 "
                      "and the wbs is lost)")
        if isinstance(node, float):
            if node != node or node in (float("inf"), float("-inf")):
                self.fail(path, "not-a-number", "NaN and infinity are not allowed",
                          "write a finite number")
            if not locate.number_in_range(node):
                self.fail(path, "number-range", locate.out_of_range_message(repr(float(node))),
                          locate.INT_RANGE_HINT)
            return float(node)
        value = int(node)
        if not locate.number_in_range(value):
            self.fail(path, "number-range", locate.out_of_range_message(str(value)),
                      locate.INT_RANGE_HINT)
        return value

    def source_token(self, path: list[str | int]) -> str:
        """The scalar exactly as written at `path` (YAML keeps no text for numbers)."""
        line, col = position(self.tree, jp.join(path))
        source = self.text.splitlines()[line - 1][col - 1:]
        return source.split("#")[0].strip().split(",")[0].split("}")[0].split("]")[0].strip()


def _anchor(node: Any) -> bool:
    anchor = getattr(node, "anchor", None)
    return bool(getattr(anchor, "value", None))


def datetime_text(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}"
    return text + "Z"


def position(tree: Any, pointer: str, *, key: bool = False) -> tuple[int, int]:
    """1-based (line, column) of the node at `pointer` in a ruamel tree, as deep as it exists."""
    node, where = tree, (0, 0)
    for part in jp.split(pointer):
        if isinstance(node, CommentedMap) and part in node:
            where = node.lc.key(part) if key else node.lc.value(part)
            node = node[part]
        elif isinstance(node, CommentedSeq) and (index := locate.index_part(part)) is not None \
                and index < len(node):
            where = node.lc.item(index)
            node = node[index]
        else:
            break
    line, col = where
    return line + 1, col + 1


def pointer_at(tree: Any, line: int, col: int) -> str:
    """The pointer of the deepest value written on 0-based `line` at or before `col`."""
    best: list[str | int] = []
    seen: set[int] = set()

    def walk(node: Any, path: list[str | int]) -> None:
        nonlocal best
        if id(node) in seen:  # an alias may make the tree recursive
            return
        seen.add(id(node))
        if isinstance(node, CommentedMap):
            places = [(k, node.lc.key(k)) for k in node]
        elif isinstance(node, CommentedSeq):
            places = [(i, node.lc.item(i)) for i in range(len(node))]
        else:
            return
        for part, (at_line, at_col) in places:
            if at_line == line and at_col <= col and len(path) + 1 > len(best):
                best = [*path, part]
            walk(node[part], [*path, part])

    walk(tree, [])
    return jp.join(best)
