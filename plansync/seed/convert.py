"""`convert`: between .seed.yaml and .seed.json (YAML -> JSON gives the canonical bytes)."""

from __future__ import annotations

from pathlib import Path

from plansync.seed.canonical import canonical_bytes, normalise
from plansync.seed.fmt import formatted_bytes
from plansync.seed.load import Limits
from plansync.seed.validate import load_valid


def converted_bytes(source: str | Path, target_kind: str, limits: Limits | None = None) -> bytes:
    """The content of `source` (a valid seed file) written as `target_kind` ("json"/"yaml")."""
    seed = load_valid(source, limits)
    if target_kind == "json":
        return canonical_bytes(seed.doc)
    if seed.kind == "yaml":
        return formatted_bytes(seed)  # YAML to YAML keeps the comments
    from plansync.seed import yamlio

    return yamlio.dump_plain(normalise(seed.doc)).encode("utf-8")
