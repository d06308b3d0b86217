"""Semantic diff of two seed documents: what changed, entity by entity (changes.py), what it
does to the schedule (impact.py), and what a reviewer needs to read it (context.py).

Pure functions over plain data: no printing, no I/O (renderers are in plansync/render/diff.py).
"""

from __future__ import annotations

from plansync.diff.apply import apply_changes
from plansync.diff.changes import KINDS, OPS, Change, diff_documents, diff_normalised, summary
from plansync.diff.impact import schedule_impact

__all__ = ["KINDS", "OPS", "Change", "apply_changes", "diff_documents", "diff_normalised",
           "schedule_impact", "summary"]
