"""Positions in JSON text, found only when an error needs them.

The fast path parses with the standard library, which keeps no positions. When a file turns out
to be bad, we re-read just that text here: `offset_of` walks the pointer's path and skips every
other value with the C decoder, and `first_defect` walks the whole text to find what the fast
parser refused (a duplicate key, NaN, broken syntax) together with its pointer.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from json.decoder import scanstring  # type: ignore[attr-defined]

from plansync.seed import pointer as jp

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a character offset."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _ws(text: str, i: int) -> int:
    m = _WS.match(text, i)
    return m.end() if m else i


def offset_of(text: str, pointer: str, *, key: bool = False) -> int:
    """Offset of the value at `pointer` (or of its key, with key=True) in well-formed JSON.

    Walks as far as the path exists and returns the offset of the deepest value reached, so a
    pointer to a missing member still lands on its object.
    """
    i = _ws(text, 0)
    for part in jp.split(pointer):
        nxt = _child_offset(text, i, part)
        if nxt is None:
            return i
        key_at, i = nxt
        if key and key_at >= 0 and part == jp.split(pointer)[-1]:
            return key_at
    return i


def _child_offset(text: str, i: int, part: str) -> tuple[int, int] | None:
    if i >= len(text):
        return None
    if text[i] == "{":
        return _member_offset(text, i, part)
    index = index_part(part)
    if text[i] == "[" and index is not None:
        return _item_offset(text, i, index)
    return None


def _member_offset(text: str, i: int, part: str) -> tuple[int, int] | None:
    i = _ws(text, i + 1)
    while i < len(text) and text[i] == '"':
        key_at = i
        name, i = scanstring(text, i + 1)
        i = _ws(text, _ws(text, i) + 1)  # past the colon
        if name == part:
            return key_at, i
        i = _ws(text, _DECODER.raw_decode(text, i)[1])
        if i < len(text) and text[i] == ",":
            i = _ws(text, i + 1)
    return None


def _item_offset(text: str, i: int, index: int) -> tuple[int, int] | None:
    i = _ws(text, i + 1)
    for _ in range(index):
        if i >= len(text) or text[i] == "]":
            return None
        i = _ws(text, _DECODER.raw_decode(text, i)[1])
        if i < len(text) and text[i] == ",":
            i = _ws(text, i + 1)
    if i >= len(text) or text[i] == "]":
        return None
    return -1, i


@dataclass(frozen=True)
class Defect:
    offset: int
    pointer: str
    code: str
    message: str
    hint: str


class _Found(Exception):
    def __init__(self, defect: Defect) -> None:
        self.defect = defect


def _refuse_constant(name: str) -> float:
    raise ValueError(name)


INT_MIN, INT_MAX = -(2**63), 2**63 - 1  # what SQLite's INTEGER (and orjson) can hold
_INT_TEXT_MAX = 20  # characters of the longest integer in range ("-9223372036854775808")
INT_RANGE_HINT = ("a number in a seed file must lie between -9223372036854775808 and "
                  "9223372036854775807 (what a 64-bit integer holds), and each field has "
                  "tighter bounds: see docs/seed-format.md")


def number_in_range(value: int | float) -> bool:
    """Whether a number lies in INT_MIN <= value < 2**63 (so that an integral float, written
    as an integer by the canonical form, is still a 64-bit integer)."""
    return INT_MIN <= value < 2**63


class IntOutOfRange(Exception):
    """An integer literal outside INT_MIN..INT_MAX (raised by `checked_int`)."""


def checked_int(text: str) -> int:
    """int(text) for an integer literal within 64 bits; IntOutOfRange otherwise (checked on
    the length first: int() itself refuses over 4,300 digits with a bare ValueError)."""
    if len(text) > _INT_TEXT_MAX:
        raise IntOutOfRange(text)
    value = int(text)
    if not INT_MIN <= value <= INT_MAX:
        raise IntOutOfRange(text)
    return value


def out_of_range_message(text: str) -> str:
    shown = text if len(text) <= 30 else f"{text[:12]}...{text[-6:]} ({len(text):,} characters)"
    return f"the number {shown} is too large for plansync to store"


def index_part(part: str) -> int | None:
    """The list index a pointer part names ("0", "12"), or None (not ASCII digits, or too
    long to be an index: int() of document text must never meet 4,300 digits)."""
    if 0 < len(part) <= 18 and part.isascii() and part.isdigit():
        return int(part)
    return None


_SCALAR_DECODER = json.JSONDecoder(parse_constant=_refuse_constant, parse_int=checked_int)


def first_defect(text: str, max_depth: int) -> Defect | None:
    """The first thing in `text` that a strict JSON reader refuses, with its pointer."""
    walker = _Walker(text, max_depth)
    try:
        end = walker.value(_ws(text, 0), [])
        end = _ws(text, end)
        if end != len(text):
            walker.fail(end, [], "syntax", "extra data after the document",
                        "a seed file holds exactly one JSON object; remove what follows it")
    except _Found as found:
        return found.defect
    return None


class _Walker:
    def __init__(self, text: str, max_depth: int) -> None:
        self.text = text
        self.max_depth = max_depth

    def fail(self, offset: int, path: list[str | int], code: str, message: str,
             hint: str) -> None:
        raise _Found(Defect(offset, jp.join(path), code, message, hint))

    def value(self, i: int, path: list[str | int]) -> int:
        text = self.text
        if i < len(text) and text[i] in "{[" and len(path) > self.max_depth:
            self.fail(i, path, "too-deep", f"nesting deeper than {self.max_depth} levels",
                      "a seed document is only a few levels deep; raise --max-depth only "
                      "if you really need deeper values")
        if i >= len(text):
            self.fail(i, path, "syntax", "the file ends before the document is complete",
                      "the file looks truncated; restore it from Git or finish the value")
        if text[i] == "{":
            return self.members(i, path)
        if text[i] == "[":
            return self.items(i, path)
        return self.scalar(i, path)

    def scalar(self, i: int, path: list[str | int]) -> int:
        try:
            value, end = _SCALAR_DECODER.raw_decode(self.text, i)
        except IntOutOfRange as exc:
            self.fail(i, path, "number-range", out_of_range_message(str(exc)),
                      INT_RANGE_HINT)
            raise AssertionError("unreachable") from None
        except ValueError as exc:
            if isinstance(exc, json.JSONDecodeError):
                self.fail(exc.pos, path, "syntax", _message(exc.msg), _syntax_hint(exc.msg))
            self.fail(i, path, "not-a-number", f"{exc} is not allowed in a seed file",
                      "write a finite number; NaN and Infinity have no JSON meaning")
            raise AssertionError("unreachable") from None
        if isinstance(value, float) and math.isinf(value):
            self.fail(i, path, "not-a-number", "this number is too large to represent",
                      "write a finite number (it overflows to Infinity)")
        if isinstance(value, float) and not number_in_range(value):
            self.fail(i, path, "number-range", out_of_range_message(repr(value)),
                      INT_RANGE_HINT)
        return int(end)

    def members(self, i: int, path: list[str | int]) -> int:
        text, seen = self.text, set()
        i = _ws(text, i + 1)
        if text.startswith("}", i):
            return i + 1
        while True:
            if i >= len(text):
                self.fail(i, path, "syntax", "the file ends before the document is complete",
                          "the file looks truncated; restore it from Git or finish the value")
            if not text.startswith('"', i):
                self.fail(i, path, "syntax", "expecting a property name in double quotes",
                          "JSON keys are double-quoted strings; check for a trailing comma")
            key_at = i
            name, i = self.string(i, path)
            if name in seen:
                self.fail(key_at, [*path, name], "duplicate-key",
                          f'duplicate key "{name}" in one object',
                          "a JSON reader would silently keep only the last one; "
                          "remove or merge one of them")
            seen.add(name)
            i = self.expect(i, ":", path)
            i = _ws(text, self.value(_ws(text, i), [*path, name]))
            if text.startswith("}", i):
                return i + 1
            i = _ws(text, self.expect(i, ",", path))

    def items(self, i: int, path: list[str | int]) -> int:
        text = self.text
        i = _ws(text, i + 1)
        if text.startswith("]", i):
            return i + 1
        index = 0
        while True:
            i = _ws(text, self.value(i, [*path, index]))
            if text.startswith("]", i):
                return i + 1
            i = _ws(text, self.expect(i, ",", path))
            index += 1

    def string(self, i: int, path: list[str | int]) -> tuple[str, int]:
        try:
            name, end = scanstring(self.text, i + 1)
            return str(name), int(end)
        except json.JSONDecodeError as exc:
            self.fail(exc.pos, path, "syntax", _message(exc.msg), _syntax_hint(exc.msg))
        raise AssertionError("unreachable")

    def expect(self, i: int, char: str, path: list[str | int]) -> int:
        i = _ws(self.text, i)
        if not self.text.startswith(char, i):
            what = {":": "':' after a key", ",": "',' or the end of the object/array"}[char]
            if i >= len(self.text):
                self.fail(i, path, "syntax", "the file ends before the document is complete",
                          "the file looks truncated; restore it from Git or finish the value")
            self.fail(i, path, "syntax", f"expecting {what}",
                      "check the punctuation just before this point")
        return i + 1


def _syntax_hint(msg: str) -> str:
    if "Unterminated string" in msg:
        return "close the string with a double quote"
    if "control character" in msg:
        return r"write control characters escaped, e.g. \n or \t"
    if "Expecting value" in msg:
        return "a value is missing here (or there is a trailing comma before it)"
    return "check the JSON syntax at this point"


def _message(msg: str) -> str:
    return msg.removesuffix(" starting at")
