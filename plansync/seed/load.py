"""Reading seed files: bytes -> plain data, refusing anything that could lose or bend data.

JSON files take the standard library's parser (the fast path); YAML files take libyaml through
`plansync.seed.yamlfast` when it is sure to read them as `plansync.seed.yamlio` (ruamel.yaml,
which keeps comments and positions) does, and yamlio otherwise. Either way the result is plain
data (dicts, lists, str, int, float, bool), and a `Seed` that can point any JSON pointer back
at a line and column.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plansync.errors import Problem, SeedError
from plansync.seed import locate
from plansync.seed import pointer as jp
from plansync.sizes import DEPTH_MAX

JSON_SUFFIXES = (".seed.json",)
YAML_SUFFIXES = (".seed.yaml", ".seed.yml")
SEED_SUFFIXES = JSON_SUFFIXES + YAML_SUFFIXES
BOM = b"\xef\xbb\xbf"


# Keys whose value is a wbs (or "project:wbs") string: in YAML, a number there has lost its
# text (1.10 reads as 1.1), and both YAML readers refuse it.
WBS_KEYS = frozenset({"wbs", "from", "to"})

MAX_DEPTH_CAP = DEPTH_MAX  # deeper documents exhaust Python's recursion in later stages


@dataclass(frozen=True)
class Limits:
    """Bounds on what the loader accepts (both configurable on the CLI and by environment).

    `max_depth` is at most MAX_DEPTH_CAP whatever is asked: every later stage (schema
    validation, canonical form, import) must be able to walk what the loader accepts.
    """

    max_bytes: int = 64 * 1024 * 1024
    max_depth: int = 32

    def __post_init__(self) -> None:
        object.__setattr__(self, "max_depth", max(1, min(self.max_depth, MAX_DEPTH_CAP)))
        object.__setattr__(self, "max_bytes", max(0, self.max_bytes))

    @classmethod
    def from_env(cls) -> Limits:
        """PLANSYNC_MAX_FILE_SIZE (65536, 64M, 1G) and PLANSYNC_MAX_DEPTH; a bad value is a
        UsageError naming the variable."""
        from plansync.sizes import env_depth, env_size

        default = cls()
        return cls(max_bytes=env_size("PLANSYNC_MAX_FILE_SIZE", default.max_bytes),
                   max_depth=env_depth("PLANSYNC_MAX_DEPTH", default.max_depth))


@dataclass
class Seed:
    """One loaded seed file: its text, its plain data, and (for YAML) the ruamel tree.

    A YAML file's data usually comes from the fast reader (plansync.seed.yamlfast), without a
    tree: `tree` then reads the text with the full reader the first time something needs it
    (a position for a problem, fmt and pull rewriting the file with its comments).
    """

    path: str
    kind: str  # "json" | "yaml"
    text: str
    doc: Any
    read_tree: Any = field(default=None, repr=False)  # the ruamel tree, once read
    limits: Limits = field(default_factory=Limits, repr=False, compare=False)

    @property
    def tree(self) -> Any:
        """The ruamel tree of a YAML seed (None for JSON), read on first use."""
        if self.read_tree is None and self.kind == "yaml":
            from plansync.seed import yamlio

            self.read_tree = yamlio.load_yaml(self.path, self.text, self.limits)[1]
        return self.read_tree

    def position(self, pointer: str, *, key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the value (or key) at `pointer`."""
        if self.kind == "yaml":
            from plansync.seed import yamlio

            return yamlio.position(self.tree, pointer, key=key)
        return locate.line_col(self.text, locate.offset_of(self.text, pointer, key=key))

    def problem(self, pointer: str, code: str, message: str, hint: str = "", *,
                key: bool = False) -> Problem:
        line, col = self.position(pointer, key=key)
        return Problem(self.path, line, col, pointer, code, message, hint)


def is_seed_path(path: str | Path) -> bool:
    return str(path).endswith(SEED_SUFFIXES)


def kind_of(path: str | Path) -> str:
    if str(path).endswith(YAML_SUFFIXES):
        return "yaml"
    if str(path).endswith(JSON_SUFFIXES) or str(path).endswith(".json"):
        return "json"
    raise SeedError([Problem(str(path), 0, 0, "", "file-name",
                             "not a seed file name",
                             "name it <anything>.seed.json, .seed.yaml or .seed.yml")])


def load_seed(path: str | Path, limits: Limits | None = None) -> Seed:
    """Load one seed file, or raise SeedError naming where and why it was refused."""
    limits = limits or Limits()
    name = str(path)
    kind = kind_of(path)
    return load_seed_text(name, read_text(name, limits), kind, limits)


