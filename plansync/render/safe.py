"""Text from files made safe to print: control characters and terminal escapes are escaped.

Names, notes, codes, emails, file names and messages that quote them come from files that
anyone may have written. Printed raw, ESC (`\\x1b[31m`), CR, BEL, backspace, C1 controls
(`\\x9b` is a CSI on some terminals) or bidirectional overrides could recolour the terminal,
overwrite lines already shown or make text read differently from what it is. Every text
renderer passes such values through `escape` (one value on one line) or `escape_text` (a
block of lines, such as a unified diff); JSON output needs neither (JSON escapes controls).
"""

from __future__ import annotations

import re
from typing import Any

# C0 controls, DEL, C1 controls, line/paragraph separators, bidi embeddings and isolates.
# (and lone surrogates: the undecodable bytes of a file name, which no terminal can print).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                     "\ud800-\udfff]")
_UNSAFE_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e"
                             "\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is not UTF-8 (surrogateescape)
        code -= 0xDC00
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape(value: Any) -> str:
    """One value for one line of text: every control character written as an escape
    (`\\x1b`, `\\r`, `\\n`, `\\u202e`); everything else, non-ASCII included, as it is."""
    text = value if isinstance(value, str) else str(value)
    return _UNSAFE.sub(_escaped, text)


def escape_text(text: str) -> str:
    """A block of lines: like `escape`, but newlines and tabs stay as they are."""
    return _UNSAFE_IN_TEXT.sub(_escaped, text)


_RAW_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def json_text(text: str) -> str:
    """Serialized JSON with what JSON leaves raw (DEL, C1 controls, line separators, bidi
    overrides) written as \\uXXXX escapes: the same data once parsed, safe on a terminal."""
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
