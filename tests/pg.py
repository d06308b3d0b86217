"""A private PostgreSQL for the test run: `initdb` into a temporary folder, `pg_ctl start` on
a unix socket and a free TCP port on 127.0.0.1, stopped at the end. As root (CI), the server
runs as the `postgres` user, since PostgreSQL refuses root. Databases are copies of one
migrated template, so a fresh instance costs a TRUNCATE, not a migration."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg

TEMPLATE = "plansync_template"


def _binary(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not candidates:
        raise RuntimeError(f"PostgreSQL's {name} is not installed (apt-get install postgresql)")
    return candidates[-1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Cluster:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="plansync-pg-"))
        self.data = self.root / "data"
        self.socket = self.root / "socket"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        self.pool: list[str] = []
        self.next = 0

    def _run(self, *args: str) -> None:
        command = list(args)
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)

    def start(self) -> Cluster:
        self.socket.mkdir(parents=True)
        if self.as_root:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.socket, "postgres")
        self._run(_binary("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "-E", "UTF8", "--no-sync", "--locale", "C")
        options = (f"-p {self.port} -k {self.socket} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c max_connections=200")
        self._run(_binary("pg_ctl"), "-D", str(self.data), "-o", options, "-l",
                  str(self.root / "server.log"), "-w", "start")
        with self.admin() as conn:
            conn.execute(f"CREATE DATABASE {TEMPLATE}")
        from plansync.instance.postgres import PostgresInstance

        store = PostgresInstance(self.address(TEMPLATE), migrating=True)
        store.migrate()
        store.close()
        return self

    def stop(self) -> None:
        try:
            self._run(_binary("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def address(self, database: str) -> str:
        return f"postgresql://postgres@/{database}?host={self.socket}&port={self.port}"

    def tcp_address(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(self.address("postgres"), autocommit=True)

    def database(self, *, empty: bool = False) -> str:
        """A new database: a copy of the migrated template (or an empty one)."""
        name = f"t{len(self.pool) + self.next}_{os.getpid()}"
        self.next += 1
        with self.admin() as conn:
            conn.execute(f"CREATE DATABASE {name}" + ("" if empty else f" TEMPLATE {TEMPLATE}"))
        return name

    def fresh(self, slots: int = 6) -> str:
        """The address of a migrated database with nothing in it: one of a small pool,
        reused round robin and emptied with TRUNCATE."""
        if len(self.pool) < slots:
            self.pool.append(self.database())
            name = self.pool[-1]
        else:
            name = self.pool[self.next % slots]
            self.next += 1
            with psycopg.connect(self.address(name), autocommit=True) as conn:
                conn.execute("TRUNCATE programs, users, import_events RESTART IDENTITY "
                             "CASCADE")
        return self.address(name)