def load_seed_text(name: str, text: str, kind: str, limits: Limits | None = None) -> Seed:
    """Load seed text that did not come from a file (a Git blob, say); `name` labels errors."""
    limits = limits or Limits()
    if kind == "yaml":
        from plansync.seed import yamlfast

        fast = yamlfast.read(text, limits.max_depth)
        if fast is not None:  # the same data as the full reader's; its tree when needed
            return Seed(name, kind, text, fast, limits=limits)
        from plansync.seed import yamlio

        doc, tree = yamlio.load_yaml(name, text, limits)
        return Seed(name, kind, text, doc, tree, limits)
    return Seed(name, kind, text, parse_json(name, text, limits))


def read_text(name: str, limits: Limits) -> str:
    """The file's text, refusing non-regular and oversize files, a BOM and invalid UTF-8."""
    return decode(name, read_bounded(name, limits.max_bytes))


_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
               | getattr(os, "O_CLOEXEC", 0))
_CHUNK = 1 << 20


def read_bounded(name: str, max_bytes: int, label: str | None = None) -> bytes:
    """The bytes of the regular file `name` (a symlink to one is fine), at most `max_bytes`.

    A FIFO, a device, a socket or a folder is refused as `not-a-file` before anything is read
    from it (a FIFO would block, /dev/zero never ends); the read itself stops after
    max_bytes + 1 bytes whatever st_size claims. `label` names the file in problems.
    """
    label = label or name
    try:
        before = os.stat(name)  # follows symlinks: the target must be a regular file
        _refuse_special(label, before.st_mode)
        fd = os.open(name, _OPEN_FLAGS)
    except OSError as exc:
        raise _file_error(label, "unreadable", f"cannot read the file: {exc.strerror}",
                          "check the path and its permissions") from exc
    try:
        info = os.fstat(fd)
        _refuse_special(label, info.st_mode)  # replaced between stat and open
        if info.st_size > max_bytes:
            raise _too_large(label, f"the file is {info.st_size:,} bytes", max_bytes)
        chunks: list[bytes] = []
        total = 0
        size = max(_CHUNK, info.st_size + 1)  # a regular file: usually one read, no copy
        while True:
            chunk = os.read(fd, min(size, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise _too_large(label, "the file holds more bytes than allowed", max_bytes)
    except OSError as exc:
        raise _file_error(label, "unreadable", f"cannot read the file: {exc.strerror}",
                          "check the path and its permissions") from exc
    finally:
        os.close(fd)
    return b"".join(chunks)


def _refuse_special(label: str, mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    what = ("a folder" if stat.S_ISDIR(mode) else "a FIFO (named pipe)" if stat.S_ISFIFO(mode)
            else "a character device" if stat.S_ISCHR(mode)
            else "a block device" if stat.S_ISBLK(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
    raise _file_error(label, "not-a-file", f"not a regular file: it is {what}",
                      "a seed file must be a regular file (a symlink to one is fine); "
                      "remove or rename this one")


def _too_large(label: str, what: str, max_bytes: int) -> SeedError:
    return _file_error(label, "too-large", f"{what}, over the limit of {max_bytes:,}",
                       "split the program, or raise the bound with --max-file-size "
                       "(or PLANSYNC_MAX_FILE_SIZE)")


def decode(name: str, data: bytes) -> str:
    """UTF-8 text of a seed file's bytes, refusing a BOM and invalid UTF-8."""
    if data.startswith(BOM):
        raise _file_error(name, "bom", "the file starts with a UTF-8 byte order mark (BOM)",
                          "save it as UTF-8 without a BOM", line=1, column=1)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _file_error(name, "encoding",
                          f"invalid UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}",
                          "save the file as UTF-8", line=line, column=column) from None


def _file_error(name: str, code: str, message: str, hint: str, *, line: int = 0,
                column: int = 0) -> SeedError:
    return SeedError([Problem(name, line, column, "", code, message, hint)])


class _Refused(Exception):
    """The fast parser met something we refuse; `first_defect` finds where."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise _Refused
    return obj


def _float(text: str) -> float:
    value = float(text)
    if math.isinf(value):  # 1e999 parses as inf: as bad as a literal Infinity
        raise _Refused
    if not locate.number_in_range(value):
        raise _Refused
    return value


def _constant(text: str) -> float:
    raise _Refused


_SURROGATE_ESCAPE = re.compile(r"\\u(?:[dD][89a-fA-F]|0000)")
# Characters no store keeps: lone surrogates (not UTF-8) and NUL (PostgreSQL's text refuses it).
_SURROGATE = re.compile("[\ud800-\udfff\x00]")


def parse_json(name: str, text: str, limits: Limits) -> Any:
    """Strict JSON: no duplicate keys, no NaN/Infinity, integers within 64 bits, bounded
    depth, no lone surrogate escapes."""
    try:  # int() refuses over 4,300 digits (ValueError); the walk below checks the rest
        doc = json.loads(text, object_pairs_hook=_pairs, parse_float=_float,
                         parse_constant=_constant)
    except (_Refused, locate.IntOutOfRange, ValueError, RecursionError):
        raise _located_defect(name, text, limits) from None
    if _refused_by_walk(doc, limits.max_depth):
        raise _located_defect(name, text, limits)
    if _SURROGATE_ESCAPE.search(text):  # decoded UTF-8 holds none: only an escape makes one
        found = first_surrogate(doc)
        if found is not None:
            path, key, value = found
            line, col = locate.line_col(text, locate.offset_of(text, jp.join(path), key=key))
            raise SeedError([surrogate_problem(name, line, col, path, key, value)])
    return doc


def has_surrogate(text: str) -> bool:
    """Whether `text` holds a lone surrogate (U+D800..U+DFFF), which UTF-8 cannot encode, or
    a NUL (U+0000), which an instance cannot store."""
    return _SURROGATE.search(text) is not None


def first_surrogate(doc: Any) -> tuple[list[str | int], bool, str] | None:
    """(path, is_key, the string) of the first string or key holding a lone surrogate (or a
    NUL), in document order."""
    stack: list[tuple[Any, list[str | int]]] = [(doc, [])]
    while stack:
        node, path = stack.pop()
        if type(node) is dict:
            for k in node:
                if has_surrogate(k):
                    return [*path, k], True, k
            stack.extend(reversed([(v, [*path, k]) for k, v in node.items()]))
        elif type(node) is list:
            stack.extend(reversed([(v, [*path, i]) for i, v in enumerate(node)]))
        elif type(node) is str and has_surrogate(node):
            return path, False, node
    return None


def visible(text: str) -> str:
    """`text` with each lone surrogate written as its escape (\\ud800): safe to print."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def surrogate_problem(name: str, line: int, col: int, path: list[str | int],
                      key: bool, value: str = "") -> Problem:
    """The problem of a lone surrogate (or a NUL) at `path` (the pointer shown escapes it)."""
    what = f"the key \"{visible(str(path[-1]))}\"" if key and path else "this string"
    if "\x00" in value and not _SURROGATE.search(value.replace("\x00", "")):
        return Problem(name, line, col, jp.join(visible(str(p)) for p in path), "nul",
                       f"{what} holds a NUL character (\\u0000), which no instance can store",
                       "remove it")
    return Problem(name, line, col, jp.join(visible(str(p)) for p in path), "surrogate",
                   f"{what} holds a lone surrogate escape (\\ud800 to \\udfff): it is not "
                   "a character, and cannot be stored or written as UTF-8",
                   "write the character itself, or both halves of a surrogate pair in JSON "
                   "(\\ud83d\\ude00); in YAML write \\U0001F600")


def _located_defect(name: str, text: str, limits: Limits) -> SeedError:
    defect = locate.first_defect(text, limits.max_depth)
    if defect is None:  # pragma: no cover - the fast parser and the walker disagree
        defect = locate.Defect(0, "", "syntax", "the file is not valid JSON", "")
    line, col = locate.line_col(text, defect.offset)
    return SeedError([Problem(name, line, col, defect.pointer, defect.code, defect.message,
                              defect.hint)])


def _refused_by_walk(doc: Any, max_depth: int) -> bool:
    """True when containers nest deeper than max_depth, or an integer is out of the 64-bit
    range (one iterative walk; `_located_defect` then says which and where)."""
    low, high = locate.INT_MIN, locate.INT_MAX
    if type(doc) is int:
        return not low <= doc <= high
    level = [doc] if type(doc) in (dict, list) else []
    depth = 0
    while level:
        nxt: list[Any] = []
        for node in level:
            for value in (node.values() if type(node) is dict else node):
                kind = type(value)
                if kind is dict or kind is list:
                    nxt.append(value)
                elif kind is int and not low <= value <= high:
                    return True
        if nxt:
            depth += 1
            if depth > max_depth:
                return True
        level = nxt
    return False
