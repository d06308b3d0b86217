"""The --instance option and opening the instance it names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def instance_option(func: F) -> F:
    return click.option(
        "--instance", "instance", metavar="ADDRESS", default=None,
        help="sqlite:///path.db or memory: (default: $PLANSYNC_INSTANCE, then instance: in "
        "plansync.yaml, then .plansync/instance.db at the repository root).")(func)
