"""The fast reader of YAML seed files: libyaml (PyYAML's C parser) for plain data.

`read(text, max_depth)` gives exactly the plain data that `yamlio.load_yaml` (ruamel.yaml,
YAML 1.2) gives for the same text, or None when it cannot be sure of that; the caller then
reads the text with yamlio, which also locates every problem. libyaml only parses here (its
events); what a plain scalar means is decided by this module, under YAML 1.2 as ruamel reads
it: `yes`, `no`, `on`, `off`, `1_000`, `1:20` stay strings, `true`/`True`/`TRUE` are booleans,
`~`, `null` and an empty value are null, `2026-03-02` is that date's text.

Only the forms whose meaning is certain are read: plain decimal integers (`-12`), decimal
fractions (`0.25`), booleans, nulls, dates and strings. Anything else gives None: anchors,
aliases, tags, directives, a second document, a key that is not a string, a duplicate key,
nesting past the limit, other numbers (`0x1F`, `017`, `1e3`, `.inf`), timestamps with a time,
a number where a wbs belongs, a string with a NUL or a lone surrogate, and any text holding a
tab, a carriage return, a Unicode line break (U+0085, U+2028, U+2029), a BOM or a control
character. Those files take the full reader, as every file did before.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from yaml import events as _ev

try:
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml: the full reader reads all
    _CParser = None

from plansync.seed import locate
from plansync.seed.load import WBS_KEYS, has_surrogate

# Characters that make this reader step aside: all but LF, printable ASCII and the printable
# non-ASCII characters other than U+2028, U+2029 and U+FEFF (U+0085 is below U+00A0); and a
# directive (a line starting with %).
_RISKY = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
                    "\U00010000-\U0010ffff]|^%", re.MULTILINE)

_SPACES_LINE = re.compile("^ +$", re.MULTILINE)
_BLOCK_STYLES = ("|", ">")

# The first characters of every plain scalar that ruamel's YAML 1.2 resolver may read as other
# than a string (bool, float, int, merge, null, timestamp, value); any other is a string.
_TYPED_FIRST = frozenset("tTfF-+0123456789.<~nN=")
# ruamel's YAML 1.2 implicit resolvers (ruamel/yaml/resolver.py), as one pattern: a plain
# scalar that matches none of them is a string.
_TYPED = re.compile(r"""^(?:
     true|True|TRUE|false|False|FALSE
    |[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN)
    |[-+]?0b[0-1_]+
    |[-+]?0o?[0-7_]+
    |[-+]?[0-9_]+
    |[-+]?0x[0-9a-fA-F_]+
    |<<
    |~|null|Null|NULL
    |[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
    |[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?
     (?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?
     (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?
    |=)$""", re.VERBOSE)
# The typed forms read here; the others (hex, octal, binary, underscores, leading zeros,
# exponents, .inf, .nan, <<, =, times) give None.
_CONSTANTS: dict[str, Any] = {
    "true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False,
    "~": None, "null": None, "Null": None, "NULL": None,
}
_INT = re.compile(r"-?(?:0|[1-9][0-9]{0,18})\Z")
_FLOAT = re.compile(r"-?(?:0|[1-9][0-9]{0,17})\.[0-9]{1,17}\Z")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


class _Unsure(Exception):
    """This reader cannot be sure what ruamel would make of the text."""


def read(text: str, max_depth: int) -> dict[str, Any] | None:
    """The plain data of a YAML seed document whose top level is a mapping, exactly as
    yamlio.load_yaml reads it, or None: then only yamlio can tell (see the module doc)."""
    if _CParser is None or _RISKY.search(text) is not None:
        return None
    try:
        return _compose(text, max_depth, "\\" in text, _SPACES_LINE.search(text) is not None)
    except Exception:  # noqa: BLE001 - whatever it is, the full reader decides and locates it
        return None


def _compose(text: str, max_depth: int, escapes: bool, spaces_line: bool) -> dict[str, Any]:
    parser = _CParser(text)
    try:
        events = iter(parser.get_event, None)
        if type(next(events)) is not _ev.StreamStartEvent:
            raise _Unsure
        start = next(events)
        if type(start) is not _ev.DocumentStartEvent or start.version or start.tags:
            raise _Unsure
        top = next(events)
        if type(top) is not _ev.MappingStartEvent or top.anchor or top.tag:
            raise _Unsure
        root = _collections(events, max_depth, escapes, spaces_line)
        if type(next(events)) is not _ev.DocumentEndEvent \
                or type(next(events)) is not _ev.StreamEndEvent:
            raise _Unsure
        if next(events, None) is not None:
            raise _Unsure
        return root
    finally:
        parser.dispose()


def _collections(events: Any, max_depth: int, escapes: bool,
                 spaces_line: bool) -> dict[str, Any]:
    """The top-level mapping, from the events after its start up to its end. `escapes`: the
    text has a backslash; `spaces_line`: it has a line of spaces only."""
    scalar, mapping_start, sequence_start = (_ev.ScalarEvent, _ev.MappingStartEvent,
                                             _ev.SequenceStartEvent)
    mapping_end, sequence_end = _ev.MappingEndEvent, _ev.SequenceEndEvent
    root: dict[str, Any] = {}
    container: Any = root
    is_map = True
    key: str | None = None  # in a mapping: the key whose value comes next (None: a key comes)
    in_flow = False
    # the enclosing levels: (container, is_map, key, in_flow)
    stack: list[tuple[Any, bool, str | None, bool]] = []
    for event in events:
        kind = type(event)
        if kind is scalar:
            if event.anchor is not None or event.tag is not None:
                raise _Unsure
            value: Any = event.value
            plain = event.implicit[0]
            if spaces_line and event.style in _BLOCK_STYLES:
                raise _Unsure  # ruamel refuses some lines of spaces in a block scalar
            if is_map and key is None:
                if plain and (not value or _typed(value) or (in_flow and ":" in value)):
                    raise _Unsure  # not a string key (or one libyaml may split otherwise)
                if value in container or (escapes and has_surrogate(value)):
                    raise _Unsure
                key = value
                continue
            if plain:
                value = _plain(value, in_flow)
                if type(value) is int or type(value) is float:
                    _refuse_wbs_number(stack, is_map, key)
            elif escapes and has_surrogate(value):
                raise _Unsure
            if is_map:
                container[key] = value
                key = None
            else:
                container.append(value)
        elif kind is mapping_start or kind is sequence_start:
            if event.anchor is not None or event.tag is not None or (is_map and key is None) \
                    or len(stack) + 1 > max_depth:
                raise _Unsure
            if in_flow and not is_map and kind is mapping_start:
                raise _Unsure  # [a: b], ['a':b]: libyaml and ruamel differ on such pairs
            new: Any = {} if kind is mapping_start else []
            if is_map:
                container[key] = new
            else:
                container.append(new)
            stack.append((container, is_map, key, in_flow))
            container, is_map, key = new, kind is mapping_start, None
            in_flow = in_flow or bool(event.flow_style)
        elif kind is mapping_end or kind is sequence_end:
            if not stack:
                return root
            container, is_map, _, in_flow = stack.pop()
            key = None
        else:  # an alias, or anything unforeseen
            raise _Unsure
    raise _Unsure


def _typed(value: str) -> bool:
    """Whether ruamel's YAML 1.2 resolver may read this plain scalar as other than a string."""
    return value[0] in _TYPED_FIRST and _TYPED.match(value) is not None


def _plain(value: str, in_flow: bool) -> Any:
    """The value of a plain (unquoted) scalar, or _Unsure."""
    if in_flow and ":" in value:
        raise _Unsure  # libyaml and ruamel split ':' in flow collections differently
    if not value:
        return None
    if not _typed(value):
        return value
    if value in _CONSTANTS:
        return _CONSTANTS[value]
    if _INT.match(value):
        number = int(value)
        if not locate.number_in_range(number):
            raise _Unsure
        return number
    if _FLOAT.match(value):
        return float(value)
    if _DATE.match(value):
        dt.date.fromisoformat(value)  # 2026-02-30 raises: the full reader locates it
        return value
    raise _Unsure


def _refuse_wbs_number(stack: list[tuple[Any, bool, str | None, bool]], is_map: bool,
                       key: str | None) -> None:
    """_Unsure where yamlio refuses a number (a wbs written as a number, as yamlio checks)."""
    if is_map:
        if key in WBS_KEYS:
            raise _Unsure
        return
    # the path of this sequence: each enclosing level's key, or its index in a sequence
    path = [k if m else len(c) - 1 for c, m, k, _ in stack]
    if path and path[-1] == "tasks" and "risks" in path:
        raise _Unsure
