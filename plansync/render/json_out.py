"""Machine-readable JSON output."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from plansync.errors import Problem
from plansync.render.safe import json_text


def dumps(data: Any, indent: int | None = 2) -> str:
    """JSON for output: non-ASCII kept, control characters and bidi overrides escaped."""
    return json_text(json.dumps(data, indent=indent, ensure_ascii=False))


def problems(found: list[Problem], files: list[str]) -> str:
    """A JSON list of {file, line, column, pointer, code, message, hint}."""
    return dumps([asdict(p) for p in found])
