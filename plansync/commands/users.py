"""plansync users add EMAIL [--staff] | plansync users list"""

from __future__ import annotations

import click

from plansync.commands.common_instance import instance_option, listing, store
from plansync.errors import EXIT_OK


@click.group("users")
def command() -> None:
    """Accounts of a team instance (run against its store, not over HTTP)."""


@command.command("add")
@click.argument("email")
@click.option("--staff", is_flag=True, help="A staff account: may do everything, and is the "
              "only kind that may import a new program.")
@instance_option
def add(email: str, staff: bool, instance: str | None) -> int:
    """Create an account; memberships waiting for this email take effect at once."""
    from plansync.instance import accounts

    with store(instance, create=True) as target, target.transaction() as conn:
        account = accounts.add_user(conn, email, staff)
    click.echo(f"added {account.email}{' (staff)' if account.staff else ''}")
    return EXIT_OK


@command.command("list")
@instance_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
def list_(instance: str | None, fmt: str) -> int:
    """List the accounts: email, staff, live tokens."""
    from plansync.instance import accounts

    with store(instance) as target:
        found = accounts.list_users(target.conn)
    listing(fmt, found, "no accounts", lambda user: f"{user['email']}  tokens: "
            f"{user['tokens']}{'  staff' if user['staff'] else ''}")
    return EXIT_OK
