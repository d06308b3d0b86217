"""RFC 6901 JSON pointers: building and splitting."""

from __future__ import annotations

from collections.abc import Iterable


def escape(part: str | int) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")


def join(parts: Iterable[str | int]) -> str:
    return "".join("/" + escape(p) for p in parts)


def split(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer[1:].split("/")]
