"""plansync serve [--db ADDRESS] [--host 127.0.0.1] [--port 8765]"""

from __future__ import annotations

import logging
import sys

import click

from plansync.commands.common import limit_options
from plansync.errors import EXIT_OK, UsageError
from plansync.seed.load import Limits


@click.command("serve")
@click.option("--db", "--instance", "db", metavar="ADDRESS", default=None,
              help="The store to serve: sqlite:///path.db or postgresql://user@host/db "
              "(default: as for --instance elsewhere: $PLANSYNC_INSTANCE, plansync.yaml, "
              ".plansync/instance.db).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Port to listen on (0: any free port, printed at start).")
@limit_options
def command(db: str | None, host: str, port: int, limits: Limits) -> int:
    """Serve an instance to a team over REST (docs/server.md).

    Accounts and tokens are made with `plansync users add` and `plansync tokens create`
    against the same store. Every request is logged on stderr in one line: method, path,
    status, milliseconds, account. Ctrl-C (or SIGTERM) stops it after the requests in flight.
    """
    import uvicorn

    from plansync.instance.address import redact, resolve_address
    from plansync.server.app import create_app

    address = resolve_address(db)
    if not address.startswith(("sqlite:///", "postgresql://", "postgres://")):
        raise UsageError(f"cannot serve {redact(address)}",
                         hint="serve a database: --db sqlite:///path/to/file.db or "
                         "--db postgresql://user@host/db")
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(name)s %(message)s")
    app = create_app(address, limits)
    config = uvicorn.Config(app, host=host, port=port, access_log=False, log_level="info",
                            lifespan="on", server_header=False)
    uvicorn.Server(config).run()
    return EXIT_OK
