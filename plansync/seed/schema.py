"""Schema validation: schema/seed.schema.json is the contract, jsonschema is the reference.

A compiled validator (jsonschema-rs) answers "valid?" first, because it is two orders of
magnitude faster on big plans. Only when it says "invalid" does jsonschema run, and its
verdict and messages are the ones reported; a property test checks both agree.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib.resources import files
from typing import Any

from plansync.errors import Problem
from plansync.seed import pointer as jp
from plansync.seed.load import Seed

MAX_PROBLEMS = 100


@cache
def seed_schema() -> dict[str, Any]:
    text = files("plansync.schemas").joinpath("seed.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def is_code(text: str) -> bool:
    """True when `text` is a valid code (the schema's pattern): safe as a file name."""
    return re.match(seed_schema()["$defs"]["code"]["pattern"], text) is not None


@cache
def _fast_validator() -> Any:
    import jsonschema_rs

    return jsonschema_rs.validator_for(seed_schema(), validate_formats=True)


@cache
def _reference_validator() -> Any:
    import jsonschema

    cls = jsonschema.validators.validator_for(seed_schema())
    return cls(seed_schema(), format_checker=cls.FORMAT_CHECKER)


def is_valid(doc: Any) -> bool:
    """The verdict, as jsonschema would give it (the fast path only ever confirms validity)."""
    if _fast_validator().is_valid(doc):
        return True
    return not any(True for _ in _reference_validator().iter_errors(doc))


def schema_problems(seed: Seed, limit: int = MAX_PROBLEMS) -> list[Problem]:
    """Every schema violation in the document (up to `limit`), located in the file."""
    if _fast_validator().is_valid(seed.doc):
        return []
    errors = sorted(_reference_validator().iter_errors(seed.doc),
                    key=lambda e: [str(p) for p in e.absolute_path])
    problems: list[Problem] = []
    for error in errors:
        problems.extend(p for p in _problems_of(seed, error) if p not in problems)
        if len(problems) >= limit:
            break
    return problems[:limit]


def _problems_of(seed: Seed, error: Any) -> list[Problem]:
    path = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(error.schema.get("properties", {}))
        extra = [k for k in error.instance if k not in allowed]
        return [seed.problem(jp.join([*path, k]), "schema", f'unknown key "{k}"',
                             "remove it or fix its spelling; allowed here: " +
                             ", ".join(allowed), key=True)
                for k in extra]
    return [seed.problem(jp.join(path), "schema", _message(error), _hint(error))]


def _message(error: Any) -> str:
    if error.validator == "pattern" or error.validator == "format":
        return f"{_shown(error.instance)} is not a valid " + _what(error)
    return str(error.message)


def _shown(value: Any, limit: int = 60) -> str:
    """A value as JSON, shortened in the middle when long (a message names, never dumps)."""
    text = json.dumps(value, ensure_ascii=False)
    if len(text) <= limit:
        return text
    return f"{text[:limit // 2]}...{text[-10:]} ({len(text):,} characters)"


def _what(error: Any) -> str:
    title = error.schema.get("title")
    if title:
        return str(title)
    return f"value (it must match {error.validator_value})"


def _hint(error: Any) -> str:
    hints = {
        "required": "add the missing key",
        "enum": "use one of the listed values",
        "type": f"write a {error.validator_value}" if isinstance(error.validator_value, str)
        else "use the right type",
        "minimum": "use a larger number", "exclusiveMinimum": "use a larger number",
        "maximum": "use a smaller number", "exclusiveMaximum": "use a smaller number",
        "minLength": "it must not be empty", "minItems": "the list must not be empty",
        "uniqueItems": "remove the repeated entry",
        "const": f"it must be {error.validator_value!r}",
    }
    if error.validator in ("pattern", "format"):
        return str(error.schema.get("description") or _format_hint(error))
    return hints.get(error.validator, "see docs/seed-format.md for this field")


def _format_hint(error: Any) -> str:
    value = error.schema.get("format") or ""
    pattern = error.schema.get("pattern") or ""
    if value == "date" or "T" not in pattern and "[0-9]{4}-" in pattern:
        return "write a date as YYYY-MM-DD, e.g. 2026-03-02"
    if value == "date-time" or "T[0-9]" in pattern:
        return "write a UTC timestamp as YYYY-MM-DDTHH:MM:SSZ, e.g. 2026-03-02T09:00:00Z"
    if value == "email":
        return "write an email address like ada@example.com"
    return f"it must match the pattern {pattern}"
