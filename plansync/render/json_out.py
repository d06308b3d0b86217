"""Machine-readable JSON output."""

from __future__ import annotations

import json
from dataclasses import asdict

from plansync.errors import Problem


def problems(found: list[Problem], files: list[str]) -> str:
    """A JSON list of {file, line, column, pointer, code, message, hint}."""
    return json.dumps([asdict(p) for p in found], indent=2, ensure_ascii=False)
