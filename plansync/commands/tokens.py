"""plansync tokens create EMAIL | list | revoke ID"""

from __future__ import annotations

import click

from plansync.commands.common_instance import instance_option, listing, store
from plansync.errors import EXIT_OK


@click.group("tokens")
def command() -> None:
    """API tokens of a team instance (run against its store, not over HTTP)."""


@command.command("create")
@click.argument("email")
@instance_option
def create(email: str, instance: str | None) -> int:
    """Make a token for an account and print it, once: only its hash is kept.

    The first line is the token's id (to list and revoke it), the second the token itself;
    give it to the account's owner (PLANSYNC_TOKEN).
    """
    from plansync.instance import accounts

    with store(instance) as target, target.transaction() as conn:
        token_id, secret = accounts.create_token(conn, email)
    click.echo(f"token id: {token_id}", err=True)
    click.echo(secret)
    return EXIT_OK


@command.command("list")
@instance_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
def list_(instance: str | None, fmt: str) -> int:
    """List tokens (ids, accounts, dates; never the tokens themselves)."""
    from plansync.instance import accounts

    with store(instance) as target:
        found = accounts.list_tokens(target.conn)
    listing(fmt, found, "no tokens", lambda token: f"{token['id']}  {token['email']}  "
            f"{token['created_at']}  "
            + (f"revoked {token['revoked_at']}" if token["revoked_at"] else "live"))
    return EXIT_OK


@command.command("revoke")
@click.argument("token_id", metavar="ID")
@instance_option
def revoke(token_id: str, instance: str | None) -> int:
    """Revoke a token by its id: requests with it are refused from now on."""
    from plansync.instance import accounts

    with store(instance) as target, target.transaction() as conn:
        accounts.revoke_token(conn, token_id)
    click.echo(f"revoked {token_id}")
    return EXIT_OK
