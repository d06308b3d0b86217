"""Machine-readable JSON output."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from plansync.errors import Problem


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


def problems(found: list[Problem], files: list[str]) -> str:
    """A JSON list of {file, line, column, pointer, code, message, hint}."""
    return dumps([asdict(p) for p in found])
