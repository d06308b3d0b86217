"""The --instance option and opening the instance it names."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def instance_option(func: F) -> F:
    return click.option(
        "--instance", "instance", metavar="ADDRESS", default=None,
        help="sqlite:///path.db or memory: (default: $PLANSYNC_INSTANCE, then instance: in "
        "plansync.yaml, then .plansync/instance.db at the repository root).")(func)


@contextmanager
def store(instance: str | None, *, create: bool = False) -> Iterator[Any]:
    """The store (a database, not an http:// instance) that an admin command works on."""
    from plansync.errors import UsageError
    from plansync.instance.address import opened, redact, resolve_address

    address = resolve_address(instance)
    if not address.startswith(("sqlite:///", "memory:", "postgresql://", "postgres://")):
        raise UsageError(f"accounts are managed on the instance's database, not through "
                         f"{redact(address)}", hint="run this where the server's database is: "
                         "--instance sqlite:///path/to/file.db or postgresql://...")
    with opened(address, create=create) as target:
        yield target


def listing(fmt: str, rows: list[dict[str, Any]], empty: str,
            line: Callable[[dict[str, Any]], str]) -> None:
    """Rows of an admin listing: as JSON, or one text line each (`empty` when none)."""
    from plansync.render.json_out import dumps
    from plansync.render.safe import escape

    if fmt == "json":
        click.echo(dumps(rows))
    else:
        click.echo("\n".join(escape(line(row)) for row in rows) or empty)
