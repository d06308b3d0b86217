"""Sizes and bounds as people write them: `65536`, `64M`, `64MiB`, `1G`, `512k`.

One parser for the command-line options and their environment variables
(`PLANSYNC_MAX_FILE_SIZE`, `PLANSYNC_MAX_DEPTH`); a bad value is a usage error that names
where it came from.
"""

from __future__ import annotations

import os
import re

from plansync.errors import UsageError

_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?", re.IGNORECASE)
SIZE_HELP = "a size in bytes such as 65536, 512k, 64M or 1G"
DEPTH_MIN, DEPTH_MAX = 1, 200  # deeper documents exhaust Python's recursion in later stages
DEPTH_HELP = f"a whole number from {DEPTH_MIN} to {DEPTH_MAX:,}"


def parse_size(value: str) -> int:
    """Bytes from "65536", "64M", "64MB", "64MiB", "1G", "1.5g", "512k" (binary units);
    ValueError for anything else, and for a size under one byte."""
    match = _SIZE.fullmatch(value.strip())
    if match is None:
        raise ValueError(f"not a size: {value!r}")
    try:
        size = int(float(match.group(1)) * _UNITS[match.group(2).lower()])
    except OverflowError:  # more digits than a float holds
        raise ValueError(f"not a size: {value!r}") from None
    if size < 1:
        raise ValueError(f"not a size: {value!r}")
    return size


def parse_depth(value: str) -> int:
    """A nesting bound from DEPTH_MIN to DEPTH_MAX; ValueError for anything else."""
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or not DEPTH_MIN <= int(text) <= DEPTH_MAX:
        raise ValueError(f"not a depth: {value!r}")
    return int(text)


def human_size(size: int) -> str:
    """The shortest exact spelling parse_size reads back: 67108864 -> "64M"."""
    for unit in ("g", "m", "k"):
        if size % _UNITS[unit] == 0:
            return f"{size // _UNITS[unit]}{unit.upper()}"
    return str(size)


def env_size(name: str, default: int) -> int:
    """The size in environment variable `name` (default when unset or empty)."""
    value = os.environ.get(name, "")
    if not value:
        return default
    try:
        return parse_size(value)
    except ValueError:
        raise UsageError(f"{name}={value!r} is not {SIZE_HELP}",
                         hint=f"fix or unset {name}") from None


def env_depth(name: str, default: int) -> int:
    """The nesting bound in environment variable `name` (default when unset or empty)."""
    value = os.environ.get(name, "")
    if not value:
        return default
    try:
        return parse_depth(value)
    except ValueError:
        raise UsageError(f"{name}={value!r} is not {DEPTH_HELP}",
                         hint=f"fix or unset {name}") from None
