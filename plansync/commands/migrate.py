"""plansync migrate [--instance ADDRESS]"""

from __future__ import annotations

import click

from plansync.commands.common_instance import instance_option
from plansync.errors import EXIT_OK, UsageError
from plansync.render.safe import escape


@click.command("migrate")
@instance_option
def command(instance: str | None) -> int:
    """Apply the instance database's pending schema migrations (PostgreSQL).

    A PostgreSQL database is changed on purpose only: run this once on an empty database,
    and again after each plansync upgrade (in one transaction; two at once wait for each
    other). Servers and commands refuse a database that is behind or ahead of this plansync.
    An SQLite file migrates itself when it is opened.
    """
    from plansync.instance.address import open_instance, redact, resolve_address

    address = resolve_address(instance)
    if address.startswith(("postgresql://", "postgres://")):
        from plansync.instance.postgres import PostgresInstance

        store = PostgresInstance(address, migrating=True)
        try:
            applied = store.migrate()
            version = store.schema_version()
        finally:
            store.close()
    elif address.startswith(("sqlite:///", "memory:")):
        target = open_instance(address, create=True)  # opening applies what is pending
        applied, version = [], getattr(target, "schema_version", lambda: 0)()
        target.close()
    else:
        raise UsageError(f"cannot migrate {redact(address)} from here",
                         hint="run it against the database: --instance postgresql://...")
    for name in applied:
        click.echo(f"applied {escape(name)}")
    click.echo(f"schema version {version}")
    return EXIT_OK
