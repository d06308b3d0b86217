"""`PROBLEM_RENDERERS` maps a --format name to a function and also feeds the CLI's choices."""

from __future__ import annotations

from collections.abc import Callable

from plansync.errors import Problem
from plansync.render import github, json_out, text

PROBLEM_RENDERERS: dict[str, Callable[[list[Problem], list[str]], str]] = {
    "text": text.problems,
    "json": json_out.problems,
    "github": github.problems,
}
